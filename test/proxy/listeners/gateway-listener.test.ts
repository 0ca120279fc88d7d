import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../control-plane/snapshot/index.js';
import { httpLimits } from '../../../proxy/http/index.js';
import { type HttpServer, startHttpServer } from '../../../proxy/http/server/index.js';
import { createGatewayHandler, type GatewayConfig } from '../../../proxy/listeners/gateway-listener.js';
import { buildGatewayTable } from '../../../proxy/routing/gateway-table.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { routeStats, Upstreams } from '../../../proxy/upstream/index.js';
import { httpRoute, MeshBuilder, nodeSpec } from '../../support/snapshot-mesh.js';

const toBlue = [{ virtualNode: 'blue', weight: 1 }];

function toService(service: string, match: Record<string, unknown>, rewrite?: Record<string, unknown>) {
  return {
    httpRoute: {
      match,
      action: {
        target: { virtualService: { virtualServiceName: service } },
        ...(rewrite !== undefined ? { rewrite } : {}),
      },
    },
  };
}

/**
 * Gateway `ingress` (http on 8080): `/colors` → colors.local (→ blue), `/keep` → colors.local without
 * rewrites, `/wide` → wide.local (two ports, none named: unresolved), `/picky` → picky.local (routes `/only`).
 */
function gatewaySnapshot(): Snapshot {
  return new MeshBuilder()
    .gateway('ingress', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] })
    .gatewayRoute('ingress', 'colors', toService('colors.local', { prefix: '/colors' }))
    .gatewayRoute(
      'ingress',
      'keep',
      toService(
        'colors.local',
        { prefix: '/keep' },
        { prefix: { defaultPrefix: 'DISABLED' }, hostname: { defaultTargetHostname: 'DISABLED' } },
      ),
    )
    .gatewayRoute('ingress', 'wide', toService('wide.local', { prefix: '/wide' }))
    .gatewayRoute('ingress', 'picky', toService('picky.local', { prefix: '/picky' }))
    .service('colors.local', 'router:colors')
    .router('colors')
    .route('colors', 'all', httpRoute(toBlue))
    .service('wide.local', 'node:wide')
    .node('wide', nodeSpec('wide', ['8080:http', '9090:http']))
    .service('picky.local', 'router:picky')
    .router('picky')
    .route('picky', 'only', httpRoute(toBlue, { match: { prefix: '/only' } }))
    .node('blue', nodeSpec('blue'))
    .gatewaySnapshot('ingress');
}

/** Sends a request head as raw bytes and reads the whole response until the proxy closes. */
function rawExchange(port: number, head: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.write(`${head}\r\n\r\n`);
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text));
  });
}

describe('gateway listener', () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  /** Statuses the app answers with, in turn; 200 once used up. */
  const script: number[] = [];
  let app: Server;
  let appPort: number;
  let upstreams: Upstreams;
  let listener: HttpServer;
  let config: GatewayConfig | undefined;
  let listenerPort: number | undefined = 8080;
  const stats = new Stats();
  const limits = httpLimits();

  const counter = (name: string, labels: Record<string, string>) =>
    stats
      .snapshot()
      .counters.filter((c) => c.name === name && Object.entries(labels).every(([k, v]) => c.labels[k] === v))
      .reduce((sum, c) => sum + c.value, 0);
  const get = (path: string, headers: Record<string, string> = { host: 'www.example.com' }) =>
    request(`http://127.0.0.1:${listener.port}${path}`, { headers });

  beforeAll(async () => {
    app = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(script.shift() ?? 200, { 'content-type': 'text/plain' }).end('from blue');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
    upstreams = new Upstreams({ stats });
    const snapshot = gatewaySnapshot();
    upstreams.apply(snapshot.clusters, {
      blue: [
        {
          id: 'blue-1',
          address: '127.0.0.1',
          ports: [{ listenerPort: 8080, port: appPort }],
          source: 'proxy',
        },
      ],
    });
    config = {
      table: buildGatewayTable(snapshot),
      statsFor: (gatewayRoute, service, route) =>
        routeStats(stats, { gateway_route: gatewayRoute.name, virtual_service: service, route: route.name }),
    };
    listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits,
      handle: createGatewayHandler({
        config: () => config,
        listenerPort: () => listenerPort,
        upstreams,
        stats,
      }),
    });
  });
  beforeEach(() => {
    seen.length = 0;
    script.length = 0;
  });
  afterAll(async () => {
    await listener?.drain(100);
    await upstreams?.close();
    app?.close();
  });

  it('strips the matched prefix, sends the service name as Host, keeps the query, and replaces X-Forwarded-For', async () => {
    const before = counter('upstream_rq_total', { gateway_route: 'colors', route: 'all' });
    const res = await get('/colors/paint?shade=dark', {
      host: 'www.example.com',
      'x-forwarded-for': '6.6.6.6',
      'x-tessera-internal': 'spoofed',
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('from blue');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/paint?shade=dark');
    expect(seen[0]!.headers.host).toBe('colors.local');
    expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen[0]!.headers['x-tessera-internal']).toBeUndefined();
    expect(counter('upstream_rq_total', { gateway_route: 'colors', route: 'all' }) - before).toBe(1);
  });

  it('keeps the path and the client’s Host when the route disables both rewrites', async () => {
    const res = await get('/keep/this', { host: 'www.example.com:8443' });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(seen.map((s) => [s.url, s.headers.host])).toEqual([['/keep/this', 'www.example.com:8443']]);
  });

  it('applies the target route’s retry policy (App Mesh’s default retries a 503)', async () => {
    script.push(503);
    const res = await get('/colors/retry');
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(seen.map((s) => s.url)).toEqual(['/retry', '/retry']);
  });

  it('answers 404 saying no gateway route matched, forwarding nothing', async () => {
    const before = counter('downstream_rq_local_reply', { direction: 'gateway', reason: 'no_gateway_route' });
    const res = await get('/nothing/here');
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-tessera-local-reply']).toBe('true');
    expect(await res.body.json()).toEqual({
      message: 'no gateway route of listener 8080 matches GET www.example.com/nothing/here',
      proxy: 'tessera',
    });
    expect(seen).toHaveLength(0);
    expect(counter('downstream_rq_local_reply', { direction: 'gateway', reason: 'no_gateway_route' })).toBe(
      before + 1,
    );
  });

  it('answers 503 when the matched route has no target port, and 404 when the service’s routes do not match', async () => {
    const noPort = await get('/wide/x');
    expect(noPort.statusCode).toBe(503);
    expect(((await noPort.body.json()) as { message: string }).message).toContain(
      'gateway route "wide" has no reachable target',
    );
    const noRoute = await get('/picky/other');
    expect(noRoute.statusCode).toBe(404);
    expect(((await noRoute.body.json()) as { message: string }).message).toContain(
      'no route of virtual service "picky.local" matches GET /other',
    );
    expect(seen).toHaveLength(0);
    const routed = await get('/picky/only');
    expect(routed.statusCode).toBe(200);
    await routed.body.dump();
    expect(seen.map((s) => s.url)).toEqual(['/only']);
  });

  it('refuses a malformed request head with 400 and closes, forwarding nothing', async () => {
    const response = await rawExchange(
      listener.port,
      ['GET /colors/x HTTP/1.1', 'Host: a.example.com', 'Host: b.example.com'].join('\r\n'),
    );
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(response).toContain('more than one Host header');
    expect(seen).toHaveLength(0);
  });

  it('answers 503 while it has no configuration or does not know which listener it serves', async () => {
    const saved = config;
    try {
      config = undefined;
      const res = await get('/colors/x');
      expect(res.statusCode).toBe(503);
      await res.body.dump();
      config = saved;
      listenerPort = undefined;
      const unknown = await get('/colors/x');
      expect(unknown.statusCode).toBe(503);
      await unknown.body.dump();
      listenerPort = 9999;
      const notListener = await get('/colors/x');
      expect(notListener.statusCode).toBe(503);
      expect(((await notListener.body.json()) as { message: string }).message).toBe(
        'the gateway has no listener on port 9999',
      );
      expect(seen).toHaveLength(0);
    } finally {
      config = saved;
      listenerPort = 8080;
    }
  });
});
