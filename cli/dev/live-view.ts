// The live view: a table of request rate, success, latency, retries and ejections per service and route,
// redrawn in place on a terminal and printed as plain periodic blocks anywhere else.

/** One line of the table: a service (its proxy's inbound traffic) or a route a proxy sends to. */
export interface ViewRow {
  readonly kind: 'service' | 'route';
  /** `front`, or `front → colors.local/paint` for a route as `front` sees it. */
  readonly name: string;
  /** @default - no rate yet (shown as `-`) */
  readonly requestsPerSecond?: number;
  /** Share of responses that were not 5xx, 0–1. @default - no responses in the window */
  readonly successRate?: number;
  /** @default - not measured */
  readonly p50Ms?: number;
  /** @default - not measured */
  readonly p99Ms?: number;
  /** @default - not applicable (services) */
  readonly retriesPerSecond?: number;
  /** Times an endpoint of this service was ejected by any proxy. @default - not applicable (routes) */
  readonly ejections?: number;
}

const HEADERS = ['SERVICE / ROUTE', 'REQ/S', 'SUCCESS', 'P50', 'P99', 'RETRIES/S', 'EJECTIONS'] as const;

/** The table as text, one line per row under a header, columns aligned; pure. */
export function renderTable(rows: readonly ViewRow[]): string {
  const cells = rows.map((row) => [
    row.name,
    fixed(row.requestsPerSecond),
    percent(row.successRate),
    millis(row.p50Ms),
    millis(row.p99Ms),
    fixed(row.retriesPerSecond),
    row.ejections === undefined ? '-' : String(row.ejections),
  ]);
  const all = [[...HEADERS], ...cells];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((line) => line[i]!.length)));
  return `${all
    .map((line) =>
      line
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(1);
}

/** Rounded down, so 99.96 % never shows as 100.0 %. */
function percent(value: number | undefined): string {
  return value === undefined ? '-' : `${(Math.floor(value * 1000) / 10).toFixed(1)}%`;
}

function millis(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export interface LiveViewOptions {
  /** Where the view goes. @default process.stdout */
  readonly out?: NodeJS.WriteStream;
  /** Reads fresh numbers; called before each draw. */
  readonly sample: () => Promise<void>;
  readonly rows: () => readonly ViewRow[];
  /** Lines above the table (title). */
  readonly header: () => readonly string[];
  /** Lines below the table (notes, recent log lines). */
  readonly footer: () => readonly string[];
  /** Redraw period on a terminal. @default 1000 */
  readonly intervalMs?: number;
  /** Period of the plain blocks when the output is not a terminal. @default 5000 */
  readonly plainIntervalMs?: number;
}

export interface LiveView {
  /** True when redrawing in place (a terminal). */
  readonly interactive: boolean;
  stop(): Promise<void>;
}

const CLEAR_TO_END_OF_LINE = '\x1b[K';
const HOME = '\x1b[H';
const CLEAR_BELOW = '\x1b[J';
const CLEAR_SCREEN = '\x1b[2J';

export function startLiveView(options: LiveViewOptions): LiveView {
  const out = options.out ?? process.stdout;
  const interactive = out.isTTY === true;
  const period = interactive ? (options.intervalMs ?? 1000) : (options.plainIntervalMs ?? 5000);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let drawing: Promise<void> = Promise.resolve();
  if (interactive) out.write(`${HOME}${CLEAR_SCREEN}`);

  const draw = async () => {
    await options.sample();
    if (stopped) return;
    const lines = [...options.header(), '', ...renderTable(options.rows()).trimEnd().split('\n'), ''];
    lines.push(...options.footer());
    if (interactive) {
      out.write(`${HOME}${lines.map((line) => `${line}${CLEAR_TO_END_OF_LINE}`).join('\n')}\n${CLEAR_BELOW}`);
    } else {
      out.write(`${lines.join('\n')}\n`);
    }
  };
  const loop = () => {
    drawing = draw()
      .catch((error: unknown) => {
        out.write(`live view: ${(error as Error).message}\n`);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, period);
      });
  };
  // Sample once right away, so the first drawn rates already cover an interval.
  drawing = options
    .sample()
    .catch(() => {})
    .finally(() => {
      if (!stopped) timer = setTimeout(loop, period);
    });

  return {
    interactive,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await drawing;
    },
  };
}
