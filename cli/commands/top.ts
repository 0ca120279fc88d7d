// `tessera top`: the live view of `tessera dev` for any running proxies, read from their admin ports.

import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ADMIN_PORT } from '../../proxy/config/constants.js';
import { startLiveView } from '../dev/live-view.js';
import { MeshStats, type ProxySource, proxyName } from '../dev/mesh-stats.js';

interface TopFlags {
  readonly admin?: string[];
  readonly interval: number;
}

export function topCommand(): Command {
  return new Command('top')
    .description(
      "live request rate, success, retries and ejections per service and route, from proxies' admin ports",
    )
    .option(
      '--admin <url>',
      `a proxy's admin URL; repeat for several (default http://127.0.0.1:${DEFAULT_ADMIN_PORT})`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), parseAdminUrl(value)],
    )
    .option('--interval <seconds>', 'refresh period', parseInterval, 1)
    .action(async (flags: TopFlags) => {
      await runTop(flags);
    });
}

async function runTop(flags: TopFlags): Promise<void> {
  const urls = flags.admin ?? [`http://127.0.0.1:${DEFAULT_ADMIN_PORT}`];
  // Each proxy is named after the node it serves (from /config); one that does not answer yet by its URL.
  const sources: ProxySource[] = await Promise.all(
    urls.map(async (adminUrl) => ({
      adminUrl,
      name: (await proxyName(adminUrl).catch(() => undefined)) ?? adminUrl,
    })),
  );
  const stats = new MeshStats(sources);
  const intervalMs = flags.interval * 1000;
  const view = startLiveView({
    sample: () => stats.sample(),
    rows: () => stats.rows(),
    header: () => [`tessera top · ${sources.length} proxies · ${new Date().toTimeString().slice(0, 8)}`],
    footer: () => [
      'rates and success over the last 10 s; success = responses that were not 5xx; ejections since start;',
      'a service row counts what its proxy received (retries included), a route row what the caller saw',
      'p50/p99: not measured (the proxies expose counters, not latency)',
      ...stats.errors().map((e) => `unreachable: ${e}`),
    ],
    intervalMs,
    plainIntervalMs: intervalMs,
  });
  const stop = async () => {
    await view.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function parseAdminUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`must be a URL like http://127.0.0.1:9901, got "${value}"`);
  }
  if (url.protocol !== 'http:') throw new InvalidArgumentError(`must be an http:// URL, got "${value}"`);
  return url.origin;
}

function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) {
    throw new InvalidArgumentError(`must be a number of seconds from 0.1 to 3600, got "${value}"`);
  }
  return seconds;
}
