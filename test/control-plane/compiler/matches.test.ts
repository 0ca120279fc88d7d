import { describe, expect, it } from 'vitest';
import { compileOneRoute, compileRequestRoute, httpRoute } from '../../support/snapshot-mesh.js';

const blue = [{ virtualNode: 'blue', weight: 1 }];

describe('route matches', () => {
  it('carries a prefix match as a prefix', () => {
    const { route } = compileRequestRoute(httpRoute(blue, { match: { prefix: '/colors' } }));
    expect(route.match).toEqual({
      path: { kind: 'prefix', value: '/colors' },
      headers: [],
      queryParameters: [],
    });
  });

  it("fills App Mesh's prefix / when neither prefix nor path is set", () => {
    const { route } = compileRequestRoute(httpRoute(blue, { match: { method: 'GET' } }));
    expect(route.match).toEqual({
      path: { kind: 'prefix', value: '/' },
      headers: [],
      queryParameters: [],
      method: 'GET',
    });
  });

  it('carries exact and regex paths', () => {
    const exact = compileRequestRoute(httpRoute(blue, { match: { path: { exact: '/colors/blue' } } }));
    expect(exact.route.match.path).toEqual({ kind: 'exact', value: '/colors/blue' });
    const regex = compileRequestRoute(httpRoute(blue, { match: { path: { regex: '/v[0-9]+/colors' } } }));
    expect(regex.route.match.path).toEqual({ kind: 'regex', pattern: '/v[0-9]+/colors' });
  });

  it('normalizes every header match kind, lowercases names and sorts by name', () => {
    const headers = [
      { name: 'X-Version', match: { range: { start: 1, end: 3 } } },
      { name: 'x-canary', invert: false, match: { exact: 'yes' } },
      { name: 'x-user', match: { prefix: 'admin-' } },
      { name: 'x-region', invert: true, match: { suffix: '-east' } },
      { name: 'x-id', match: { regex: '[0-9]+' } },
      { name: 'x-present' },
    ];
    const { route } = compileRequestRoute(httpRoute(blue, { match: { prefix: '/', headers } }));
    expect(route.match.headers).toEqual([
      { name: 'x-canary', invert: false, match: { kind: 'exact', value: 'yes' } },
      { name: 'x-id', invert: false, match: { kind: 'regex', pattern: '[0-9]+' } },
      { name: 'x-present', invert: false, match: { kind: 'present' } },
      { name: 'x-region', invert: true, match: { kind: 'suffix', value: '-east' } },
      { name: 'x-user', invert: false, match: { kind: 'prefix', value: 'admin-' } },
      { name: 'x-version', invert: false, match: { kind: 'range', start: 1, end: 3 } },
    ]);
  });

  it('carries query parameters (exact or present), method, scheme and port', () => {
    const match = {
      prefix: '/colors',
      queryParameters: [{ name: 'trace' }, { name: 'debug', match: { exact: 'true' } }],
      method: 'POST',
      scheme: 'https',
      port: 8080,
    };
    const { route } = compileRequestRoute(httpRoute(blue, { match }));
    expect(route.match).toEqual({
      path: { kind: 'prefix', value: '/colors' },
      headers: [],
      queryParameters: [
        { name: 'debug', match: { kind: 'exact', value: 'true' } },
        { name: 'trace', match: { kind: 'present' } },
      ],
      method: 'POST',
      scheme: 'https',
      port: 8080,
    });
  });

  it('compiles an http2 route with the same match shape and protocol http2', () => {
    const spec = {
      http2Route: {
        match: { path: { exact: '/x' }, headers: [{ name: 'te', match: { exact: 'trailers' } }] },
        action: { weightedTargets: blue },
      },
    };
    const { route } = compileRequestRoute(spec, { routerListeners: ['8080:http2'] });
    expect(route.protocol).toBe('http2');
    expect(route.match).toEqual({
      path: { kind: 'exact', value: '/x' },
      headers: [{ name: 'te', invert: false, match: { kind: 'exact', value: 'trailers' } }],
      queryParameters: [],
    });
  });

  it('turns a gRPC service and method into a path, and metadata into headers', () => {
    const grpc = (match: Record<string, unknown>) =>
      compileRequestRoute(
        { grpcRoute: { match, action: { weightedTargets: blue } } },
        { routerListeners: ['8080:grpc'] },
      ).route;
    const method = grpc({
      serviceName: 'colors.v1.Colors',
      methodName: 'Paint',
      metadata: [{ name: 'Tenant', invert: true, match: { exact: 'test' } }],
      port: 8080,
    });
    expect(method.protocol).toBe('grpc');
    expect(method.match).toEqual({
      path: { kind: 'exact', value: '/colors.v1.Colors/Paint' },
      headers: [{ name: 'tenant', invert: true, match: { kind: 'exact', value: 'test' } }],
      queryParameters: [],
      port: 8080,
    });
    expect(grpc({ serviceName: 'colors.v1.Colors' }).match.path).toEqual({
      kind: 'prefix',
      value: '/colors.v1.Colors/',
    });
    expect(grpc({}).match.path).toEqual({ kind: 'prefix', value: '/' });
  });

  it('gives a tcp route only a port match', () => {
    const tcp = (match?: Record<string, unknown>) =>
      compileOneRoute(
        { tcpRoute: { ...(match ? { match } : {}), action: { weightedTargets: blue } } },
        { routerListeners: ['5432:tcp'], nodes: { blue: { ...nodeTcp() } } },
      ).route;
    expect(tcp({ port: 5432 })).toMatchObject({ protocol: 'tcp', match: { port: 5432 } });
    expect(tcp().match).toEqual({});
    expect(tcp()).not.toHaveProperty('retryPolicy');
  });

  it('fails closed when a regex does not compile in JavaScript: the route answers 503 for what it may match', () => {
    const spec = httpRoute(
      [
        { virtualNode: 'blue', weight: 3 },
        { virtualNode: 'green', weight: 1 },
      ],
      { match: { path: { regex: '/users/(?P<id>[0-9]+)' } } },
      0,
    );
    const { snapshot, route } = compileRequestRoute(spec);
    expect(route.match.path).toEqual({ kind: 'prefix', value: '/' });
    expect(route.targets).toEqual([]);
    expect(route.unavailableWeight).toBe(4);
    expect(snapshot.unsupported).toEqual([
      {
        resource: 'route/colors/only',
        path: 'spec.httpRoute.match.path.regex',
        reason:
          'regex does not compile in JavaScript (RE2-only syntax such as (?P<name>...) is not supported); requests the route may match are answered 503',
      },
    ]);
  });

  it('fails closed on a header regex that does not compile, dropping only that condition', () => {
    const headers = [
      { name: 'x-id', match: { regex: '(?P<n>1)' } },
      { name: 'x-canary', match: { exact: 'yes' } },
    ];
    const { route, snapshot } = compileRequestRoute(httpRoute(blue, { match: { prefix: '/a', headers } }));
    expect(route.match.headers).toEqual([
      { name: 'x-canary', invert: false, match: { kind: 'exact', value: 'yes' } },
    ]);
    expect(route.targets).toEqual([]);
    expect(snapshot.unsupported.map((note) => note.path)).toEqual([
      'spec.httpRoute.match.headers[0].match.regex',
    ]);
  });
});

function nodeTcp() {
  return {
    serviceDiscovery: { dns: { hostname: 'blue.demo.local' } },
    listeners: [{ portMapping: { port: 5432, protocol: 'tcp' } }],
  };
}
