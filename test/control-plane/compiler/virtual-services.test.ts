import { describe, expect, it } from 'vitest';
import { MeshBuilder, nodeSpec, serviceOf } from '../../support/snapshot-mesh.js';

const backend = (name: string, clientPolicy?: Record<string, unknown>) => ({
  virtualService: { virtualServiceName: name, ...(clientPolicy ? { clientPolicy } : {}) },
});

function front(backends: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return new MeshBuilder().node('front', nodeSpec('front', ['8080:http'], { backends, ...extra }));
}

describe('virtual service provided by a virtual node', () => {
  it('resolves to one catch-all route to the node listener', () => {
    const snapshot = front([backend('blue.svc')])
      .node('blue', nodeSpec('blue', ['8080:http']))
      .service('blue.svc', 'node:blue')
      .nodeSnapshot('front');
    expect(serviceOf(snapshot, 'blue.svc')).toEqual({
      name: 'blue.svc',
      provider: { kind: 'virtualNode', name: 'blue' },
      ports: [{ port: 8080, protocol: 'http' }],
      routes: [
        {
          name: 'blue:8080',
          protocol: 'http',
          match: { path: { kind: 'prefix', value: '/' }, headers: [], queryParameters: [] },
          targets: [{ cluster: 'blue:8080', weight: 1 }],
          unavailableWeight: 0,
          retryPolicy: {
            isDefault: true,
            maxRetries: 2,
            perRetryTimeoutMs: 15000,
            httpStatuses: [503],
            grpcStatuses: [14],
            connectFailure: true,
            reset: false,
            refusedStream: true,
            preferDifferentHost: true,
          },
          timeout: { perRequestMs: 15000, idleMs: 300000 },
        },
      ],
    });
    expect(snapshot.clusters.map((cluster) => cluster.id)).toEqual(['blue:8080']);
    expect(snapshot.problems).toEqual([]);
  });

  it('gives each listener of a multi-listener node its own route, matched by port', () => {
    const snapshot = front([backend('blue.svc')])
      .node('blue', nodeSpec('blue', ['9090:tcp', '8080:grpc']))
      .service('blue.svc', 'node:blue')
      .nodeSnapshot('front');
    const service = serviceOf(snapshot, 'blue.svc');
    expect(service.ports).toEqual([
      { port: 8080, protocol: 'grpc' },
      { port: 9090, protocol: 'tcp' },
    ]);
    expect(
      service.routes.map((route) => [route.name, route.protocol, route.match.port, route.targets]),
    ).toEqual([
      ['blue:8080', 'grpc', 8080, [{ cluster: 'blue:8080', weight: 1 }]],
      ['blue:9090', 'tcp', 9090, [{ cluster: 'blue:9090', weight: 1 }]],
    ]);
  });

  it('resolves to nothing when the provider node has no listeners', () => {
    const snapshot = front([backend('blue.svc')])
      .node('blue', {})
      .service('blue.svc', 'node:blue')
      .nodeSnapshot('front');
    expect(serviceOf(snapshot, 'blue.svc')).toEqual({
      name: 'blue.svc',
      provider: { kind: 'virtualNode', name: 'blue' },
      ports: [],
      routes: [],
    });
    expect(snapshot.problems).toEqual([
      {
        resource: 'virtualService/blue.svc',
        path: 'spec.provider.virtualNode.virtualNodeName',
        reason: 'virtual node "blue" has no listeners; requests to the service are answered 503',
      },
    ]);
  });
});

describe('backends that do not resolve', () => {
  it('keeps a missing backend service with no provider and no routes, and notes it', () => {
    const snapshot = front([backend('ghost.svc')]).nodeSnapshot('front');
    expect(snapshot.virtualServices).toEqual([
      { name: 'ghost.svc', provider: { kind: 'none' }, ports: [], routes: [] },
    ]);
    expect(snapshot.clusters).toEqual([]);
    expect(snapshot.problems).toEqual([
      {
        resource: 'virtualNode/front',
        path: 'spec.backends[0].virtualService.virtualServiceName',
        reason: 'virtual service "ghost.svc" does not exist; requests to it are answered 503',
      },
    ]);
  });

  it('notes a service without provider', () => {
    const snapshot = front([backend('idle.svc')])
      .service('idle.svc', 'none')
      .nodeSnapshot('front');
    expect(serviceOf(snapshot, 'idle.svc').provider).toEqual({ kind: 'none' });
    expect(snapshot.problems.map((note) => note.reason)).toEqual([
      'virtual service "idle.svc" has no provider; requests to it are answered 503',
    ]);
  });

  it('notes a provider router that does not exist', () => {
    const snapshot = front([backend('colors.svc')])
      .service('colors.svc', 'router:gone')
      .nodeSnapshot('front');
    expect(serviceOf(snapshot, 'colors.svc')).toEqual({
      name: 'colors.svc',
      provider: { kind: 'virtualRouter', name: 'gone' },
      ports: [],
      routes: [],
    });
    expect(snapshot.problems).toEqual([
      {
        resource: 'virtualService/colors.svc',
        path: 'spec.provider.virtualRouter.virtualRouterName',
        reason: 'virtual router "gone" does not exist; requests to the service are answered 503',
      },
    ]);
  });

  it('lists backends once each, by name', () => {
    const snapshot = front([backend('b.svc'), backend('a.svc'), backend('b.svc')]).nodeSnapshot('front');
    expect(snapshot.virtualServices.map((service) => service.name)).toEqual(['a.svc', 'b.svc']);
  });
});

describe('client policy', () => {
  const tls = (chain: string, extra: Record<string, unknown> = {}) => ({
    tls: { validation: { trust: { file: { certificateChain: chain } } }, ...extra },
  });

  it("uses the backend's own policy, else the node's backend defaults", () => {
    const snapshot = front(
      [backend('a.svc', tls('/certs/a.pem', { enforce: false, ports: [8443, 443, 443] })), backend('b.svc')],
      {
        backendDefaults: { clientPolicy: tls('/certs/default.pem') },
      },
    ).nodeSnapshot('front');
    expect(serviceOf(snapshot, 'a.svc').clientPolicy).toEqual({
      enforce: false,
      ports: [443, 8443],
      validation: { trust: { kind: 'file', certificateChain: '/certs/a.pem' }, subjectAlternativeNames: [] },
    });
    expect(serviceOf(snapshot, 'b.svc').clientPolicy).toEqual({
      enforce: true,
      ports: [],
      validation: {
        trust: { kind: 'file', certificateChain: '/certs/default.pem' },
        subjectAlternativeNames: [],
      },
    });
  });

  it('has no client policy when neither sets TLS', () => {
    const snapshot = front([backend('a.svc', {})]).nodeSnapshot('front');
    expect(serviceOf(snapshot, 'a.svc')).not.toHaveProperty('clientPolicy');
  });
});
