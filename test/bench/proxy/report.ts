// Turns the bench's rounds into what a person reads: medians with their spread, ratios to direct and to
// nginx, a Markdown table, a JSON file, and a chart of latency percentiles per system.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface Round {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly failures: number;
  /** Proxy CPU (all its processes) per completed request, µs; undefined for direct. */
  readonly cpuUs?: number;
}

export interface Summary {
  readonly system: string;
  readonly concurrency: number;
  readonly rounds: number;
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  /** Requests/s of each round, in the order the rounds ran (for ratios paired by round). */
  readonly rpsByRound: readonly number[];
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly cpuUs: number | undefined;
  readonly requestsPerCpuSecond: number | undefined;
  readonly rssMiB: number | undefined;
  readonly failures: number;
  readonly vsDirect: number;
  readonly vsNginx: number | undefined;
  readonly addedP50: number;
  readonly addedP99: number;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * How `a`'s throughput compares with `b`'s: the median of their ratios round by round. The two ran
 * moments apart within each round, so drift on a noisy machine (which moves both) mostly cancels; a ratio
 * of the two medians would pair a fast round of one with a slow round of the other.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return median(a) / median(b);
  return median(a.map((rps, i) => rps / b[i]!));
}

export function summarize(
  cells: ReadonlyMap<string, ReadonlyMap<number, readonly Round[]>>,
  rss: ReadonlyMap<string, number>,
): Summary[] {
  const out: Summary[] = [];
  const base = (system: string, c: number) => cells.get(system)?.get(c);
  for (const [system, byConcurrency] of cells) {
    for (const [concurrency, rounds] of byConcurrency) {
      const rps = rounds.map((r) => r.rps);
      const cpu = rounds.flatMap((r) => (r.cpuUs === undefined ? [] : [r.cpuUs]));
      const direct = base('direct', concurrency);
      const nginx = base('nginx', concurrency);
      const p50 = median(rounds.map((r) => r.p50));
      const p99 = median(rounds.map((r) => r.p99));
      const cpuUs = cpu.length > 0 ? median(cpu) : undefined;
      out.push({
        system,
        concurrency,
        rounds: rounds.length,
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        rpsByRound: rps,
        p50,
        p99,
        p999: median(rounds.map((r) => r.p999)),
        cpuUs,
        requestsPerCpuSecond: cpuUs ? 1e6 / cpuUs : undefined,
        rssMiB: rss.get(system),
        failures: rounds.reduce((n, r) => n + r.failures, 0),
        vsDirect: direct
          ? pairedRatio(
              rps,
              direct.map((r) => r.rps),
            )
          : Number.NaN,
        vsNginx: nginx
          ? pairedRatio(
              rps,
              nginx.map((r) => r.rps),
            )
          : undefined,
        addedP50: direct ? p50 - median(direct.map((r) => r.p50)) : Number.NaN,
        addedP99: direct ? p99 - median(direct.map((r) => r.p99)) : Number.NaN,
      });
    }
  }
  return out;
}

const f = (n: number | undefined, digits = 2) =>
  n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);

export function markdown(summaries: readonly Summary[]): string {
  const lines = [
    '| system | c | req/s median (min–max) | req per proxy CPU-s | proxy CPU µs/req | p50 ms | p99 ms | p99.9 ms | +p50 ms | +p99 ms | × direct | × nginx | RSS MiB | failed |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const sorted = [...summaries].sort((a, b) => a.concurrency - b.concurrency);
  for (const s of sorted) {
    lines.push(
      `| ${s.system} | ${s.concurrency} | ${s.rps.toFixed(0)} (${s.rpsMin.toFixed(0)}–${s.rpsMax.toFixed(0)}) | ${f(s.requestsPerCpuSecond, 0)} | ${f(s.cpuUs, 1)} | ${f(s.p50, 3)} | ${f(s.p99, 3)} | ${f(s.p999, 3)} | ${s.system === 'direct' ? '-' : f(s.addedP50, 3)} | ${s.system === 'direct' ? '-' : f(s.addedP99, 3)} | ${f(s.vsDirect)} | ${f(s.vsNginx)} | ${f(s.rssMiB, 0)} | ${s.failures} |`,
    );
  }
  return lines.join('\n');
}

const PERCENTILES = [
  ['p50', '#4e79a7'],
  ['p99', '#f28e2b'],
  ['p999', '#e15759'],
] as const;

/** Latency percentiles per system, one panel per concurrency, as SVG (and PNG when rsvg-convert is here). */
export function writeChart(summaries: readonly Summary[], svgPath: string, title: string): string[] {
  const concurrencies = [...new Set(summaries.map((s) => s.concurrency))].sort((a, b) => a - b);
  const systems = [...new Set(summaries.map((s) => s.system))];
  const panelW = 90 + systems.length * 70;
  const panelH = 360;
  const width = concurrencies.length * panelW + 40;
  const height = panelH + 230;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  PERCENTILES.forEach(([name, color], i) => {
    parts.push(
      `<rect x="${20 + i * 90}" y="36" width="12" height="12" fill="${color}"/><text x="${36 + i * 90}" y="46">${name === 'p999' ? 'p99.9' : name} ms</text>`,
    );
  });
  concurrencies.forEach((c, panel) => {
    const x0 = 20 + panel * panelW + 50;
    const y0 = 80;
    const plotH = panelH - 40;
    const rows = systems.map((system) => summaries.find((s) => s.system === system && s.concurrency === c));
    const max = niceMax(Math.max(...rows.map((r) => r?.p999 ?? 0)));
    parts.push(`<text x="${x0}" y="${y0 - 8}" font-weight="bold">concurrency ${c}</text>`);
    for (let t = 0; t <= 4; t++) {
      const y = y0 + plotH - (plotH * t) / 4;
      parts.push(
        `<line x1="${x0}" x2="${x0 + systems.length * 70}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${x0 - 6}" y="${y + 4}" text-anchor="end">${Number(((max * t) / 4).toPrecision(3))}</text>`,
      );
    }
    rows.forEach((row, i) => {
      const gx = x0 + i * 70 + 8;
      if (row) {
        PERCENTILES.forEach(([name, color], j) => {
          const value = row[name];
          const h = Math.max(1, (plotH * value) / max);
          parts.push(
            `<rect x="${gx + j * 18}" y="${y0 + plotH - h}" width="16" height="${h}" fill="${color}"><title>${escapeXml(row.system)} c=${c} ${name}: ${value.toFixed(3)} ms</title></rect>`,
          );
        });
      }
      const lx = gx + 27;
      const ly = y0 + plotH + 12;
      parts.push(
        `<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-40 ${lx} ${ly})">${escapeXml(systems[i]!)}</text>`,
      );
    });
  });
  parts.push('</svg>');
  writeFileSync(svgPath, parts.join('\n'));
  const written = [svgPath];
  try {
    const png = svgPath.replace(/\.svg$/, '.png');
    execFileSync('rsvg-convert', ['-o', png, svgPath], { stdio: 'ignore' });
    written.push(png);
  } catch {
    // No rsvg-convert (Debian's librsvg2-bin): the SVG is the chart.
  }
  return written;
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= value)!;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
