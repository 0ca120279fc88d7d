import { describe, expect, it } from 'vitest';
import {
  compileOneRoute,
  httpRoute,
  nodeSpec,
  routeMesh,
  SERVICE,
  serviceOf,
} from '../../support/snapshot-mesh.js';

const blue = [{ virtualNode: 'blue', weight: 1 }];

describe('route order', () => {
  it('puts routes with a priority first, ascending, then the rest by name', () => {
    const snapshot = routeMesh({
      'z-last-resort': httpRoute(blue),
      p10: httpRoute(blue, {}, 10),
      'a-default': httpRoute(blue),
      p0: httpRoute(blue, {}, 0),
      'p5-b': httpRoute(blue, {}, 5),
      'p5-a': httpRoute(blue, {}, 5),
    }).nodeSnapshot('front');
    const routes = serviceOf(snapshot, SERVICE).routes;
    expect(routes.map((route) => [route.name, route.priority])).toEqual([
      ['p0', 0],
      ['p5-a', 5],
      ['p5-b', 5],
      ['p10', 10],
      ['a-default', undefined],
      ['z-last-resort', undefined],
    ]);
  });

  it('orders routes without any priority by name', () => {
    const snapshot = routeMesh({ c: httpRoute(blue), a: httpRoute(blue), b: httpRoute(blue) }).nodeSnapshot(
      'front',
    );
    expect(serviceOf(snapshot, SERVICE).routes.map((route) => route.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('route weights', () => {
  it('keeps relative weights, sorted by cluster id', () => {
    const { route, snapshot } = compileOneRoute(
      httpRoute([
        { virtualNode: 'green', weight: 10 },
        { virtualNode: 'blue', weight: 90 },
      ]),
    );
    expect(route.targets).toEqual([
      { cluster: 'blue:8080', weight: 90 },
      { cluster: 'green:8080', weight: 10 },
    ]);
    expect(route.unavailableWeight).toBe(0);
    expect(snapshot.clusters.map((cluster) => cluster.id)).toEqual(['blue:8080', 'green:8080']);
  });

  it('leaves out targets of weight 0 and their clusters', () => {
    const { route, snapshot } = compileOneRoute(
      httpRoute([
        { virtualNode: 'blue', weight: 100 },
        { virtualNode: 'green', weight: 0 },
      ]),
    );
    expect(route.targets).toEqual([{ cluster: 'blue:8080', weight: 100 }]);
    expect(route.unavailableWeight).toBe(0);
    expect(snapshot.clusters.map((cluster) => cluster.id)).toEqual(['blue:8080']);
    expect(snapshot.problems).toEqual([]);
  });

  it('merges two targets naming the same listener', () => {
    const { route } = compileOneRoute(
      httpRoute([
        { virtualNode: 'blue', weight: 2 },
        { virtualNode: 'blue', weight: 3, port: 8080 },
      ]),
    );
    expect(route.targets).toEqual([{ cluster: 'blue:8080', weight: 5 }]);
  });
});

describe('route compilation', () => {
  it('compiles an http route that sets every field', () => {
    const spec = {
      priority: 0,
      httpRoute: {
        match: {
          prefix: '/colors',
          queryParameters: [{ name: 'debug', match: { exact: 'true' } }],
          method: 'POST',
          scheme: 'https',
          headers: [{ name: 'x-canary', match: { exact: 'yes' } }],
          port: 8080,
        },
        action: {
          weightedTargets: [
            { virtualNode: 'blue', weight: 90, port: 8080 },
            { virtualNode: 'green', weight: 10 },
          ],
        },
        retryPolicy: {
          maxRetries: 3,
          perRetryTimeout: { unit: 'ms', value: 250 },
          httpRetryEvents: ['gateway-error'],
          tcpRetryEvents: ['connection-error'],
        },
        timeout: { perRequest: { unit: 's', value: 5 }, idle: { unit: 's', value: 60 } },
      },
    };
    const { route } = compileOneRoute(spec);
    expect(route).toEqual({
      name: 'only',
      protocol: 'http',
      priority: 0,
      match: {
        path: { kind: 'prefix', value: '/colors' },
        headers: [{ name: 'x-canary', invert: false, match: { kind: 'exact', value: 'yes' } }],
        queryParameters: [{ name: 'debug', match: { kind: 'exact', value: 'true' } }],
        method: 'POST',
        scheme: 'https',
        port: 8080,
      },
      targets: [
        { cluster: 'blue:8080', weight: 90 },
        { cluster: 'green:8080', weight: 10 },
      ],
      unavailableWeight: 0,
      retryPolicy: {
        isDefault: false,
        maxRetries: 3,
        perRetryTimeoutMs: 250,
        httpStatuses: [502, 503, 504],
        grpcStatuses: [],
        connectFailure: true,
        reset: true,
        refusedStream: true,
        preferDifferentHost: true,
      },
      timeout: { perRequestMs: 5000, idleMs: 60000 },
    });
  });

  it('notes a route that no router listener can reach, and keeps it', () => {
    const snapshot = routeMesh(
      {
        'wrong-port': httpRoute(blue, { match: { prefix: '/', port: 9090 } }),
        'wrong-protocol': { grpcRoute: { match: {}, action: { weightedTargets: blue } } },
      },
      { routerListeners: ['8080:http'] },
    ).nodeSnapshot('front');
    expect(serviceOf(snapshot, SERVICE).routes.map((route) => route.name)).toEqual([
      'wrong-port',
      'wrong-protocol',
    ]);
    expect(snapshot.problems).toEqual([
      {
        resource: 'route/colors/wrong-port',
        path: 'spec',
        reason: 'never matches: the router offers http on 8080, not http on 9090',
      },
      {
        resource: 'route/colors/wrong-protocol',
        path: 'spec',
        reason: 'never matches: the router offers http on 8080, not grpc',
      },
    ]);
  });

  it('compiles a router without routes to no routes and notes it', () => {
    const snapshot = routeMesh({}).nodeSnapshot('front');
    expect(serviceOf(snapshot, SERVICE)).toEqual({
      name: SERVICE,
      provider: { kind: 'virtualRouter', name: 'colors' },
      ports: [{ port: 8080, protocol: 'http' }],
      routes: [],
    });
    expect(snapshot.problems).toEqual([
      {
        resource: 'virtualRouter/colors',
        path: '',
        reason: 'has no routes; requests to its virtual services are answered 503',
      },
    ]);
  });

  it('gives the router listeners as service ports, ascending', () => {
    const snapshot = routeMesh(
      { web: httpRoute(blue, { match: { prefix: '/', port: 8080 } }) },
      { routerListeners: ['9090:grpc', '8080:http'], nodes: { blue: nodeSpec('blue', ['8080:http']) } },
    ).nodeSnapshot('front');
    expect(serviceOf(snapshot, SERVICE).ports).toEqual([
      { port: 8080, protocol: 'http' },
      { port: 9090, protocol: 'grpc' },
    ]);
  });
});
