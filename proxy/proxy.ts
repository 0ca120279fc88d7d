// The sidecar, assembled: this file reads top to bottom as the proxy's life — listen, fetch the snapshot,
// apply it (routes, clusters, inbound listeners, health checks, registration), keep it current, drain.
// A virtual gateway's proxy is the same life with gateway listeners instead of egress and ingress, and
// neither health checks of an app nor registration (it is reached through a load balancer).

import type { Writable } from 'node:stream';
import type { EndpointSet, Listener, RequestRoute, Snapshot } from '../control-plane/snapshot/index.js';
import { configView, startAdminServer } from './admin/index.js';
import type { ListenerPort, PortAssignment, ProxyConfig } from './config/index.js';
import {
  type ControlPlaneClientOptions,
  EndpointWatcher,
  nodesOf,
  Registration,
  SnapshotWatcher,
} from './control-plane/index.js';
import { HealthChecker, healthCheckTargets } from './health/index.js';
import { httpLimits } from './http/index.js';
import { type HttpServer, startHttpServer } from './http/server/index.js';
import { createGatewayHandler, type GatewayConfig } from './listeners/gateway-listener.js';
import { createInboundHandler, type InboundConfig } from './listeners/inbound-listener.js';
import { createOutboundHandler, type OutboundConfig } from './listeners/outbound-listener.js';
import { buildGatewayTable } from './routing/gateway-table.js';
import { buildRouteTable, RouteMemo } from './routing/index.js';
import { createAccessLog } from './telemetry/access-log/index.js';
import { createMetrics } from './telemetry/metrics/index.js';
import { type RequestLabels, RequestTelemetry } from './telemetry/request-telemetry.js';
import { Stats } from './telemetry/stats.js';
import { createTracer } from './telemetry/tracing/index.js';
import { type RouteStats, routeStats, Upstreams } from './upstream/index.js';

export interface RunningProxy {
  readonly adminUrl: string;
  /** The egress port for the app; `undefined` for a virtual gateway (it has no app, so no egress listener). */
  readonly egressPort: number | undefined;
  /** Each virtual-node (or virtual-gateway) listener port and the local ingress port serving it. */
  readonly ingressPorts: readonly ListenerPort[];
  readonly stats: Stats;
  /** Deregisters, stops taking connections, lets requests in flight finish (up to the drain time), closes. */
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** @default console.error with a `tessera proxy:` prefix */
  readonly log?: (message: string) => void;
  /** Where telemetry goes, for embedding and tests. */
  readonly telemetry?: {
    /** EMF lines. @default process.stdout */
    readonly emfOut?: Writable;
    /** @default AWS_XRAY_DAEMON_ADDRESS, else 127.0.0.1:2000 */
    readonly xrayDaemonAddress?: string;
    /** PutMetricData endpoint. @default the regional CloudWatch endpoint */
    readonly cloudwatchEndpoint?: string;
  };
}

export async function startProxy(config: ProxyConfig, options: ProxyOptions = {}): Promise<RunningProxy> {
  const isGateway = config.proxy.kind === 'virtualGateway';
  const log = options.log ?? ((message: string) => console.error(`tessera proxy: ${message}`));
  const stats = new Stats();
  const limits = httpLimits();
  const upstreams = new Upstreams({ stats });
  const health = new HealthChecker({ stats });
  const routeStatsCache = new Map<string, RouteStats>();
  // Behind IAM auth every control-plane request is SigV4-signed with the task/pod role. Loaded only then,
  // so an unsigned proxy never loads the AWS credential chain.
  const signer =
    config.controlPlaneAuth?.mode === 'iam'
      ? (await import('./control-plane/sigv4-signer.js')).createSigV4Signer({
          region: config.controlPlaneAuth.region,
        })
      : undefined;

  // Telemetry: metrics flushed every interval (EMF or PutMetricData), X-Ray segments, access logs.
  const sinks = options.telemetry ?? {};
  const metrics = createMetrics(
    {
      ...config.metrics,
      mesh: config.mesh,
      proxy: config.proxy,
      ...(sinks.emfOut !== undefined ? { out: sinks.emfOut } : {}),
      ...(sinks.cloudwatchEndpoint !== undefined
        ? { cloudwatch: { endpoint: sinks.cloudwatchEndpoint } }
        : {}),
    },
    stats,
  );
  const tracer = createTracer({
    enabled: config.tracing.mode === 'xray',
    mesh: config.mesh,
    proxy: config.proxy,
    samplingRate: config.tracing.samplingRate,
    ...(sinks.xrayDaemonAddress !== undefined ? { daemonAddress: sinks.xrayDaemonAddress } : {}),
    counters: {
      sent: stats.counter('tracing_segments_sent'),
      dropped: stats.counter('tracing_segments_dropped'),
    },
  });
  const accessLog = createAccessLog(undefined, {
    counters: {
      written: stats.counter('access_log_lines_written'),
      dropped: stats.counter('access_log_lines_dropped'),
    },
  });
  const telemetry = new RequestTelemetry({ recorder: metrics.recorder, tracer, accessLog });
  const labels = new Map<string, RequestLabels>();
  /** Metric key and trace/log names of a (gateway route,) virtual service route and target, made once. */
  const labelsFor = (virtualService: string, route: string, clusterId: string, gatewayRoute?: string) => {
    const key = `${gatewayRoute ?? ''}\u0000${virtualService}\u0000${route}\u0000${clusterId}`;
    let found = labels.get(key);
    if (found === undefined) {
      const target = clusterId.slice(0, clusterId.lastIndexOf(':'));
      found = {
        metricKey: metrics.recorder.outboundKey({
          targetVirtualService: virtualService,
          targetVirtualNode: target,
          route: gatewayRoute ?? route,
        }),
        virtualService,
        route,
        target,
        ...(gatewayRoute !== undefined ? { gatewayRoute } : {}),
      };
      labels.set(key, found);
    }
    return found;
  };
  const inboundLabels: RequestLabels = { metricKey: metrics.recorder.inboundKey() };

  // What the current snapshot says, swapped whole on every apply so a request sees one version.
  let outbound: OutboundConfig | undefined;
  let inbound = new Map<number, InboundConfig>();
  let gateway: GatewayConfig | undefined;
  let current: Snapshot | undefined;
  let endpoints: EndpointSet['endpoints'] = {};

  // 1. Listeners: a node's egress for its app (loopback only) and ingress for the mesh; a gateway's
  //    ingress from outside the mesh, routed by its gateway routes.
  const egress = isGateway
    ? undefined
    : await startHttpServer({
        host: '127.0.0.1',
        port: config.egressPort,
        limits,
        handle: createOutboundHandler({ config: () => outbound, upstreams, stats, telemetry }),
      });
  const ingress: { listener: HttpServer; listenerPort: () => number | undefined }[] = [];
  if (isGateway || config.appPorts !== undefined) {
    for (const { port, listenerPort } of ingressAssignments(config.ingressPorts)) {
      const resolveListener = () => listenerPort ?? onlyListenerPort(current);
      const handle = isGateway
        ? createGatewayHandler({
            config: () => gateway,
            listenerPort: resolveListener,
            upstreams,
            stats,
            telemetry,
          })
        : createInboundHandler({
            config: () => {
              const at = resolveListener();
              return at === undefined ? undefined : inbound.get(at);
            },
            stats,
          });
      const listener = await startHttpServer({
        host: config.ingressHost,
        port,
        limits,
        handle,
        onConnection: (socket) => {
          metrics.recorder.connectionOpened();
          socket.once('close', () => metrics.recorder.connectionClosed());
        },
      });
      ingress.push({ listener, listenerPort: resolveListener });
    }
  }
  const ingressPorts = () =>
    ingress.flatMap(({ listener, listenerPort }) => {
      const at = listenerPort();
      return at === undefined ? [] : [{ listenerPort: at, port: listener.port }];
    });

  // 2. Discovery: the endpoints of every node the snapshot's clusters name.
  // What every control-plane client of this proxy is given.
  const client: ControlPlaneClientOptions = {
    controlPlaneUrl: config.controlPlaneUrl,
    mesh: config.mesh,
    stats,
    log,
    ...(signer !== undefined ? { signer } : {}),
  };
  const endpointWatcher = new EndpointWatcher({
    ...client,
    pollIntervalMs: config.pollIntervalMs,
    ...(config.stateDir !== undefined ? { stateDir: config.stateDir } : {}),
    onEndpoints: (set) => {
      endpoints = set.endpoints;
      if (current !== undefined) upstreams.apply(current.clusters, endpoints);
    },
  });

  // 3. Self-registration, once the node's listeners are served (a gateway does not register).
  let registration: Registration | undefined;
  const register = async () => {
    const ports = ingressPorts();
    if (isGateway || ports.length === 0 || config.advertiseAddress === undefined) return;
    if (registration === undefined) {
      registration = new Registration({
        ...client,
        virtualNode: config.proxy.name,
        endpointId: config.instanceId,
        address: config.advertiseAddress,
        ...(config.zone !== undefined ? { zone: config.zone } : {}),
        ports,
      });
      await registration.start();
    } else {
      await registration.setPorts(ports);
    }
  };

  // 4. Applying a snapshot: everything derived from it is built first, then swapped in.
  const applyGateway = async (snapshot: Snapshot) => {
    const table = buildGatewayTable(snapshot);
    upstreams.apply(snapshot.clusters, endpoints);
    for (const listener of snapshot.listeners) {
      if (listener.protocol !== 'http') {
        log(
          `gateway listener ${listener.port} speaks ${listener.protocol}; this proxy serves http listeners only`,
        );
      }
    }
    gateway = {
      table,
      statsFor: (gatewayRoute, service, route) =>
        cachedStats(routeStatsCache, stats, {
          direction: 'gateway',
          gateway_route: gatewayRoute.name,
          virtual_service: service,
          route: route.name,
        }),
      labelsFor: (gatewayRoute, service, route, clusterId) =>
        labelsFor(service, route.name, clusterId, gatewayRoute.name),
    };
    applyAccessLog(snapshot);
    current = snapshot;
    await endpointWatcher.setNodes(nodesOf(snapshot));
  };
  /** A bad access-log format is refused on its own; the routes of the snapshot still apply. */
  const applyAccessLog = (snapshot: Snapshot) => {
    try {
      accessLog.reconfigure(snapshot.accessLog);
    } catch (error) {
      log(`access log settings refused, keeping the previous ones: ${(error as Error).message}`);
    }
  };
  const apply = async (snapshot: Snapshot) => {
    if (isGateway) return applyGateway(snapshot);
    const routes = buildRouteTable(snapshot);
    upstreams.apply(snapshot.clusters, endpoints);
    const nextInbound = new Map<number, InboundConfig>();
    for (const listener of snapshot.listeners) {
      const appPort = appPortFor(config.appPorts, listener, snapshot);
      if (appPort === undefined) continue;
      if (listener.protocol !== 'http') {
        log(`listener ${listener.port} speaks ${listener.protocol}; this proxy serves http listeners only`);
        continue;
      }
      nextInbound.set(listener.port, {
        app: upstreams.static(`app:${listener.port}`, [{ address: '127.0.0.1', port: appPort }], {
          connectionPool: listener.connectionPool,
        }),
        timeout: listener.timeout,
        stats: cachedStats(routeStatsCache, stats, { direction: 'inbound', listener: String(listener.port) }),
        labels: inboundLabels,
      });
    }
    // Route objects live as long as this snapshot: its lookups key on them.
    const outboundStats = new RouteMemo((route: RequestRoute, service: string) =>
      cachedStats(routeStatsCache, stats, {
        direction: 'outbound',
        virtual_service: service,
        route: route.name,
      }),
    );
    const outboundLabels = new RouteMemo((route: RequestRoute, service: string, clusterId: string) =>
      labelsFor(service, route.name, clusterId),
    );
    outbound = {
      routes,
      statsFor: (service: string, route: RequestRoute) => outboundStats.get(route, service),
      labelsFor: (service: string, route: RequestRoute, clusterId: string) =>
        outboundLabels.get(route, service, clusterId),
    };
    applyAccessLog(snapshot);
    inbound = nextInbound;
    current = snapshot;
    health.update(healthCheckTargets(snapshot, appPortList(config.appPorts, snapshot)));
    await endpointWatcher.setNodes(nodesOf(snapshot));
    await register();
  };

  const watcher = new SnapshotWatcher({
    ...client,
    proxy: config.proxy,
    pollIntervalMs: config.pollIntervalMs,
    ...(config.stateDir !== undefined ? { stateDir: config.stateDir } : {}),
    onSnapshot: (snapshot, source) => {
      log(`applying snapshot ${snapshot.version.slice(0, 12)} from ${source}`);
      return apply(snapshot);
    },
  });

  // 5. The admin port, then the first snapshot (from the control plane, else from disk), then polling.
  const admin = await startAdminServer({
    host: config.adminHost,
    port: config.adminPort,
    stats,
    isReady: () => current !== undefined,
    config: () => configView(config, watcher.status()),
    endpoints: () => ({ ...upstreams.describe(), health: health.states() }),
  });
  metrics.recorder.setSnapshotAge(() => watcher.ageSeconds());
  endpointWatcher.start();
  await watcher.start();
  if (current === undefined) {
    log('no snapshot yet (control plane unreachable and nothing on disk); not ready, retrying');
  }

  let stopping: Promise<void> | undefined;
  return {
    adminUrl: admin.url,
    egressPort: egress?.port,
    get ingressPorts() {
      return ingressPorts();
    },
    stats,
    stop() {
      stopping ??= (async () => {
        await registration?.deregister();
        await registration?.stop();
        await watcher.stop();
        await endpointWatcher.stop();
        const graceMs = config.drainSeconds * 1000;
        await Promise.all([
          egress?.drain(graceMs),
          ...ingress.map(({ listener }) => listener.drain(graceMs)),
        ]);
        await health.stop();
        await upstreams.close();
        // The last window, with the drained requests in it, goes out before the proxy does.
        await metrics.shutdown();
        tracer.close();
        accessLog.close();
        await admin.close();
      })();
      return stopping;
    },
  };
}

/** Local ingress ports, with the listener each serves when the assignment says (`single`: the only one). */
function ingressAssignments(ports: PortAssignment): { port: number; listenerPort: number | undefined }[] {
  return ports.kind === 'single'
    ? [{ port: ports.port, listenerPort: undefined }]
    : ports.ports.map(({ listenerPort, port }) => ({ port, listenerPort }));
}

function onlyListenerPort(snapshot: Snapshot | undefined): number | undefined {
  return snapshot?.listeners.length === 1 ? snapshot.listeners[0]!.port : undefined;
}

/** The app port serving `listener`: the single `--app-port` for a one-listener node, else its pair. */
function appPortFor(
  appPorts: PortAssignment | undefined,
  listener: Listener,
  snapshot: Snapshot,
): number | undefined {
  if (appPorts === undefined) return undefined;
  if (appPorts.kind === 'single') return snapshot.listeners.length === 1 ? appPorts.port : undefined;
  return appPorts.ports.find((p) => p.listenerPort === listener.port)?.port;
}

function appPortList(appPorts: PortAssignment | undefined, snapshot: Snapshot): ListenerPort[] {
  return snapshot.listeners.flatMap((listener) => {
    const port = appPortFor(appPorts, listener, snapshot);
    return port === undefined ? [] : [{ listenerPort: listener.port, port }];
  });
}

/** The counters of one (virtual service, route) or inbound listener, kept across snapshots. */
function cachedStats(
  cache: Map<string, RouteStats>,
  stats: Stats,
  labels: Record<string, string>,
): RouteStats {
  const key = Object.values(labels).join('\u0000');
  let found = cache.get(key);
  if (found === undefined) {
    found = routeStats(stats, labels);
    cache.set(key, found);
  }
  return found;
}
