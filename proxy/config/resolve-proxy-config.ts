// Resolves the proxy's configuration from flags, then `TESSERA_*` environment, then `APPMESH_RESOURCE_ARN`,
// then defaults; reports every problem at once, naming the flag or variable, the rule and the value.

import { resolve as resolvePath } from 'node:path';
import { APPMESH_ARN_RULE, parseAppMeshArn } from './appmesh-arn.js';
import {
  APPMESH_RESOURCE_ARN_ENV,
  CONTROL_PLANE_AUTH_MODES,
  DEFAULT_ADMIN_HOST,
  DEFAULT_ADMIN_PORT,
  DEFAULT_DRAIN_SECONDS,
  DEFAULT_EGRESS_PORT,
  DEFAULT_INGRESS_HOST,
  DEFAULT_INGRESS_PORT,
  DEFAULT_METRICS_INTERVAL_SECONDS,
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_SAMPLING_RATE,
  MAX_DRAIN_SECONDS,
  MAX_METRICS_INTERVAL_SECONDS,
  MAX_POLL_INTERVAL_SECONDS,
  MAX_ZONE_LENGTH,
  METRICS_MODES,
  MIN_METRICS_INTERVAL_SECONDS,
  MIN_POLL_INTERVAL_SECONDS,
  REGION_ENV,
  TRACING_MODES,
} from './constants.js';
import { ProxyConfigError } from './errors.js';
import { detectPlatform, type Env, type PlatformOptions } from './platform-identity.js';
import {
  type Parsed,
  parseChoice,
  parseHost,
  parseHttpUrl,
  parseIp,
  parseName,
  parsePort,
  parsePortAssignment,
  parseRate,
  parseSeconds,
  parseText,
} from './private/values.js';
import type { ControlPlaneAuth, PortAssignment, ProxyConfig, ProxyIdentity } from './proxy-config.js';

/** Command-line flags as given (commander's camelCase keys); every value is text, checked here. */
export interface ProxyFlags {
  readonly controlPlane?: string;
  readonly controlPlaneAuth?: string;
  readonly mesh?: string;
  readonly virtualNode?: string;
  readonly virtualGateway?: string;
  readonly ingressPort?: string;
  readonly ingressHost?: string;
  readonly egressPort?: string;
  readonly adminPort?: string;
  readonly adminHost?: string;
  readonly appPort?: string;
  readonly advertiseAddress?: string;
  readonly zone?: string;
  readonly pollInterval?: string;
  readonly stateDir?: string;
  readonly drainSeconds?: string;
  readonly metrics?: string;
  readonly metricsInterval?: string;
  readonly metricsNamespace?: string;
  readonly tracing?: string;
  readonly samplingRate?: string;
}

/** Each flag and the environment variable that stands in for it. */
export const SETTINGS = {
  controlPlane: ['--control-plane', 'TESSERA_CONTROL_PLANE'],
  controlPlaneAuth: ['--control-plane-auth', 'TESSERA_CONTROL_PLANE_AUTH'],
  mesh: ['--mesh', 'TESSERA_MESH'],
  virtualNode: ['--virtual-node', 'TESSERA_VIRTUAL_NODE'],
  virtualGateway: ['--virtual-gateway', 'TESSERA_VIRTUAL_GATEWAY'],
  ingressPort: ['--ingress-port', 'TESSERA_INGRESS_PORT'],
  ingressHost: ['--ingress-host', 'TESSERA_INGRESS_HOST'],
  egressPort: ['--egress-port', 'TESSERA_EGRESS_PORT'],
  adminPort: ['--admin-port', 'TESSERA_ADMIN_PORT'],
  adminHost: ['--admin-host', 'TESSERA_ADMIN_HOST'],
  appPort: ['--app-port', 'TESSERA_APP_PORT'],
  advertiseAddress: ['--advertise-address', 'TESSERA_ADVERTISE_ADDRESS'],
  zone: ['--zone', 'TESSERA_ZONE'],
  pollInterval: ['--poll-interval', 'TESSERA_POLL_INTERVAL'],
  stateDir: ['--state-dir', 'TESSERA_STATE_DIR'],
  drainSeconds: ['--drain-seconds', 'TESSERA_DRAIN_SECONDS'],
  metrics: ['--metrics', 'TESSERA_METRICS'],
  metricsInterval: ['--metrics-interval', 'TESSERA_METRICS_INTERVAL'],
  metricsNamespace: ['--metrics-namespace', 'TESSERA_METRICS_NAMESPACE'],
  tracing: ['--tracing', 'TESSERA_TRACING'],
  samplingRate: ['--sampling-rate', 'TESSERA_SAMPLING_RATE'],
} as const satisfies Record<keyof ProxyFlags, readonly [string, string]>;

type Setting = keyof typeof SETTINGS;

/** A value and where it came from (`--mesh` or `TESSERA_MESH`), for messages. */
interface Given {
  readonly text: string;
  readonly where: string;
}

/**
 * The proxy's configuration, frozen; throws `ProxyConfigError` listing every problem. On ECS it reads the
 * task metadata endpoint (so it is async); `options` fixes the hostname and pid for tests.
 */
export async function resolveProxyConfig(
  flags: ProxyFlags,
  env: Env,
  options: PlatformOptions = {},
): Promise<ProxyConfig> {
  const problems: string[] = [];
  const given = (setting: Setting): Given | undefined => {
    const [flag, variable] = SETTINGS[setting];
    const fromFlag = flags[setting];
    if (fromFlag !== undefined) return { text: fromFlag, where: flag };
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return { text: fromEnv, where: variable };
    return undefined;
  };
  function check<T>(value: Given | undefined, parsed: (text: string) => Parsed<T>): T | undefined {
    if (value === undefined) return undefined;
    const result = parsed(value.text);
    if (result.ok) return result.value;
    problems.push(`${value.where}: ${result.rule}, got ${JSON.stringify(value.text)}`);
    return undefined;
  }
  const required = (setting: Setting, extra = '') =>
    `${SETTINGS[setting][0]} (or ${SETTINGS[setting][1]}${extra}): is required`;

  const controlPlaneUrl = check(given('controlPlane'), parseHttpUrl);
  if (given('controlPlane') === undefined) problems.push(required('controlPlane'));

  const controlPlaneAuth = resolveControlPlaneAuth(
    check(given('controlPlaneAuth'), parseChoice(CONTROL_PLANE_AUTH_MODES)),
    controlPlaneUrl,
    env,
    problems,
  );

  const identity = resolveIdentity(flags, env, given, check, problems);

  const ingress = given('ingressPort');
  const ingressPorts = ingress
    ? check(ingress, (text) => parsePortAssignment(text, true))
    : ({ kind: 'single', port: DEFAULT_INGRESS_PORT } as const);
  const egressPort = given('egressPort')
    ? check(given('egressPort'), (text) => parsePort(text, true))
    : DEFAULT_EGRESS_PORT;
  const adminPort = given('adminPort')
    ? check(given('adminPort'), (text) => parsePort(text, true))
    : DEFAULT_ADMIN_PORT;
  const adminHost = check(given('adminHost'), parseHost) ?? DEFAULT_ADMIN_HOST;
  const ingressHost = check(given('ingressHost'), parseHost) ?? DEFAULT_INGRESS_HOST;
  const appPorts = check(given('appPort'), (text) => parsePortAssignment(text, false));
  const explicitAddress = check(given('advertiseAddress'), parseIp);
  const explicitZone = check(given('zone'), (text) => parseText(text, MAX_ZONE_LENGTH));
  const pollSeconds = given('pollInterval')
    ? check(given('pollInterval'), (text) =>
        parseSeconds(text, MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS),
      )
    : DEFAULT_POLL_INTERVAL_SECONDS;
  const stateDir = check(given('stateDir'), (text) => parseText(text, 4096));
  const drainSeconds = given('drainSeconds')
    ? check(given('drainSeconds'), (text) => parseSeconds(text, 0, MAX_DRAIN_SECONDS))
    : DEFAULT_DRAIN_SECONDS;

  const metricsMode = check(given('metrics'), parseChoice(METRICS_MODES));
  const metricsSeconds = given('metricsInterval')
    ? check(given('metricsInterval'), (text) =>
        parseSeconds(text, MIN_METRICS_INTERVAL_SECONDS, MAX_METRICS_INTERVAL_SECONDS),
      )
    : DEFAULT_METRICS_INTERVAL_SECONDS;
  const metricsNamespace = check(given('metricsNamespace'), (text) => parseText(text, 255));
  const tracingMode = check(given('tracing'), parseChoice(TRACING_MODES)) ?? 'off';
  const samplingRate = check(given('samplingRate'), parseRate) ?? DEFAULT_SAMPLING_RATE;

  if (identity?.proxy.kind === 'virtualGateway' && given('appPort') !== undefined) {
    const app = given('appPort')!;
    problems.push(
      `${app.where}: must not be set for a virtual gateway (it has no local app), got ${JSON.stringify(app.text)}`,
    );
  }
  portConflicts(
    [
      ...assignmentPorts(ingressPorts, given('ingressPort')?.where ?? '--ingress-port'),
      ...(egressPort !== undefined
        ? [{ port: egressPort, where: given('egressPort')?.where ?? '--egress-port' }]
        : []),
      ...(adminPort !== undefined
        ? [{ port: adminPort, where: given('adminPort')?.where ?? '--admin-port' }]
        : []),
      ...assignmentPorts(appPorts, given('appPort')?.where ?? '--app-port'),
    ],
    problems,
  );

  const platform = await detectPlatform(env, options);
  const advertiseAddress = explicitAddress ?? (given('advertiseAddress') ? undefined : platform.address);
  const zone = explicitZone ?? (given('zone') ? undefined : platform.zone);
  // Registration needs an address: a virtual node that takes inbound traffic (it has an app port).
  const registers = identity?.proxy.kind === 'virtualNode' && appPorts !== undefined;
  if (registers && advertiseAddress === undefined && given('advertiseAddress') === undefined) {
    problems.push(
      `${required('advertiseAddress')} to register this node's endpoint, and none could be learned: on ECS it comes from the task metadata (ECS_CONTAINER_METADATA_URI_V4), on EKS set POD_IP from the downward API (fieldRef status.podIP), elsewhere pass --advertise-address${platform.problem ? `; ${platform.problem}` : ''}`,
    );
  }

  if (problems.length > 0) throw new ProxyConfigError(problems);
  return Object.freeze({
    controlPlaneUrl: controlPlaneUrl!,
    ...(controlPlaneAuth !== undefined ? { controlPlaneAuth: Object.freeze(controlPlaneAuth) } : {}),
    mesh: identity!.mesh,
    proxy: Object.freeze({ ...identity!.proxy }),
    ingressPorts: ingressPorts!,
    egressPort: egressPort!,
    adminPort: adminPort!,
    adminHost,
    ingressHost,
    ...(appPorts !== undefined ? { appPorts } : {}),
    ...(advertiseAddress !== undefined ? { advertiseAddress } : {}),
    ...(zone !== undefined ? { zone } : {}),
    instanceId: platform.instanceId,
    platform: platform.platform,
    pollIntervalMs: Math.round(pollSeconds! * 1000),
    metrics: Object.freeze({
      // EMF lines on stdout are what ECS's awslogs driver and EKS's Fluent Bit already ship.
      mode: metricsMode ?? (platform.platform === 'other' ? 'off' : 'emf'),
      intervalMs: Math.round(metricsSeconds! * 1000),
      namespace: metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    }),
    tracing: Object.freeze({ mode: tracingMode, samplingRate }),
    ...(stateDir !== undefined ? { stateDir: resolvePath(stateDir) } : {}),
    drainSeconds: drainSeconds!,
  });
}

/**
 * SigV4 signing for `iam`: the region from AWS_REGION / AWS_DEFAULT_REGION (ECS and EKS set them), else
 * from an API Gateway URL (`https://ID.execute-api.REGION.amazonaws.com`). Undefined for `none`.
 */
function resolveControlPlaneAuth(
  mode: (typeof CONTROL_PLANE_AUTH_MODES)[number] | undefined,
  controlPlaneUrl: string | undefined,
  env: Env,
  problems: string[],
): ControlPlaneAuth | undefined {
  if (mode !== 'iam') return undefined;
  const fromEnv = REGION_ENV.map((name) => env[name]).find((value) => value !== undefined && value !== '');
  const fromUrl =
    controlPlaneUrl === undefined
      ? undefined
      : /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(controlPlaneUrl).hostname)?.[1];
  const region = fromEnv ?? fromUrl;
  if (region === undefined) {
    problems.push(
      `${REGION_ENV.join(' or ')}: is required with --control-plane-auth iam (the region requests are signed for), and the control plane URL does not name one`,
    );
    return undefined;
  }
  return { mode: 'iam', region };
}

/** The mesh and the node or gateway: flags, else environment, else `APPMESH_RESOURCE_ARN`. */
function resolveIdentity(
  flags: ProxyFlags,
  env: Env,
  given: (setting: Setting) => Given | undefined,
  check: <T>(value: Given | undefined, parsed: (text: string) => Parsed<T>) => T | undefined,
  problems: string[],
): { mesh: string; proxy: ProxyIdentity } | undefined {
  const set = (value: string | undefined) => value !== undefined && value !== '';
  let proxy: ProxyIdentity | undefined;
  let mesh = check(given('mesh'), parseName);
  const meshGiven = given('mesh') !== undefined;
  const levels: Array<[string | undefined, string | undefined, string, string]> = [
    [flags.virtualNode, flags.virtualGateway, '--virtual-node', '--virtual-gateway'],
    [
      env.TESSERA_VIRTUAL_NODE,
      env.TESSERA_VIRTUAL_GATEWAY,
      'TESSERA_VIRTUAL_NODE',
      'TESSERA_VIRTUAL_GATEWAY',
    ],
  ];
  let decided = false;
  for (const [node, gateway, nodeWhere, gatewayWhere] of levels) {
    if (!set(node) && !set(gateway)) continue;
    decided = true;
    if (set(node) && set(gateway)) {
      problems.push(
        `${nodeWhere}, ${gatewayWhere}: give one or the other, got both (${JSON.stringify(node)}, ${JSON.stringify(gateway)})`,
      );
      break;
    }
    const [where, kind, name] = set(node)
      ? [nodeWhere, 'virtualNode' as const, node!]
      : [gatewayWhere, 'virtualGateway' as const, gateway!];
    const checked = check({ text: name, where }, parseName);
    if (checked !== undefined) proxy = { kind, name: checked };
    break;
  }
  const arnText = env[APPMESH_RESOURCE_ARN_ENV];
  if ((!decided || !meshGiven) && set(arnText)) {
    const arn = parseAppMeshArn(arnText!);
    if (arn === undefined) {
      problems.push(`${APPMESH_RESOURCE_ARN_ENV}: ${APPMESH_ARN_RULE}, got ${JSON.stringify(arnText)}`);
    } else {
      if (!decided) {
        decided = true;
        proxy = check({ text: arn.proxy.name, where: APPMESH_RESOURCE_ARN_ENV }, parseName)
          ? arn.proxy
          : undefined;
      }
      if (!meshGiven) mesh = check({ text: arn.mesh, where: APPMESH_RESOURCE_ARN_ENV }, parseName);
    }
  } else if (!meshGiven) {
    problems.push(`--mesh (or TESSERA_MESH, or ${APPMESH_RESOURCE_ARN_ENV}): is required`);
  }
  if (!decided) {
    problems.push(
      `--virtual-node or --virtual-gateway (or TESSERA_VIRTUAL_NODE, TESSERA_VIRTUAL_GATEWAY, ${APPMESH_RESOURCE_ARN_ENV}): is required`,
    );
  }
  return mesh !== undefined && proxy !== undefined ? { mesh, proxy } : undefined;
}

function assignmentPorts(
  assignment: PortAssignment | undefined,
  where: string,
): Array<{ port: number; where: string }> {
  if (assignment === undefined) return [];
  if (assignment.kind === 'single') return [{ port: assignment.port, where }];
  return assignment.ports.map(({ port }) => ({ port, where }));
}

/** Two settings may not claim the same (non-zero) local port. */
function portConflicts(ports: Array<{ port: number; where: string }>, problems: string[]): void {
  const seen = new Map<number, string>();
  for (const { port, where } of ports) {
    if (port === 0) continue;
    const first = seen.get(port);
    if (first === undefined) seen.set(port, where);
    else problems.push(`${where}: must not reuse port ${port}, which ${first} already takes, got "${port}"`);
  }
}
