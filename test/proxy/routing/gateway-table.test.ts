import { describe, expect, it } from 'vitest';
import { buildGatewayTable } from '../../../proxy/routing/gateway-table.js';
import type { GatewayDecision } from '../../../proxy/routing/gateway-types.js';
import type { RequestFacts } from '../../../proxy/routing/types.js';
import { httpRoute, MeshBuilder, nodeSpec } from '../../support/snapshot-mesh.js';

type Spec = Record<string, unknown>;

const COLORS = 'colors.local';
const SHAPES = 'shapes.local';
const WIDE = 'wide.local';
const PICKY = 'picky.local';
const toBlue = [{ virtualNode: 'blue', weight: 1 }];

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    method: 'GET',
    path: '/',
    query: '',
    host: 'gateway.example.com',
    port: undefined,
    scheme: 'http',
    headers: [],
    ...overrides,
  };
}

/** A gateway route spec of `kind` (default httpRoute) sending `match` to `service`. */
function toService(
  service: string,
  match: Spec,
  options: { rewrite?: Spec; port?: number; priority?: number; kind?: string } = {},
): Spec {
  return {
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    [options.kind ?? 'httpRoute']: {
      match,
      action: {
        target: {
          virtualService: { virtualServiceName: service },
          ...(options.port !== undefined ? { port: options.port } : {}),
        },
        ...(options.rewrite !== undefined ? { rewrite: options.rewrite } : {}),
      },
    },
  };
}

/**
 * Gateway `ingress` (listeners `gatewayListeners`, default http on 8080) in front of:
 * - `colors.local`: router `colors` on 8080; `/green…` to node `green`, everything else to node `blue`;
 * - `shapes.local`: node `square`, one http listener on 7070;
 * - `wide.local`: router `wide` on 8080 (to `blue`) and 9090 (to node `big`);
 * - `picky.local`: router `picky` on 8080 whose only route matches `/only…`.
 */
function gatewayTable(routes: Record<string, Spec>, gatewayListeners: readonly string[] = ['8080:http']) {
  const mesh = new MeshBuilder()
    .gateway('ingress', {
      listeners: gatewayListeners.map((listener) => {
        const [port, protocol] = listener.split(':');
        return { portMapping: { port: Number(port), protocol } };
      }),
    })
    .service(COLORS, 'router:colors')
    .router('colors')
    .route(
      'colors',
      'green',
      httpRoute([{ virtualNode: 'green', weight: 1 }], { match: { prefix: '/green' } }, 0),
    )
    .route('colors', 'all', httpRoute(toBlue, {}, 1))
    .node('blue', nodeSpec('blue'))
    .node('green', nodeSpec('green'))
    .service(SHAPES, 'node:square')
    .node('square', nodeSpec('square', ['7070:http']))
    .service(WIDE, 'router:wide')
    .router('wide', ['8080:http', '9090:http'])
    .route('wide', 'p8080', httpRoute(toBlue, { match: { prefix: '/', port: 8080 } }))
    .route(
      'wide',
      'p9090',
      httpRoute([{ virtualNode: 'big', weight: 1 }], { match: { prefix: '/', port: 9090 } }),
    )
    .node('big', nodeSpec('big', ['9090:http']))
    .service(PICKY, 'router:picky')
    .router('picky')
    .route('picky', 'only', httpRoute(toBlue, { match: { prefix: '/only' } }));
  for (const [name, spec] of Object.entries(routes)) mesh.gatewayRoute('ingress', name, spec);
  const snapshot = mesh.gatewaySnapshot('ingress');
  return { snapshot, table: buildGatewayTable(snapshot) };
}

/** What a user would notice: the gateway route, the path and Host sent on, and the cluster reached. */
function outcome(decision: GatewayDecision): string {
  if (decision.kind !== 'matched') return decision.kind;
  const { gatewayRoute, path, host, target } = decision;
  const reached = target.kind === 'route' ? (target.clusterId ?? 'unavailable') : `${target.kind}`;
  return `${gatewayRoute.name} ${path} host=${host ?? '(client)'} → ${reached}`;
}

describe('gateway table: paths and rewrites', () => {
  it('rewrites a matched prefix to / by default (App Mesh), keeping one slash', () => {
    const { table } = gatewayTable({ colors: toService(COLORS, { prefix: '/colors' }) });
    expect(outcome(table.resolve(8080, facts({ path: '/colors/x' })))).toBe(
      `colors /x host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/colors' })))).toBe(
      `colors / host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/colorsx' })))).toBe(
      `colors /x host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/color' })))).toBe('no-match');
  });

  it('rewrites a prefix ending in / the same way: /colors/ → / turns /colors/x into /x', () => {
    const { table } = gatewayTable({ colors: toService(COLORS, { prefix: '/colors/' }) });
    expect(outcome(table.resolve(8080, facts({ path: '/colors/x/y' })))).toBe(
      `colors /x/y host=${COLORS} → blue:8080`,
    );
  });

  it('keeps the path when defaultPrefix is DISABLED', () => {
    const { table } = gatewayTable({
      colors: toService(
        COLORS,
        { prefix: '/colors' },
        { rewrite: { prefix: { defaultPrefix: 'DISABLED' } } },
      ),
    });
    expect(outcome(table.resolve(8080, facts({ path: '/colors/x' })))).toBe(
      `colors /colors/x host=${COLORS} → blue:8080`,
    );
  });

  it('replaces the matched prefix with a rewrite value, and the rewritten path is what the service routes on', () => {
    const { table } = gatewayTable({
      colors: toService(COLORS, { prefix: '/paint/' }, { rewrite: { prefix: { value: '/green/' } } }),
      v1: toService(COLORS, { prefix: '/v1' }, { rewrite: { prefix: { value: '/v2' } } }),
    });
    // The router sends /green… to green: the rewritten path, not the original, was routed.
    expect(outcome(table.resolve(8080, facts({ path: '/paint/red' })))).toBe(
      `colors /green/red host=${COLORS} → green:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/v1/items' })))).toBe(
      `v1 /v2/items host=${COLORS} → blue:8080`,
    );
  });

  it('replaces an exact path with the rewrite, and keeps the query for the service', () => {
    const { table } = gatewayTable({
      old: toService(COLORS, { path: { exact: '/old' } }, { rewrite: { path: { exact: '/green/new' } } }),
      kept: toService(COLORS, { path: { exact: '/kept' } }),
    });
    const decision = table.resolve(8080, facts({ path: '/old', query: 'a=1' }));
    expect(outcome(decision)).toBe(`old /green/new host=${COLORS} → green:8080`);
    expect(outcome(table.resolve(8080, facts({ path: '/old/' })))).toBe('no-match');
    expect(outcome(table.resolve(8080, facts({ path: '/kept' })))).toBe(
      `kept /kept host=${COLORS} → blue:8080`,
    );
  });

  it('matches a regex path against the whole path, without rewriting it', () => {
    const { table } = gatewayTable({ items: toService(COLORS, { path: { regex: '/items/[0-9]+' } }) });
    expect(outcome(table.resolve(8080, facts({ path: '/items/42' })))).toBe(
      `items /items/42 host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/items/42/x' })))).toBe('no-match');
  });
});

describe('gateway table: hostnames', () => {
  it('sends the target service name as Host by default, and the client’s Host when disabled', () => {
    const { table } = gatewayTable({
      named: toService(COLORS, { prefix: '/named' }, { priority: 0 }),
      kept: toService(
        COLORS,
        { prefix: '/kept' },
        { priority: 1, rewrite: { hostname: { defaultTargetHostname: 'DISABLED' } } },
      ),
    });
    expect(outcome(table.resolve(8080, facts({ path: '/named' })))).toBe(
      `named / host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/kept' })))).toBe('kept / host=(client) → blue:8080');
  });

  it('matches an exact hostname on the host without port, case-insensitively, a trailing dot ignored', () => {
    const { table } = gatewayTable({
      exact: toService(COLORS, { prefix: '/', hostname: { exact: 'Colors.Example.com' } }, { priority: 0 }),
      rest: toService(SHAPES, { prefix: '/' }, { priority: 1 }),
    });
    // Hosts arrive lower-cased without their port (`checkRequestHead`).
    expect(outcome(table.resolve(8080, facts({ host: 'colors.example.com', port: 8443 })))).toMatch(
      /^exact /,
    );
    expect(outcome(table.resolve(8080, facts({ host: 'colors.example.com.' })))).toMatch(/^exact /);
    expect(outcome(table.resolve(8080, facts({ host: 'www.colors.example.com' })))).toMatch(/^rest /);
    expect(outcome(table.resolve(8080, facts({ host: 'colors.example.co' })))).toMatch(/^rest /);
  });

  it('matches a hostname suffix', () => {
    const { table } = gatewayTable({
      suffix: toService(COLORS, { prefix: '/', hostname: { suffix: '.Example.com' } }),
    });
    expect(outcome(table.resolve(8080, facts({ host: 'a.example.com' })))).toMatch(/^suffix /);
    expect(outcome(table.resolve(8080, facts({ host: 'a.b.example.com' })))).toMatch(/^suffix /);
    expect(outcome(table.resolve(8080, facts({ host: 'example.org' })))).toBe('no-match');
    expect(outcome(table.resolve(8080, facts({ host: 'aexample.org' })))).toBe('no-match');
    expect(outcome(table.resolve(8080, facts({ host: 'a.example.com.evil.org' })))).toBe('no-match');
  });
});

describe('gateway table: headers, query parameters and method', () => {
  const { table } = gatewayTable({
    strict: toService(
      COLORS,
      {
        prefix: '/',
        headers: [
          { name: 'X-Tenant', match: { exact: 'a' } },
          { name: 'x-debug', invert: true, match: { exact: '1' } },
        ],
        queryParameters: [{ name: 'v', match: { exact: '2' } }],
        method: 'PUT',
      },
      { priority: 0 },
    ),
  });
  const ok = facts({ method: 'PUT', query: 'v=2', headers: ['x-tenant', 'a'] });

  it('matches when every condition holds', () => {
    expect(outcome(table.resolve(8080, ok))).toMatch(/^strict /);
    expect(outcome(table.resolve(8080, { ...ok, headers: ['X-TENANT', 'a', 'x-debug', '0'] }))).toMatch(
      /^strict /,
    );
  });

  it('does not match when one condition fails', () => {
    expect(outcome(table.resolve(8080, { ...ok, method: 'GET' }))).toBe('no-match');
    expect(outcome(table.resolve(8080, { ...ok, query: 'v=3' }))).toBe('no-match');
    expect(outcome(table.resolve(8080, { ...ok, query: '' }))).toBe('no-match');
    expect(outcome(table.resolve(8080, { ...ok, headers: ['x-tenant', 'b'] }))).toBe('no-match');
    expect(outcome(table.resolve(8080, { ...ok, headers: [] }))).toBe('no-match');
    expect(outcome(table.resolve(8080, { ...ok, headers: ['x-tenant', 'a', 'x-debug', '1'] }))).toBe(
      'no-match',
    );
  });
});

describe('gateway table: order, ports and targets', () => {
  it('tries gateway routes in priority order; the first match wins', () => {
    const { table } = gatewayTable({
      broad: toService(SHAPES, { prefix: '/' }, { priority: 5 }),
      narrow: toService(COLORS, { prefix: '/colors' }, { priority: 1 }),
    });
    expect(outcome(table.resolve(8080, facts({ path: '/colors/a' })))).toBe(
      `narrow /a host=${COLORS} → blue:8080`,
    );
    expect(outcome(table.resolve(8080, facts({ path: '/shapes/a' })))).toBe(
      `broad /shapes/a host=${SHAPES} → square:7070`,
    );
  });

  it('offers each listener only the routes of its protocol and port', () => {
    const { table } = gatewayTable(
      {
        any: toService(COLORS, { prefix: '/any' }, { port: 8080 }),
        only8080: toService(COLORS, { prefix: '/p', port: 8080 }, { port: 8080 }),
        only9090: toService(SHAPES, { prefix: '/p', port: 9090 }),
        h2: toService(COLORS, { prefix: '/h2' }, { kind: 'http2Route', port: 8080 }),
      },
      ['8080:http', '9090:http', '7443:http2'],
    );
    expect(outcome(table.resolve(8080, facts({ path: '/p/x' })))).toMatch(/^only8080 /);
    expect(outcome(table.resolve(9090, facts({ path: '/p/x' })))).toBe(
      `only9090 /x host=${SHAPES} → square:7070`,
    );
    expect(outcome(table.resolve(9090, facts({ path: '/any' })))).toMatch(/^any /);
    expect(outcome(table.resolve(8080, facts({ path: '/h2' })))).toBe('no-match');
    expect(outcome(table.resolve(7443, facts({ path: '/h2' })))).toMatch(/^h2 /);
    expect(outcome(table.resolve(7443, facts({ path: '/any' })))).toBe('no-match');
    expect(outcome(table.resolve(1234, facts({ path: '/any' })))).toBe('no-listener');
    expect([...table.listeners]).toEqual([
      [7443, 'http2'],
      [8080, 'http'],
      [9090, 'http'],
    ]);
  });

  it('enters the target service on the target port, and its routes for that port decide', () => {
    const { table } = gatewayTable({
      to9090: toService(WIDE, { prefix: '/big' }, { port: 9090, priority: 0 }),
      to8080: toService(WIDE, { prefix: '/' }, { port: 8080, priority: 1 }),
    });
    expect(outcome(table.resolve(8080, facts({ path: '/big/x' })))).toBe(`to9090 /x host=${WIDE} → big:9090`);
    expect(outcome(table.resolve(8080, facts({ path: '/x' })))).toBe(`to8080 /x host=${WIDE} → blue:8080`);
  });

  it('answers no-target when the target port is missing, and no-match when nothing matches', () => {
    // wide.local has two ports: a gateway route must name one, else the compiler leaves it unresolved.
    const { snapshot, table } = gatewayTable({ wide: toService(WIDE, { prefix: '/wide' }) });
    expect(snapshot.gatewayRoutes[0]!.target.port).toBeUndefined();
    const decision = table.resolve(8080, facts({ path: '/wide/x' }));
    expect(decision.kind).toBe('no-target');
    expect(decision.kind === 'no-target' && decision.gatewayRoute.name).toBe('wide');
    expect(table.resolve(8080, facts({ path: '/elsewhere' }))).toEqual({
      kind: 'no-match',
      listenerPort: 8080,
    });
  });

  it('passes on the target service’s no-route when its routes do not match the rewritten path', () => {
    const { table } = gatewayTable({ picky: toService(PICKY, { prefix: '/picky' }) });
    expect(outcome(table.resolve(8080, facts({ path: '/picky/only/1' })))).toBe(
      `picky /only/1 host=${PICKY} → blue:8080`,
    );
    // `/only` itself would match the service's route, but the gateway strips `/picky` and sends `/other`.
    expect(outcome(table.resolve(8080, facts({ path: '/picky/other' })))).toBe(
      `picky /other host=${PICKY} → no-route`,
    );
  });
});
