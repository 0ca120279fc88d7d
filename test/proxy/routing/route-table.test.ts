import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../control-plane/snapshot/index.js';
import { buildRouteTable } from '../../../proxy/routing/route-table.js';
import type { RequestFacts, RouteDecision } from '../../../proxy/routing/types.js';
import {
  httpRoute,
  MeshBuilder,
  nodeSpec,
  routeMesh,
  SERVICE,
  serviceOf,
} from '../../support/snapshot-mesh.js';
import { seededRandom } from './seeded-random.js';

const blue = [{ virtualNode: 'blue', weight: 1 }];
const green = [{ virtualNode: 'green', weight: 1 }];

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    method: 'GET',
    path: '/',
    query: '',
    host: SERVICE,
    port: 8080,
    scheme: 'http',
    headers: [],
    ...overrides,
  };
}

/** The cluster a request goes to, or the kind of decision when it goes to none. */
function destination(decision: RouteDecision): string {
  if (decision.kind !== 'route') return decision.kind;
  return decision.clusterId ?? 'unavailable';
}

function tableOf(routes: Record<string, Record<string, unknown>>, routerListeners?: string[]) {
  const snapshot = routeMesh(routes, routerListeners ? { routerListeners } : {}).nodeSnapshot('front');
  return { snapshot, table: buildRouteTable(snapshot) };
}

/** A table whose route `match` sends matching requests to blue, and everything else to green. */
function blueWhen(match: Record<string, unknown>) {
  return tableOf({
    matched: httpRoute(blue, { match }, 0),
    otherwise: httpRoute(green, {}, 1),
  }).table;
}

describe('route table: path matches', () => {
  it('matches a prefix as a plain string prefix', () => {
    const table = blueWhen({ prefix: '/api' });
    expect(destination(table.resolve(facts({ path: '/api' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/api/v1/items' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/apix' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/other' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ path: '/API' })))).toBe('green:8080');
  });

  it('matches an exact path only', () => {
    const table = blueWhen({ path: { exact: '/health' } });
    expect(destination(table.resolve(facts({ path: '/health' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/health/' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ path: '/healthz' })))).toBe('green:8080');
  });

  it('matches a regex against the whole path, not the query', () => {
    const table = blueWhen({ path: { regex: '/items/[0-9]+' } });
    expect(destination(table.resolve(facts({ path: '/items/42', query: 'x=1' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/items/42/parts' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ path: '/v1/items/42' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ path: '/items/abc' })))).toBe('green:8080');
  });
});

describe('route table: header matches', () => {
  const cases: [string, Record<string, unknown>, (string[] | undefined)[], (string[] | undefined)[]][] = [
    [
      'exact',
      { exact: 'alice' },
      [
        ['X-User', 'alice'],
        ['x-user', 'alice'],
      ],
      [['x-user', 'Alice'], undefined],
    ],
    [
      'prefix',
      { prefix: 'ali' },
      [
        ['x-user', 'alice'],
        ['x-user', 'ali'],
      ],
      [['x-user', 'bob'], undefined],
    ],
    ['suffix', { suffix: 'ice' }, [['x-user', 'alice']], [['x-user', 'alicex'], undefined]],
    [
      'regex',
      { regex: 'a[lb]+ice' },
      [
        ['x-user', 'alice'],
        ['x-user', 'abbice'],
      ],
      [['x-user', 'xalice'], undefined],
    ],
    [
      'range',
      { range: { start: 10, end: 20 } },
      [
        ['x-user', '10'],
        ['x-user', '19'],
      ],
      [['x-user', '20'], ['x-user', '9'], ['x-user', '1x'], ['x-user', ''], undefined],
    ],
  ];
  for (const [kind, match, hits, misses] of cases) {
    it(`matches ${kind}`, () => {
      const table = blueWhen({ prefix: '/', headers: [{ name: 'x-user', match }] });
      for (const headers of hits) {
        expect(destination(table.resolve(facts({ headers })))).toBe('blue:8080');
      }
      for (const headers of misses) {
        expect(destination(table.resolve(facts({ headers: headers ?? ['x-other', 'alice'] })))).toBe(
          'green:8080',
        );
      }
    });
  }

  it('matches a negative range', () => {
    const table = blueWhen({
      prefix: '/',
      headers: [{ name: 'x-n', match: { range: { start: -10, end: 0 } } }],
    });
    expect(destination(table.resolve(facts({ headers: ['x-n', '-10'] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-n', '0'] })))).toBe('green:8080');
  });

  it('matches presence when no value match is given', () => {
    const table = blueWhen({ prefix: '/', headers: [{ name: 'x-canary' }] });
    expect(destination(table.resolve(facts({ headers: ['X-Canary', ''] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-other', '1'] })))).toBe('green:8080');
  });

  it('inverts a match, so a missing header satisfies it', () => {
    const table = blueWhen({
      prefix: '/',
      headers: [{ name: 'x-user', invert: true, match: { exact: 'alice' } }],
    });
    expect(destination(table.resolve(facts({ headers: ['x-user', 'bob'] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: [] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-user', 'alice'] })))).toBe('green:8080');
  });

  it('inverts a range', () => {
    const table = blueWhen({
      prefix: '/',
      headers: [{ name: 'x-n', invert: true, match: { range: { start: 1, end: 5 } } }],
    });
    expect(destination(table.resolve(facts({ headers: ['x-n', '3'] })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ headers: ['x-n', '5'] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-n', 'abc'] })))).toBe('blue:8080');
  });

  it('joins the values of a repeated header with "," before matching', () => {
    const table = blueWhen({ prefix: '/', headers: [{ name: 'x-tag', match: { exact: 'a,b' } }] });
    expect(destination(table.resolve(facts({ headers: ['x-tag', 'a', 'X-Tag', 'b'] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-tag', 'a'] })))).toBe('green:8080');
  });

  it('requires every header condition', () => {
    const table = blueWhen({
      prefix: '/',
      headers: [
        { name: 'x-a', match: { exact: '1' } },
        { name: 'x-b', match: { exact: '2' } },
      ],
    });
    expect(destination(table.resolve(facts({ headers: ['x-a', '1', 'x-b', '2'] })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ headers: ['x-a', '1'] })))).toBe('green:8080');
  });
});

describe('route table: query, method, scheme and port matches', () => {
  it('matches a query parameter value, decoded, on its first occurrence', () => {
    const table = blueWhen({ prefix: '/', queryParameters: [{ name: 'version', match: { exact: 'v 2' } }] });
    expect(destination(table.resolve(facts({ query: 'version=v%202' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ query: 'a=1&version=v%202&b' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ query: 'version=v+2' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ query: 'version=v1&version=v%202' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ query: 'xversion=v%202' })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ query: '' })))).toBe('green:8080');
  });

  it('matches a query parameter by presence', () => {
    const table = blueWhen({ prefix: '/', queryParameters: [{ name: 'debug' }] });
    expect(destination(table.resolve(facts({ query: 'debug' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ query: 'x=1&debug=' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ query: 'debugging=1' })))).toBe('green:8080');
  });

  it('matches the method', () => {
    const table = blueWhen({ prefix: '/', method: 'POST' });
    expect(destination(table.resolve(facts({ method: 'POST' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ method: 'GET' })))).toBe('green:8080');
  });

  it('matches the scheme', () => {
    const table = blueWhen({ prefix: '/', scheme: 'https' });
    expect(destination(table.resolve(facts({ scheme: 'https' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ scheme: 'http' })))).toBe('green:8080');
  });

  it('offers a request only the routes of the service port it was addressed to', () => {
    const { table } = tableOf(
      {
        nine: httpRoute(green, { match: { prefix: '/', port: 9090 } }, 0),
        eight: httpRoute(blue, { match: { prefix: '/', port: 8080 } }, 1),
      },
      ['8080:http', '9090:http'],
    );
    expect(destination(table.resolve(facts({ port: 9090 })))).toBe('green:8080');
    expect(destination(table.resolve(facts({ port: 8080 })))).toBe('blue:8080');
    // Without a port: not 80, so the lowest http port.
    expect(destination(table.resolve(facts({ port: undefined })))).toBe('blue:8080');
    // A port the service does not listen on is not this service; the mesh drops unknown hosts.
    expect(table.resolve(facts({ port: 7070 }))).toEqual({ kind: 'denied', host: SERVICE });
  });

  it('takes the default port of the scheme when the service has it', () => {
    const { table } = tableOf(
      {
        eighty: httpRoute(green, { match: { prefix: '/', port: 80 } }, 0),
        other: httpRoute(blue, { match: { prefix: '/', port: 8080 } }, 1),
      },
      ['80:http', '8080:http'],
    );
    expect(destination(table.resolve(facts({ port: undefined })))).toBe('green:8080');
  });
});

describe('route table: order', () => {
  it('tries routes in priority order, whatever their names', () => {
    const { table } = tableOf({
      'a-specific': httpRoute(blue, { match: { prefix: '/api' } }, 10),
      'z-catch-all': httpRoute(green, { match: { prefix: '/' } }, 0),
    });
    expect(destination(table.resolve(facts({ path: '/api' })))).toBe('green:8080');
  });

  it('lets the first matching route win, routes without priority last', () => {
    const { table } = tableOf({
      'a-unprioritized': httpRoute(green, { match: { prefix: '/' } }),
      specific: httpRoute(blue, { match: { prefix: '/api' } }, 5),
    });
    expect(destination(table.resolve(facts({ path: '/api/x' })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ path: '/web' })))).toBe('green:8080');
  });

  it('returns the snapshot route, with its retry policy and timeout', () => {
    const { table, snapshot } = tableOf({
      only: httpRoute(blue, {
        retryPolicy: {
          maxRetries: 4,
          perRetryTimeout: { unit: 'ms', value: 250 },
          httpRetryEvents: ['server-error'],
        },
      }),
    });
    const decision = table.resolve(facts());
    if (decision.kind !== 'route') throw new Error(`expected a route, got ${decision.kind}`);
    expect(decision.route).toBe(serviceOf(snapshot, SERVICE).routes[0]);
    expect(decision.route.retryPolicy.maxRetries).toBe(4);
    expect(decision.virtualService).toBe(SERVICE);
    // Decisions are made once per snapshot: resolving again allocates nothing new.
    expect(table.resolve(facts())).toBe(decision);
  });
});

describe('route table: services and hosts', () => {
  it('finds the service by name, with a service port, without one, or with a trailing dot', () => {
    const { table } = tableOf({ only: httpRoute(blue) });
    expect(destination(table.resolve(facts({ port: 8080 })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ port: undefined })))).toBe('blue:8080');
    expect(destination(table.resolve(facts({ host: `${SERVICE}.` })))).toBe('blue:8080');
  });

  it('answers no-route when no route matches', () => {
    const { table } = tableOf({ api: httpRoute(blue, { match: { prefix: '/api' } }) });
    expect(table.resolve(facts({ path: '/web' }))).toEqual({ kind: 'no-route', virtualService: SERVICE });
  });

  it('answers no-provider for a service that does not exist or has no provider', () => {
    const snapshot = new MeshBuilder()
      .node(
        'front',
        nodeSpec('front', ['8080:http'], {
          backends: ['ghost.demo.local', 'lonely.demo.local'].map((name) => ({
            virtualService: { virtualServiceName: name },
          })),
        }),
      )
      .service('lonely.demo.local', 'none')
      .nodeSnapshot('front');
    const table = buildRouteTable(snapshot);
    for (const host of ['ghost.demo.local', 'lonely.demo.local']) {
      expect(table.resolve(facts({ host }))).toEqual({ kind: 'no-provider', virtualService: host });
      expect(table.resolve(facts({ host, port: 1234 }))).toEqual({
        kind: 'no-provider',
        virtualService: host,
      });
    }
  });

  it('answers no-provider for a router without routes', () => {
    const { table } = tableOf({});
    expect(table.resolve(facts())).toEqual({ kind: 'no-provider', virtualService: SERVICE });
  });

  it('routes a service provided by a virtual node to that node', () => {
    const snapshot = new MeshBuilder()
      .node(
        'front',
        nodeSpec('front', ['8080:http'], {
          backends: [{ virtualService: { virtualServiceName: 'blue.demo.local' } }],
        }),
      )
      .node('blue', nodeSpec('blue', ['8080:http', '9090:http']))
      .service('blue.demo.local', 'node:blue')
      .nodeSnapshot('front');
    const table = buildRouteTable(snapshot);
    expect(destination(table.resolve(facts({ host: 'blue.demo.local', port: 9090 })))).toBe('blue:9090');
    expect(destination(table.resolve(facts({ host: 'blue.demo.local', port: 8080 })))).toBe('blue:8080');
  });

  it('gives no-route for a service whose only routes are tcp', () => {
    const { table } = tableOf(
      { bytes: { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] } } } },
      ['9000:tcp'],
    );
    expect(table.resolve(facts({ port: 9000 }))).toEqual({ kind: 'no-route', virtualService: SERVICE });
    expect(table.resolve(facts({ port: undefined }))).toEqual({ kind: 'no-route', virtualService: SERVICE });
  });
});

describe('route table: egress', () => {
  function egressTable(type: 'ALLOW_ALL' | 'DROP_ALL'): ReturnType<typeof buildRouteTable> {
    const mesh = routeMesh({ only: httpRoute(blue) });
    mesh.meshSpec = { egressFilter: { type } };
    return buildRouteTable(mesh.nodeSnapshot('front'));
  }

  it('forwards an unknown host when the mesh allows all egress, on the default port of the scheme', () => {
    const table = egressTable('ALLOW_ALL');
    expect(table.resolve(facts({ host: 'example.com', port: undefined }))).toEqual({
      kind: 'egress',
      host: 'example.com',
      port: 80,
    });
    expect(table.resolve(facts({ host: 'example.com', port: undefined, scheme: 'https' }))).toEqual({
      kind: 'egress',
      host: 'example.com',
      port: 443,
    });
    expect(table.resolve(facts({ host: 'example.com', port: 8443 }))).toEqual({
      kind: 'egress',
      host: 'example.com',
      port: 8443,
    });
  });

  it('denies an unknown host when the mesh drops egress, except the always-allowed suffixes', () => {
    const table = egressTable('DROP_ALL');
    expect(table.resolve(facts({ host: 'example.com', port: undefined }))).toEqual({
      kind: 'denied',
      host: 'example.com',
    });
    expect(table.resolve(facts({ host: 's3.us-east-1.amazonaws.com', port: 443, scheme: 'https' }))).toEqual({
      kind: 'egress',
      host: 's3.us-east-1.amazonaws.com',
      port: 443,
    });
    expect(table.resolve(facts({ host: 'amazonaws.com.evil.example', port: undefined }))).toEqual({
      kind: 'denied',
      host: 'amazonaws.com.evil.example',
    });
  });
});

describe('route table: weighted targets', () => {
  function share(snapshot: Snapshot, picks: number, seed = 42): Record<string, number> {
    const table = buildRouteTable(snapshot);
    const random = seededRandom(seed);
    const seen: Record<string, number> = {};
    for (let i = 0; i < picks; i++) {
      const where = destination(table.resolve(facts(), random));
      seen[where] = (seen[where] ?? 0) + 1;
    }
    for (const key of Object.keys(seen)) seen[key] = seen[key]! / picks;
    return seen;
  }

  it('honours 3:1 weights within 2% over 20,000 requests', () => {
    const { snapshot } = tableOf({
      split: httpRoute([
        { virtualNode: 'blue', weight: 3 },
        { virtualNode: 'green', weight: 1 },
      ]),
    });
    const seen = share(snapshot, 20_000);
    expect(Math.abs(seen['blue:8080']! - 0.75)).toBeLessThan(0.02);
    expect(Math.abs(seen['green:8080']! - 0.25)).toBeLessThan(0.02);
  });

  it('never picks a target of weight 0', () => {
    const { snapshot } = tableOf({
      split: httpRoute([
        { virtualNode: 'blue', weight: 0 },
        { virtualNode: 'green', weight: 1 },
      ]),
    });
    expect(share(snapshot, 5_000)).toEqual({ 'green:8080': 1 });
  });

  it('answers the share of an unresolved target as unavailable, never giving it to the others', () => {
    const { snapshot } = tableOf({
      split: httpRoute([
        { virtualNode: 'blue', weight: 1 },
        { virtualNode: 'missing', weight: 1 },
      ]),
    });
    const seen = share(snapshot, 20_000);
    expect(Math.abs(seen['blue:8080']! - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(seen.unavailable! - 0.5)).toBeLessThan(0.02);
  });

  it('answers every request of a route whose regex JavaScript cannot compile as unavailable', () => {
    const { table } = tableOf({
      broken: httpRoute(blue, { match: { path: { regex: '(?P<id>[0-9]+)' } } }, 0),
      fallback: httpRoute(green, {}, 1),
    });
    // The route fails closed: what it might have matched is not handed to a later route.
    expect(destination(table.resolve(facts({ path: '/anything' })))).toBe('unavailable');
  });

  it('fails a hand-made route closed when its regex does not compile alone', () => {
    const { snapshot } = tableOf({ only: httpRoute(blue, { match: { path: { regex: '[0-9]+' } } }) });
    const service = serviceOf(snapshot, SERVICE);
    const route = service.routes[0]!;
    if (route.protocol === 'tcp') throw new Error('expected an http route');
    const broken: Snapshot = {
      ...snapshot,
      virtualServices: [
        {
          ...service,
          routes: [{ ...route, match: { ...route.match, path: { kind: 'regex', pattern: 'x)|(.*' } } }],
        },
      ],
    };
    expect(destination(buildRouteTable(broken).resolve(facts({ path: '/x' })))).toBe('unavailable');
  });
});
