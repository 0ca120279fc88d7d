// Reads a V8 `.cpuprofile` (from `node --cpu-prof`) into self time per function and per code area, so
// the bench can say where a proxy's CPU goes without opening a flame graph.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  readonly percent: number;
}

/** Which part of the program a frame belongs to: a package, Node's internals, or a project folder. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const internal = /^node:(?:internal\/)?([^/]+(?:\/[^/]+)?)/.exec(url);
  if (internal) return `node:${internal[1]}`;
  const project = /\/dist\/([^/]+\/[^/]+)/.exec(url);
  return project ? project[1]! : url;
}

export function summarizeProfile(
  path: string,
  top = 20,
): { functions: ProfileShare[]; areas: ProfileShare[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const total = profile.samples.length;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const file = url.split('/').slice(-2).join('/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const busy = [...byArea.values()].reduce((a, b) => a + b, 0) || 1;
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, percent: (hits / busy) * 100 }));
  void total;
  return { functions: rank(byFunction), areas: rank(byArea) };
}

export function profileText(path: string, top = 20): string {
  const { functions, areas } = summarizeProfile(path, top);
  return [
    `  by area (share of busy samples): ${areas.map((a) => `${a.name} ${a.percent.toFixed(1)}%`).join(', ')}`,
    '  top functions (self time):',
    ...functions.map((f) => `    ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`),
  ].join('\n');
}
