import { describe, expect, it } from 'vitest';
import { compileOneRoute, httpRoute, nodeSpec } from '../../support/snapshot-mesh.js';

const seconds = (value: number) => ({ unit: 's', value });

/** Node `blue` with one http listener on 8080 whose timeout is `timeout`. */
function blueWith(timeout: Record<string, unknown> | undefined, protocol = 'http') {
  const spec = nodeSpec('blue', [`8080:${protocol}`]);
  const [listener] = spec.listeners as Record<string, unknown>[];
  if (timeout !== undefined) listener!.timeout = { [protocol]: timeout };
  return spec;
}

function timeoutOf(
  routeTimeout: Record<string, unknown> | undefined,
  listenerTimeout: Record<string, unknown> | undefined,
) {
  const spec = httpRoute([{ virtualNode: 'blue', weight: 1 }], routeTimeout ? { timeout: routeTimeout } : {});
  return compileOneRoute(spec, { nodes: { blue: blueWith(listenerTimeout) } });
}

describe('route timeout precedence', () => {
  it("uses the route's timeout over the target listener's", () => {
    const { route } = timeoutOf(
      { perRequest: seconds(5), idle: seconds(50) },
      { perRequest: seconds(7), idle: seconds(70) },
    );
    expect(route.timeout).toEqual({ perRequestMs: 5000, idleMs: 50000 });
  });

  it("falls back to the target listener's timeout, which the cluster also carries", () => {
    const { route, snapshot } = timeoutOf(undefined, {
      perRequest: seconds(7),
      idle: { unit: 'ms', value: 70500 },
    });
    expect(route.timeout).toEqual({ perRequestMs: 7000, idleMs: 70500 });
    expect(snapshot.clusters[0]!.timeout).toEqual({ perRequestMs: 7000, idleMs: 70500 });
  });

  it('falls back to 15 s per request and 300 s idle when neither sets one', () => {
    const { route, snapshot } = timeoutOf(undefined, undefined);
    expect(route.timeout).toEqual({ perRequestMs: 15000, idleMs: 300000 });
    expect(snapshot.clusters[0]!.timeout).toEqual({ perRequestMs: 15000, idleMs: 300000 });
  });

  it('resolves each limit on its own', () => {
    const { route } = timeoutOf({ perRequest: seconds(5) }, { idle: seconds(70) });
    expect(route.timeout).toEqual({ perRequestMs: 5000, idleMs: 70000 });
    const other = timeoutOf({ idle: seconds(20) }, { perRequest: seconds(9) });
    expect(other.route.timeout).toEqual({ perRequestMs: 9000, idleMs: 20000 });
  });

  it('keeps an explicit 0 as disabled at every level', () => {
    expect(timeoutOf({ perRequest: seconds(0) }, { perRequest: seconds(7) }).route.timeout.perRequestMs).toBe(
      0,
    );
    expect(timeoutOf(undefined, { perRequest: seconds(0) }).route.timeout.perRequestMs).toBe(0);
  });

  it('takes the most permissive limit when the targets listeners disagree', () => {
    const targets = [
      { virtualNode: 'blue', weight: 1 },
      { virtualNode: 'green', weight: 1 },
    ];
    const green = (timeout: Record<string, unknown>) => {
      const spec = nodeSpec('green');
      (spec.listeners as Record<string, unknown>[])[0]!.timeout = { http: timeout };
      return spec;
    };
    const longer = compileOneRoute(httpRoute(targets), {
      nodes: { blue: blueWith({ perRequest: seconds(7) }), green: green({ perRequest: seconds(20) }) },
    });
    expect(longer.route.timeout).toEqual({ perRequestMs: 20000, idleMs: 300000 });
    const disabled = compileOneRoute(httpRoute(targets), {
      nodes: { blue: blueWith({ perRequest: seconds(7) }), green: green({ perRequest: seconds(0) }) },
    });
    expect(disabled.route.timeout.perRequestMs).toBe(0);
    const oneDefault = compileOneRoute(httpRoute(targets), {
      nodes: { blue: blueWith({ perRequest: seconds(7) }) },
    });
    expect(oneDefault.route.timeout.perRequestMs).toBe(15000);
  });

  it('gives a tcp route an idle limit only: route, else listener, else 300 s', () => {
    const tcp = (
      routeTimeout: Record<string, unknown> | undefined,
      listenerTimeout: Record<string, unknown> | undefined,
    ) =>
      compileOneRoute(
        {
          tcpRoute: {
            action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
            ...(routeTimeout ? { timeout: routeTimeout } : {}),
          },
        },
        { routerListeners: ['8080:tcp'], nodes: { blue: blueWith(listenerTimeout, 'tcp') } },
      ).route.timeout;
    expect(tcp({ idle: seconds(30) }, { idle: seconds(40) })).toEqual({ perRequestMs: 0, idleMs: 30000 });
    expect(tcp(undefined, { idle: seconds(40) })).toEqual({ perRequestMs: 0, idleMs: 40000 });
    expect(tcp(undefined, undefined)).toEqual({ perRequestMs: 0, idleMs: 300000 });
  });

  it('clamps a duration longer than a Node.js timer takes', () => {
    const { route } = timeoutOf({ perRequest: seconds(10_000_000) }, undefined);
    expect(route.timeout.perRequestMs).toBe(2_147_483_647);
  });
});
