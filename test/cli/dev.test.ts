import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';

// The compiled CLI, as `npm start` runs it (npm test builds first).
const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/tessera.js');

interface Dev {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function dev(file: string, ...flags: string[]): Dev {
  const child = spawn(process.execPath, [CLI, 'dev', '-f', file, '--control-plane-port', '0', ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every process below `pid`, by walking `ps`'s parent links. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Waits for `ready:`; returns each service's ingress port and the app pids the command printed. */
async function ready(run: Dev): Promise<{ ingress: Map<string, number>; pids: number[] }> {
  await until(
    () => (run.output().includes('\nready: ') ? true : undefined),
    60_000,
    () => `"ready:"; output so far:\n${run.output()}`,
  );
  const ingress = new Map<string, number>();
  const pids: number[] = [];
  for (const m of run.output().matchAll(/^service (\S+): app pid (\d+) on .*?ingress 127\.0\.0\.1:(\d+)/gm)) {
    ingress.set(m[1]!, Number(m[3]));
    pids.push(Number(m[2]));
  }
  return { ingress, pids };
}

/** SIGINT, then: exit 0, no process it started left, every port it printed free again. */
async function stopsCleanly(run: Dev, pids: number[]): Promise<void> {
  const children = [...new Set([...pids, ...descendants(run.child.pid!)])];
  expect(children.length).toBeGreaterThan(pids.length); // apps, their shells and DynamoDB Local
  const ports = [...run.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.output()).toContain('stopped');
  expect(children.filter(alive)).toEqual([]);
  const busy: number[] = [];
  for (const port of new Set(ports)) if (!(await portIsFree(port))) busy.push(port);
  expect(busy).toEqual([]);
}

describe('tessera dev', () => {
  it('runs the colors example: front answers through its proxy with blue and green, retries save green’s failures, and Ctrl-C leaves nothing behind', async () => {
    const run = dev('examples/colors/mesh.yaml', '--no-ui');
    try {
      const { ingress, pids } = await ready(run);
      expect([...ingress.keys()]).toEqual(['front', 'blue', 'green', 'red']);
      expect(run.output()).toContain('created route "paint" of virtual router "colors" in mesh "colors"');
      expect(run.output()).toMatch(/^load: 20 req\/s to front/m);

      const seen: Record<string, number> = {};
      let failures = 0;
      for (let i = 0; i < 60; i++) {
        const res = await request(`http://127.0.0.1:${ingress.get('front')}/`);
        const body = (await res.body.text()).trim();
        if (res.statusCode !== 200) failures++;
        else seen[body] = (seen[body] ?? 0) + 1;
      }
      expect(Object.keys(seen).sort()).toEqual(['front -> blue', 'front -> green']);
      expect(seen['front -> blue']!).toBeGreaterThan(seen['front -> green']!);
      // green fails 30% of tries; front's proxy retries them (the load generator's traffic too), so
      // requests rarely fail — a loose bound, as a loaded machine can time out an attempt.
      expect(failures).toBeLessThanOrEqual(6);
      const admin = /^service front: .*admin (http:\/\/\S+)/m.exec(run.output())![1]!;
      const stats = (await (await request(`${admin}/stats`)).body.json()) as {
        counters: { name: string; labels: Record<string, string>; value: number }[];
      };
      const retries = stats.counters
        .filter((c) => c.name === 'upstream_rq_retry' && c.labels.route === 'paint')
        .reduce((sum, c) => sum + c.value, 0);
      expect(retries).toBeGreaterThan(0);

      await stopsCleanly(run, pids);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  it('runs a second file: an argv app calling a shell-started app through both proxies', async () => {
    const run = dev('test/cli/dev/two-services.yaml');
    try {
      const { ingress, pids } = await ready(run);
      const res = await request(`http://127.0.0.1:${ingress.get('hello')}/`);
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toMatch(/^hello, world \(pid \d+\)$/);
      // The plain live view (stdout is not a terminal) shows the route hello called.
      await until(
        () => (/^hello → world\.local\/\S+\s+\d/m.test(run.output()) ? true : undefined),
        15_000,
        () => `the route row; output so far:\n${run.output()}`,
      );
      await stopsCleanly(run, pids);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses a bad file with every problem and its location, before starting anything', async () => {
    const run = dev('test/cli/dev/bad.yaml');
    expect(await run.exited).toBe(1);
    expect(run.output()).toBe(
      [
        'tessera dev: test/cli/dev/bad.yaml:9:11 services[0].port: must be a port number (1–65535), got "abc"',
        'tessera dev: test/cli/dev/bad.yaml:10:11 services[1].name: must name a VirtualNode in resources (mesh "bad"), got "a2"',
        'tessera dev: test/cli/dev/bad.yaml:10:5 services[1].command: is required (a shell command line, or a list of arguments)',
        '',
      ].join('\n'),
    );
  });
});
