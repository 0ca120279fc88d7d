import { describe, expect, it } from 'vitest';
import { MeshBuilder, nodeSpec } from '../../support/snapshot-mesh.js';

const toService = (name: string, port?: number) => ({
  target: { virtualService: { virtualServiceName: name }, ...(port !== undefined ? { port } : {}) },
});

/** Gateway `ingress` (http on 8080) in front of `paint.svc` (node `paint`, one http listener on 8080). */
function gatewayMesh(
  routes: Record<string, Record<string, unknown>>,
  gatewaySpec: Record<string, unknown> = {},
) {
  const mesh = new MeshBuilder()
    .gateway('ingress', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }], ...gatewaySpec })
    .node('paint', nodeSpec('paint', ['8080:http']))
    .service('paint.svc', 'node:paint');
  for (const [name, spec] of Object.entries(routes)) mesh.gatewayRoute('ingress', name, spec);
  return mesh;
}

describe('gateway routes', () => {
  it("rewrites a matched prefix to / and the host to the service name by default (App Mesh's defaults)", () => {
    const snapshot = gatewayMesh({
      paint: { httpRoute: { match: { prefix: '/paint/' }, action: toService('paint.svc') } },
    }).gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes).toEqual([
      {
        name: 'paint',
        protocol: 'http',
        match: { path: { kind: 'prefix', value: '/paint/' }, headers: [], queryParameters: [] },
        target: { virtualService: 'paint.svc', port: 8080 },
        rewrite: { path: { kind: 'prefix', value: '/' }, hostname: 'paint.svc' },
      },
    ]);
    expect(snapshot.virtualServices.map((service) => service.name)).toEqual(['paint.svc']);
    expect(snapshot.clusters.map((cluster) => cluster.id)).toEqual(['paint:8080']);
    expect(snapshot.problems).toEqual([]);
  });

  it('honours a prefix rewrite value, a disabled default prefix, and a disabled host rewrite', () => {
    const snapshot = gatewayMesh({
      a: {
        priority: 1,
        httpRoute: {
          match: { prefix: '/v1/' },
          action: { ...toService('paint.svc'), rewrite: { prefix: { value: '/v2/' } } },
        },
      },
      b: {
        priority: 2,
        http2Route: {
          match: { prefix: '/keep/' },
          action: {
            ...toService('paint.svc'),
            rewrite: {
              prefix: { defaultPrefix: 'DISABLED' },
              hostname: { defaultTargetHostname: 'DISABLED' },
            },
          },
        },
      },
    }).gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes.map((route) => [route.name, route.protocol, route.rewrite])).toEqual([
      ['a', 'http', { path: { kind: 'prefix', value: '/v2/' }, hostname: 'paint.svc' }],
      ['b', 'http2', {}],
    ]);
  });

  it('rewrites an exact path only when asked, and never rewrites a regex path', () => {
    const snapshot = gatewayMesh({
      exact: {
        httpRoute: {
          match: { path: { exact: '/old' } },
          action: { ...toService('paint.svc'), rewrite: { path: { exact: '/new' } } },
        },
      },
      regex: { httpRoute: { match: { path: { regex: '/r/[a-z]+' } }, action: toService('paint.svc') } },
    }).gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes.map((route) => [route.name, route.match.path, route.rewrite])).toEqual([
      [
        'exact',
        { kind: 'exact', value: '/old' },
        { path: { kind: 'exact', value: '/new' }, hostname: 'paint.svc' },
      ],
      ['regex', { kind: 'regex', pattern: '/r/[a-z]+' }, { hostname: 'paint.svc' }],
    ]);
  });

  it('matches hostnames (lowercased), headers, query parameters, method and port', () => {
    const snapshot = gatewayMesh({
      exact: {
        priority: 0,
        httpRoute: {
          match: {
            prefix: '/',
            hostname: { exact: 'Paint.Example.com' },
            headers: [{ name: 'X-Tenant', match: { exact: 'a' } }],
            queryParameters: [{ name: 'v', match: { exact: '2' } }],
            method: 'PUT',
            port: 8080,
          },
          action: toService('paint.svc'),
        },
      },
      suffix: {
        priority: 1,
        httpRoute: {
          match: { prefix: '/', hostname: { suffix: '.EXAMPLE.com' } },
          action: toService('paint.svc'),
        },
      },
    }).gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes.map((route) => route.match)).toEqual([
      {
        path: { kind: 'prefix', value: '/' },
        hostname: { kind: 'exact', value: 'paint.example.com' },
        headers: [{ name: 'x-tenant', invert: false, match: { kind: 'exact', value: 'a' } }],
        queryParameters: [{ name: 'v', match: { kind: 'exact', value: '2' } }],
        method: 'PUT',
        port: 8080,
      },
      {
        path: { kind: 'prefix', value: '/' },
        hostname: { kind: 'suffix', value: '.example.com' },
        headers: [],
        queryParameters: [],
      },
    ]);
  });

  it('compiles a grpc gateway route: service as a path prefix, metadata as headers, host rewrite only', () => {
    const snapshot = gatewayMesh({
      rpc: {
        grpcRoute: {
          match: { serviceName: 'paint.v1.Paint', metadata: [{ name: 'x-env', match: { prefix: 'prod' } }] },
          action: toService('paint.svc'),
        },
      },
    }).gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes).toEqual([
      {
        name: 'rpc',
        protocol: 'grpc',
        match: {
          path: { kind: 'prefix', value: '/paint.v1.Paint/' },
          headers: [{ name: 'x-env', invert: false, match: { kind: 'prefix', value: 'prod' } }],
          queryParameters: [],
        },
        target: { virtualService: 'paint.svc', port: 8080 },
        rewrite: { hostname: 'paint.svc' },
      },
    ]);
  });

  it('orders gateway routes by priority, then by name', () => {
    const route = (priority?: number) => ({
      ...(priority !== undefined ? { priority } : {}),
      httpRoute: { match: { prefix: '/' }, action: toService('paint.svc') },
    });
    const snapshot = gatewayMesh({ c: route(), b: route(3), a: route(), d: route(0) }).gatewaySnapshot(
      'ingress',
    );
    expect(snapshot.gatewayRoutes.map((r) => r.name)).toEqual(['d', 'b', 'a', 'c']);
  });

  it('leaves the target port unresolved (503) when the service has no such port or several and none is named', () => {
    const mesh = gatewayMesh({
      'bad-port': { httpRoute: { match: { prefix: '/a/' }, action: toService('paint.svc', 9999) } },
      'no-port': { httpRoute: { match: { prefix: '/b/' }, action: toService('multi.svc') } },
      'named-port': { httpRoute: { match: { prefix: '/c/' }, action: toService('multi.svc', 9090) } },
    })
      .node('multi', nodeSpec('multi', ['8080:http', '9090:http']))
      .service('multi.svc', 'node:multi');
    const snapshot = mesh.gatewaySnapshot('ingress');
    expect(snapshot.gatewayRoutes.map((route) => [route.name, route.target])).toEqual([
      ['bad-port', { virtualService: 'paint.svc' }],
      ['named-port', { virtualService: 'multi.svc', port: 9090 }],
      ['no-port', { virtualService: 'multi.svc' }],
    ]);
    expect(snapshot.problems).toEqual([
      {
        resource: 'gatewayRoute/ingress/bad-port',
        path: 'spec.httpRoute.action.target.port',
        reason: 'virtual service "paint.svc" has no port 9999 (ports: 8080); requests are answered 503',
      },
      {
        resource: 'gatewayRoute/ingress/no-port',
        path: 'spec.httpRoute.action.target.port',
        reason:
          'virtual service "multi.svc" has ports 8080, 9090: the target must name one; requests are answered 503',
      },
    ]);
  });

  it('carries a missing target service with no provider, and notes it at the gateway route', () => {
    const snapshot = gatewayMesh({
      ghost: { httpRoute: { match: { prefix: '/' }, action: toService('ghost.svc') } },
    }).gatewaySnapshot('ingress');
    expect(snapshot.virtualServices).toEqual([
      { name: 'ghost.svc', provider: { kind: 'none' }, ports: [], routes: [] },
    ]);
    expect(snapshot.gatewayRoutes[0]!.target).toEqual({ virtualService: 'ghost.svc' });
    expect(snapshot.problems).toEqual([
      {
        resource: 'gatewayRoute/ingress/ghost',
        path: 'spec.httpRoute.action.target.virtualService.virtualServiceName',
        reason: 'virtual service "ghost.svc" does not exist; requests to it are answered 503',
      },
    ]);
  });

  it("gives the gateway's listeners default timeouts and its backend defaults to every target service", () => {
    const snapshot = gatewayMesh(
      { paint: { httpRoute: { match: { prefix: '/' }, action: toService('paint.svc') } } },
      {
        listeners: [
          {
            portMapping: { port: 8443, protocol: 'http2' },
            connectionPool: { http2: { maxRequests: 64 } },
            tls: {
              mode: 'STRICT',
              certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } },
            },
          },
        ],
        backendDefaults: {
          clientPolicy: { tls: { validation: { trust: { file: { certificateChain: '/ca.pem' } } } } },
        },
      },
    ).gatewaySnapshot('ingress');
    expect(snapshot.listeners).toEqual([
      {
        port: 8443,
        protocol: 'http2',
        timeout: { perRequestMs: 15000, idleMs: 300000 },
        connectionPool: { maxConnections: 2147483647, maxPendingRequests: 2147483647, maxRequests: 64 },
        tls: {
          mode: 'STRICT',
          certificate: { kind: 'file', certificateChain: '/c.pem', privateKey: '/k.pem' },
        },
      },
    ]);
    expect(snapshot.virtualServices[0]!.clientPolicy).toEqual({
      enforce: true,
      ports: [],
      validation: { trust: { kind: 'file', certificateChain: '/ca.pem' }, subjectAlternativeNames: [] },
    });
    expect(snapshot.proxy).toEqual({ kind: 'virtualGateway', name: 'ingress' });
  });
});
