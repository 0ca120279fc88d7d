// `tessera proxy`: the sidecar beside an app, configured by flags, `TESSERA_*` environment or `APPMESH_RESOURCE_ARN`.

import { Command } from 'commander';
import {
  DEFAULT_ADMIN_HOST,
  DEFAULT_ADMIN_PORT,
  DEFAULT_DRAIN_SECONDS,
  DEFAULT_EGRESS_PORT,
  DEFAULT_INGRESS_HOST,
  DEFAULT_INGRESS_PORT,
  DEFAULT_POLL_INTERVAL_SECONDS,
} from '../../proxy/config/constants.js';
import { ProxyConfigError } from '../../proxy/config/errors.js';
import type { Env } from '../../proxy/config/platform-identity.js';
import type { ProxyConfig } from '../../proxy/config/proxy-config.js';
import { type ProxyFlags, resolveProxyConfig } from '../../proxy/config/resolve-proxy-config.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';

/** Exit status for bad flags or environment (a usage error, as commander's own). */
export const EXIT_BAD_CONFIG = 2;

/** The command, its options declared without defaults so the environment can stand in for any of them. */
export function proxyCommand(): Command {
  return new Command('proxy')
    .description('run the sidecar proxy for a virtual node or virtual gateway')
    .option('--control-plane <url>', 'control plane base URL [TESSERA_CONTROL_PLANE]')
    .option(
      '--control-plane-auth <mode>',
      'iam: sign control-plane requests (SigV4, service execute-api) with the task/pod role; none (default) [TESSERA_CONTROL_PLANE_AUTH]',
    )
    .option('--mesh <mesh>', 'mesh name [TESSERA_MESH, or APPMESH_RESOURCE_ARN]')
    .option('--virtual-node <name>', 'the virtual node this proxy stands in for [TESSERA_VIRTUAL_NODE]')
    .option('--virtual-gateway <name>', 'the virtual gateway this proxy is [TESSERA_VIRTUAL_GATEWAY]')
    .option(
      '--ingress-port <port>',
      `inbound port, or LISTENER:PORT pairs for several listeners (default ${DEFAULT_INGRESS_PORT}) [TESSERA_INGRESS_PORT]`,
    )
    .option(
      '--egress-port <port>',
      `outbound port for the app (default ${DEFAULT_EGRESS_PORT}) [TESSERA_EGRESS_PORT]`,
    )
    .option('--admin-port <port>', `admin port (default ${DEFAULT_ADMIN_PORT}) [TESSERA_ADMIN_PORT]`)
    .option(
      '--ingress-host <host>',
      `address the inbound listeners bind (default ${DEFAULT_INGRESS_HOST}) [TESSERA_INGRESS_HOST]`,
    )
    .option('--admin-host <host>', `admin address (default ${DEFAULT_ADMIN_HOST}) [TESSERA_ADMIN_HOST]`)
    .option(
      '--app-port <port>',
      "the app's port, or LISTENER:PORT pairs (e.g. 8080:3000,9090:3001) [TESSERA_APP_PORT]",
    )
    .option(
      '--advertise-address <ip>',
      'address other proxies dial (default: ECS task metadata, or POD_IP on EKS) [TESSERA_ADVERTISE_ADDRESS]',
    )
    .option(
      '--zone <zone>',
      'availability zone (default: ECS task metadata, or NODE_ZONE on EKS) [TESSERA_ZONE]',
    )
    .option(
      '--poll-interval <seconds>',
      `how often to poll the control plane (default ${DEFAULT_POLL_INTERVAL_SECONDS}) [TESSERA_POLL_INTERVAL]`,
    )
    .option('--state-dir <dir>', 'folder for the last good snapshot [TESSERA_STATE_DIR]')
    .option(
      '--drain-seconds <seconds>',
      `how long requests in flight may finish on SIGTERM (default ${DEFAULT_DRAIN_SECONDS}) [TESSERA_DRAIN_SECONDS]`,
    )
    .option('--metrics <mode>', 'emf | cloudwatch | off (default emf on ECS/EKS, else off) [TESSERA_METRICS]')
    .option(
      '--metrics-interval <seconds>',
      'how often metrics are flushed (default 60) [TESSERA_METRICS_INTERVAL]',
    )
    .option(
      '--metrics-namespace <namespace>',
      'CloudWatch namespace (default Tessera) [TESSERA_METRICS_NAMESPACE]',
    )
    .option('--tracing <mode>', 'xray | off (default off) [TESSERA_TRACING]')
    .option(
      '--sampling-rate <rate>',
      'X-Ray: after 1 request a second, this fraction is traced (default 0.05) [TESSERA_SAMPLING_RATE]',
    )
    .action(async (options: ProxyFlags) => {
      const config = await configOrExit(options, process.env);
      await runProxy(config);
    });
}

/** The configuration from parsed flags and `env`; every problem printed and exit 2 when it is bad. */
export async function configOrExit(flags: ProxyFlags, env: Env): Promise<ProxyConfig> {
  try {
    return await resolveProxyConfig(flags, env);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    for (const problem of error.problems) console.error(`tessera proxy: ${problem}`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

/** Parses `args` (after `proxy`) as the command does, without running it: the flags as given. */
export function parseProxyFlags(args: readonly string[]): ProxyFlags {
  const command = proxyCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .action(() => {});
  command.parse([...args], { from: 'user' });
  return command.opts<ProxyFlags>();
}

async function runProxy(config: ProxyConfig): Promise<void> {
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(config);
  } catch (error) {
    console.error(`tessera proxy: ${(error as Error).message}`);
    process.exit(1);
  }
  // Ready (GET /ready → 200) once the first snapshot is applied; that may come later than this line.
  const egress = proxy.egressPort === undefined ? '' : `, egress on 127.0.0.1:${proxy.egressPort}`;
  console.log(`proxy started: admin on ${proxy.adminUrl}${egress}`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: deregistering and draining (up to ${config.drainSeconds} s)`);
    try {
      await proxy.stop();
    } catch (error) {
      console.error(`tessera proxy: stopping: ${(error as Error).message}`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
