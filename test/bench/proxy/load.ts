// The load generator: wrk where installed (C, one thread, keep-alive), else autocannon. Both report the
// same figures: completed requests, failures, and latency percentiles in milliseconds.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CpuPlan, hasCommand, pinned } from './machine.js';

const run = promisify(execFile);

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  /** Connection errors, timeouts and non-2xx answers: a cell with any is reported, never hidden. */
  readonly failures: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly host: string;
  readonly concurrency: number;
  readonly seconds: number;
}

export interface LoadGenerator {
  readonly name: string;
  run(options: LoadOptions): Promise<LoadResult>;
}

// wrk's `done` hook prints one JSON line; its latency figures are in microseconds.
const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"failures":%d,"p50":%d,"p99":%d,"p999":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
`;

function wrk(plan: CpuPlan): LoadGenerator {
  const script = join(mkdtempSync(join(tmpdir(), 'tessera-bench-')), 'report.lua');
  writeFileSync(script, WRK_REPORT);
  return {
    name: 'wrk',
    async run({ url, host, concurrency, seconds }) {
      const command = pinned(plan, plan.loadCpu, [
        'wrk',
        '-t1',
        `-c${concurrency}`,
        `-d${seconds}s`,
        '--timeout',
        '5s',
        '-H',
        `Host: ${host}`,
        '-s',
        script,
        url,
      ]);
      const { stdout } = await run(command[0]!, command.slice(1), { maxBuffer: 1 << 20 });
      const line = /WRK_JSON (.+)/.exec(stdout)?.[1];
      if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
      const r = JSON.parse(line) as Record<string, number>;
      return {
        requests: r.requests!,
        seconds: r.durationUs! / 1e6,
        failures: r.failures!,
        p50: r.p50! / 1000,
        p99: r.p99! / 1000,
        p999: r.p999! / 1000,
      };
    },
  };
}

function autocannon(plan: CpuPlan): LoadGenerator {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  return {
    name: 'autocannon',
    async run({ url, host, concurrency, seconds }) {
      const command = pinned(plan, plan.loadCpu, [
        process.execPath,
        bin,
        '--json',
        '-c',
        String(concurrency),
        '-d',
        String(seconds),
        '-H',
        `Host=${host}`,
        url,
      ]);
      const { stdout } = await run(command[0]!, command.slice(1), { maxBuffer: 16 << 20 });
      const r = JSON.parse(stdout) as {
        requests: { total: number };
        duration: number;
        errors: number;
        timeouts: number;
        non2xx: number;
        latency: { p50: number; p99: number; p99_9: number };
      };
      return {
        requests: r.requests.total,
        seconds: r.duration,
        failures: r.errors + r.timeouts + r.non2xx,
        p50: r.latency.p50,
        p99: r.latency.p99,
        p999: r.latency.p99_9,
      };
    },
  };
}

export function loadGenerator(plan: CpuPlan): LoadGenerator {
  return hasCommand('wrk') ? wrk(plan) : autocannon(plan);
}
