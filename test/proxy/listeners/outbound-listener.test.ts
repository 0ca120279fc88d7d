import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../control-plane/snapshot/index.js';
import { httpLimits } from '../../../proxy/http/index.js';
import { type HttpServer, startHttpServer } from '../../../proxy/http/server/index.js';
import { createOutboundHandler, type OutboundConfig } from '../../../proxy/listeners/outbound-listener.js';
import { buildRouteTable } from '../../../proxy/routing/index.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { routeStats, Upstreams } from '../../../proxy/upstream/index.js';
import { httpRoute, MeshBuilder, nodeSpec } from '../../support/snapshot-mesh.js';

const SERVICE = 'colors.demo.local';

function meshWith(egress: 'DROP_ALL' | 'ALLOW_ALL'): Snapshot {
  return new MeshBuilder('demo', { egressFilter: { type: egress } })
    .node('front', { backends: [{ virtualService: { virtualServiceName: SERVICE } }] })
    .node('blue', nodeSpec('blue'))
    .router('colors')
    .route('colors', 'api', httpRoute([{ virtualNode: 'blue', weight: 1 }], { match: { prefix: '/api' } }))
    .service(SERVICE, 'router:colors')
    .nodeSnapshot('front');
}

/** Sends a request head as raw bytes (ending the head) and reads the whole response until close. */
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

describe('outbound listener', () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  let app: Server;
  let appPort: number;
  let upstreams: Upstreams;
  let listener: HttpServer;
  let config: OutboundConfig | undefined;
  const stats = new Stats();
  const limits = httpLimits();

  const use = (snapshot: Snapshot) => {
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
      routes: buildRouteTable(snapshot),
      statsFor: (_s, route) => routeStats(stats, { route: route.name }),
    };
  };
  const get = (path: string, headers: Record<string, string>) =>
    request(`http://127.0.0.1:${listener.port}${path}`, { headers });

  beforeAll(async () => {
    app = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, {
        'content-type': 'text/plain',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
      });
      res.end('from blue');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
    upstreams = new Upstreams({ stats });
    listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits,
      handle: createOutboundHandler({ config: () => config, upstreams, stats }),
    });
  });
  afterAll(async () => {
    await listener?.drain(100);
    await upstreams?.close();
    app?.close();
  });

  it('answers 503 before it has any configuration, forwarding nothing', async () => {
    config = undefined;
    const res = await get('/api/x', { host: SERVICE });
    expect(res.statusCode).toBe(503);
    expect(await res.body.json()).toEqual({
      message: 'the proxy has no configuration from the control plane yet',
      proxy: 'tessera',
    });
    expect(seen).toHaveLength(0);
  });

  it('routes by Host and strips hop-by-hop and Connection-named headers, replacing X-Forwarded-For', async () => {
    use(meshWith('DROP_ALL'));
    seen.length = 0;
    // Raw bytes: HTTP clients refuse to send a Connection header that nominates other headers.
    const response = await rawExchange(
      listener.port,
      [
        'GET /api/x?q=1 HTTP/1.1',
        `Host: ${SERVICE}`,
        'Connection: x-secret, close',
        'X-Secret: do not pass',
        'X-Forwarded-For: 6.6.6.6',
        'X-Tessera-Internal: spoofed',
        'X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793',
      ].join('\r\n'),
    );
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toContain('from blue');
    // The upstream's hop-by-hop headers stay on its connection.
    expect(response.toLowerCase()).not.toContain('x-upstream-private');
    expect(response).not.toContain('timeout=5');
    expect(seen).toHaveLength(1);
    const { url, headers } = seen[0]!;
    expect(url).toBe('/api/x?q=1');
    expect(headers.host).toBe(SERVICE);
    expect(headers['x-secret']).toBeUndefined();
    expect(headers['x-tessera-internal']).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-amzn-trace-id']).toBe('Root=1-5759e988-bd862e3fe1be46a994272793');
  });

  it('answers 404 saying so when no route matches, and 404 for a host outside the mesh under DROP_ALL', async () => {
    use(meshWith('DROP_ALL'));
    seen.length = 0;
    const noRoute = await get('/other', { host: SERVICE });
    expect(noRoute.statusCode).toBe(404);
    expect(((await noRoute.body.json()) as { message: string }).message).toBe(
      `no route of virtual service "${SERVICE}" matches GET /other`,
    );
    const outside = await get('/', { host: `localhost:${appPort}` });
    expect(outside.statusCode).toBe(404);
    expect(((await outside.body.json()) as { message: string }).message).toContain(
      'egress filter is DROP_ALL',
    );
    expect(seen).toHaveLength(0);
  });

  it('forwards a host outside the mesh to the host itself under ALLOW_ALL', async () => {
    use(meshWith('ALLOW_ALL'));
    seen.length = 0;
    const res = await get('/direct', { host: `localhost:${appPort}` });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('from blue');
    expect(seen.map((s) => s.url)).toEqual(['/direct']);
  });

  it('routes an absolute-form request on its own authority and forwards that same authority', async () => {
    use(meshWith('DROP_ALL'));
    seen.length = 0;
    const response = await rawExchange(
      listener.port,
      `GET http://${SERVICE}/api/abs HTTP/1.1\r\nHost: evil.example\r\nConnection: close`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/abs');
    expect(seen[0]!.headers.host).toBe(SERVICE);
  });
});
