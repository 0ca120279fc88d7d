import { describe, expect, it } from 'vitest';
import {
  compileRequestRoute,
  httpRoute,
  MeshBuilder,
  nodeSpec,
  serviceOf,
} from '../../support/snapshot-mesh.js';

const blue = [{ virtualNode: 'blue', weight: 1 }];
const seconds = (value: number) => ({ unit: 's', value });

function policyOf(retryPolicy: Record<string, unknown>, type: 'httpRoute' | 'grpcRoute' = 'httpRoute') {
  const spec =
    type === 'httpRoute'
      ? httpRoute(blue, { retryPolicy })
      : { grpcRoute: { match: {}, action: { weightedTargets: blue }, retryPolicy } };
  const { route } = compileRequestRoute(spec, {
    routerListeners: [type === 'httpRoute' ? '8080:http' : '8080:grpc'],
  });
  return route.retryPolicy;
}

describe('retry policy', () => {
  it("materializes App Mesh's default for a route without one, each attempt bounded by the route timeout", () => {
    const { route } = compileRequestRoute(httpRoute(blue, { timeout: { perRequest: seconds(4) } }));
    expect(route.retryPolicy).toEqual({
      isDefault: true,
      maxRetries: 2,
      perRetryTimeoutMs: 4000,
      httpStatuses: [503],
      grpcStatuses: [14],
      connectFailure: true,
      reset: false,
      refusedStream: true,
      preferDifferentHost: true,
    });
  });

  it('gives the default policy no per-attempt limit when the route timeout is disabled', () => {
    const { route } = compileRequestRoute(httpRoute(blue, { timeout: { perRequest: seconds(0) } }));
    expect(route.retryPolicy).toMatchObject({
      isDefault: true,
      perRetryTimeoutMs: 0,
    });
  });

  it('converts server-error into its statuses plus resets, connect failures and refused streams', () => {
    expect(
      policyOf({
        maxRetries: 4,
        perRetryTimeout: { unit: 'ms', value: 1500 },
        httpRetryEvents: ['server-error'],
      }),
    ).toEqual({
      isDefault: false,
      maxRetries: 4,
      perRetryTimeoutMs: 1500,
      httpStatuses: [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511],
      grpcStatuses: [],
      connectFailure: true,
      reset: true,
      refusedStream: true,
      preferDifferentHost: true,
    });
  });

  it('merges gateway-error and client-error statuses, ascending', () => {
    const policy = policyOf({
      maxRetries: 1,
      perRetryTimeout: seconds(1),
      httpRetryEvents: ['client-error', 'gateway-error'],
    });
    expect(policy.httpStatuses).toEqual([409, 502, 503, 504]);
    expect(policy.reset).toBe(true);
  });

  it('turns stream-error into refused streams only, and connection-error into connect failures only', () => {
    expect(
      policyOf({ maxRetries: 1, perRetryTimeout: seconds(1), httpRetryEvents: ['stream-error'] }),
    ).toMatchObject({ httpStatuses: [], connectFailure: false, reset: false, refusedStream: true });
    expect(
      policyOf({ maxRetries: 1, perRetryTimeout: seconds(1), tcpRetryEvents: ['connection-error'] }),
    ).toMatchObject({ httpStatuses: [], connectFailure: true, reset: false, refusedStream: false });
    expect(
      policyOf({ maxRetries: 1, perRetryTimeout: seconds(1), httpRetryEvents: ['client-error'] }),
    ).toMatchObject({ httpStatuses: [409], connectFailure: false, reset: false, refusedStream: false });
  });

  it('turns gRPC retry events into status codes, ascending', () => {
    const policy = policyOf(
      {
        maxRetries: 3,
        perRetryTimeout: seconds(2),
        grpcRetryEvents: ['unavailable', 'cancelled', 'internal', 'deadline-exceeded', 'resource-exhausted'],
      },
      'grpcRoute',
    );
    expect(policy).toMatchObject({ isDefault: false, grpcStatuses: [1, 4, 8, 13, 14], httpStatuses: [] });
  });

  it('keeps maxRetries 0 as no retries, not the default', () => {
    expect(
      policyOf({ maxRetries: 0, perRetryTimeout: seconds(1), httpRetryEvents: ['gateway-error'] }),
    ).toMatchObject({
      isDefault: false,
      maxRetries: 0,
    });
  });

  it('gives the route of a virtual-node provider the default policy', () => {
    const snapshot = new MeshBuilder()
      .node(
        'front',
        nodeSpec('front', ['8080:http'], {
          backends: [{ virtualService: { virtualServiceName: 'blue.svc' } }],
        }),
      )
      .node('blue', nodeSpec('blue', ['8080:http']))
      .service('blue.svc', 'node:blue')
      .nodeSnapshot('front');
    const route = serviceOf(snapshot, 'blue.svc').routes[0]!;
    expect(route).toHaveProperty('retryPolicy');
    expect(route.protocol !== 'tcp' && route.retryPolicy).toMatchObject({
      isDefault: true,
      maxRetries: 2,
      perRetryTimeoutMs: 15000,
    });
  });
});
