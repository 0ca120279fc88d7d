import { describe, expect, it } from 'vitest';
import {
  compileOneRoute,
  httpRoute,
  nodeSpec,
  routeMesh,
  SERVICE,
  serviceOf,
} from '../../support/snapshot-mesh.js';

describe('weighted targets', () => {
  it("resolves a target's port to that listener of the node", () => {
    const { route, snapshot } = compileOneRoute(httpRoute([{ virtualNode: 'blue', weight: 1, port: 9090 }]), {
      nodes: { blue: nodeSpec('blue', ['8080:http', '9090:http2']) },
    });
    expect(route.targets).toEqual([{ cluster: 'blue:9090', weight: 1 }]);
    expect(snapshot.clusters.map((cluster) => [cluster.id, cluster.protocol])).toEqual([
      ['blue:9090', 'http2'],
    ]);
  });

  it("uses the node's only listener when the target names no port", () => {
    const { route } = compileOneRoute(httpRoute([{ virtualNode: 'blue', weight: 1 }]), {
      nodes: { blue: nodeSpec('blue', ['7000:http']) },
    });
    expect(route.targets).toEqual([{ cluster: 'blue:7000', weight: 1 }]);
  });

  it('drops a target whose port matches no listener, answers its share 503 and never gives it to the others', () => {
    const { route, snapshot } = compileOneRoute(
      httpRoute([
        { virtualNode: 'blue', weight: 90, port: 9999 },
        { virtualNode: 'green', weight: 10 },
      ]),
    );
    expect(route.targets).toEqual([{ cluster: 'green:8080', weight: 10 }]);
    expect(route.unavailableWeight).toBe(90);
    expect(snapshot.clusters.map((cluster) => cluster.id)).toEqual(['green:8080']);
    expect(snapshot.problems).toEqual([
      {
        resource: 'route/colors/only',
        path: 'spec.httpRoute.action.weightedTargets[0].port',
        reason: 'virtual node "blue" listens on 8080, not on 9999; its weight 90 is answered 503',
      },
    ]);
  });

  it('drops a target without port when the node has several listeners', () => {
    const { route, snapshot } = compileOneRoute(httpRoute([{ virtualNode: 'blue', weight: 1 }]), {
      nodes: { blue: nodeSpec('blue', ['9090:http', '8080:http']) },
    });
    expect(route.targets).toEqual([]);
    expect(route.unavailableWeight).toBe(1);
    expect(snapshot.problems).toEqual([
      {
        resource: 'route/colors/only',
        path: 'spec.httpRoute.action.weightedTargets[0].port',
        reason:
          'virtual node "blue" listens on 8080, 9090: the target must name a port; its weight 1 is answered 503',
      },
    ]);
  });

  it('drops a target whose node has no listeners, keeping the route with no targets', () => {
    const { route, snapshot } = compileOneRoute(httpRoute([{ virtualNode: 'blue', weight: 5 }]), {
      nodes: { blue: { backends: [] } },
    });
    expect(route).toMatchObject({ name: 'only', targets: [], unavailableWeight: 5 });
    expect(snapshot.clusters).toEqual([]);
    expect(snapshot.problems.map((note) => note.reason)).toEqual([
      'virtual node "blue" has no listeners; its weight 5 is answered 503',
    ]);
  });

  it('drops a target whose node does not exist (a partial mesh)', () => {
    const mesh = routeMesh({ only: httpRoute([{ virtualNode: 'blue', weight: 1 }]) }).remove(
      'virtualNode',
      'blue',
    );
    const snapshot = mesh.nodeSnapshot('front');
    expect(serviceOf(snapshot, SERVICE).routes[0]).toMatchObject({ targets: [], unavailableWeight: 1 });
    expect(snapshot.problems).toEqual([
      {
        resource: 'route/colors/only',
        path: 'spec.httpRoute.action.weightedTargets[0].virtualNode',
        reason: 'virtual node "blue" does not exist; its weight 1 is answered 503',
      },
    ]);
  });

  it('treats a node whose stored spec is invalid as absent', () => {
    const { route, snapshot } = compileOneRoute(httpRoute([{ virtualNode: 'blue', weight: 1 }]), {
      nodes: { blue: { listeners: [{ portMapping: { port: 70000, protocol: 'http' } }] } },
    });
    expect(route.targets).toEqual([]);
    expect(snapshot.problems.map((note) => [note.resource, note.path])).toEqual([
      ['route/colors/only', 'spec.httpRoute.action.weightedTargets[0].virtualNode'],
      ['virtualNode/blue', 'spec'],
    ]);
    expect(snapshot.problems[1]!.reason).toMatch(
      /^is invalid and ignored: spec\.listeners\[0\]\.portMapping\.port/,
    );
  });

  it('notes a weight-0 target that does not resolve without making any share unavailable', () => {
    const { route, snapshot } = compileOneRoute(
      httpRoute([
        { virtualNode: 'blue', weight: 1 },
        { virtualNode: 'green', weight: 0, port: 1234 },
      ]),
    );
    expect(route).toMatchObject({ targets: [{ cluster: 'blue:8080', weight: 1 }], unavailableWeight: 0 });
    expect(snapshot.problems.map((note) => note.reason)).toEqual([
      'virtual node "green" listens on 8080, not on 1234; it has weight 0 and gets no traffic',
    ]);
  });
});
