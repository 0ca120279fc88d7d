import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../control-plane/snapshot/index.js';
import { nextRecord } from '../../support/records.js';
import { httpRoute, MeshBuilder, nodeSpec, routeMesh, SERVICE } from '../../support/snapshot-mesh.js';

const blue = [{ virtualNode: 'blue', weight: 1 }];

describe('compileSnapshot', () => {
  it('answers not-found for a missing node or gateway, and for a node whose spec is invalid', () => {
    const mesh = new MeshBuilder().node('broken', {
      listeners: [{ portMapping: { port: 0, protocol: 'http' } }],
    });
    expect(mesh.compile({ kind: 'virtualNode', name: 'nobody' })).toEqual({ ok: false, reason: 'not-found' });
    expect(mesh.compile({ kind: 'virtualGateway', name: 'nobody' })).toEqual({
      ok: false,
      reason: 'not-found',
    });
    expect(mesh.compile({ kind: 'virtualNode', name: 'broken' })).toEqual({ ok: false, reason: 'not-found' });
  });

  it('compiles a node with no backends to its identity, listeners and an empty routing table', () => {
    const snapshot = new MeshBuilder().node('solo', nodeSpec('solo')).nodeSnapshot('solo');
    const { version, ...content } = snapshot;
    expect(content).toEqual({
      schemaVersion: 1,
      meshName: 'demo',
      meshUid: 'uid-demo',
      proxy: { kind: 'virtualNode', name: 'solo' },
      egressFilter: { type: 'DROP_ALL', allowedHostSuffixes: ['.amazonaws.com'] },
      listeners: [
        {
          port: 8080,
          protocol: 'http',
          timeout: { perRequestMs: 15000, idleMs: 300000 },
          connectionPool: {
            maxConnections: 2147483647,
            maxPendingRequests: 2147483647,
            maxRequests: 2147483647,
          },
        },
      ],
      virtualServices: [],
      gatewayRoutes: [],
      clusters: [],
      problems: [],
      unsupported: [],
    });
    expect(version).toBe(createHash('sha256').update(canonicalJson(content)).digest('base64url'));
  });
});

describe('egress filter', () => {
  it('is DROP_ALL (with the App Mesh allowance) when the mesh sets none', () => {
    const mesh = new MeshBuilder('open', {}).node('solo', nodeSpec('solo'));
    expect(mesh.nodeSnapshot('solo').egressFilter).toEqual({
      type: 'DROP_ALL',
      allowedHostSuffixes: ['.amazonaws.com'],
    });
  });

  it('is ALLOW_ALL when the mesh says so', () => {
    const mesh = new MeshBuilder('open', { egressFilter: { type: 'ALLOW_ALL' } }).node(
      'solo',
      nodeSpec('solo'),
    );
    expect(mesh.nodeSnapshot('solo').egressFilter).toEqual({ type: 'ALLOW_ALL', allowedHostSuffixes: [] });
  });

  it('closes egress and notes it when the mesh spec is invalid', () => {
    const mesh = new MeshBuilder('odd', { egressFilter: { type: 'SOMETIMES' } }).node(
      'solo',
      nodeSpec('solo'),
    );
    const snapshot = mesh.nodeSnapshot('solo');
    expect(snapshot.egressFilter.type).toBe('DROP_ALL');
    expect(snapshot.problems.map((note) => [note.resource, note.path])).toEqual([['mesh/odd', 'spec']]);
  });
});

describe('access log', () => {
  const log = (format?: Record<string, unknown>) =>
    new MeshBuilder()
      .node(
        'solo',
        nodeSpec('solo', ['8080:http'], {
          logging: { accessLog: { file: { path: '/dev/stdout', ...(format ? { format } : {}) } } },
        }),
      )
      .nodeSnapshot('solo').accessLog;

  it('carries the path, and the text or json format', () => {
    expect(log()).toEqual({ path: '/dev/stdout' });
    expect(log({ text: '%START_TIME% %RESPONSE_CODE%\n' })).toEqual({
      path: '/dev/stdout',
      format: { kind: 'text', pattern: '%START_TIME% %RESPONSE_CODE%\n' },
    });
    expect(
      log({
        json: [
          { key: 'status', value: '%RESPONSE_CODE%' },
          { key: 'at', value: '%START_TIME%' },
        ],
      }),
    ).toEqual({
      path: '/dev/stdout',
      format: {
        kind: 'json',
        fields: [
          { key: 'status', value: '%RESPONSE_CODE%' },
          { key: 'at', value: '%START_TIME%' },
        ],
      },
    });
  });

  it('is absent when the node logs nothing', () => {
    expect(new MeshBuilder().node('solo', nodeSpec('solo')).nodeSnapshot('solo')).not.toHaveProperty(
      'accessLog',
    );
  });
});

describe('listeners and clusters', () => {
  const listener = {
    portMapping: { port: 8080, protocol: 'http' },
    healthCheck: {
      protocol: 'http',
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      intervalMillis: 5000,
      timeoutMillis: 2000,
    },
    outlierDetection: {
      maxServerErrors: 5,
      interval: { unit: 's', value: 10 },
      baseEjectionDuration: { unit: 'ms', value: 30000 },
      maxEjectionPercent: 50,
    },
    connectionPool: { http: { maxConnections: 100 } },
    timeout: { http: { perRequest: { unit: 's', value: 3 } } },
  };

  it('builds each target cluster from the node listener: limits, health check, outlier detection, discovery', () => {
    const blueNode = {
      serviceDiscovery: { dns: { hostname: 'blue.local', responseType: 'ENDPOINTS' } },
      listeners: [listener],
    };
    const snapshot = routeMesh({ r: httpRoute(blue) }, { nodes: { blue: blueNode } }).nodeSnapshot('front');
    expect(snapshot.clusters).toEqual([
      {
        id: 'blue:8080',
        virtualNode: 'blue',
        port: 8080,
        protocol: 'http',
        discovery: {
          kind: 'dns',
          hostname: 'blue.local',
          responseType: 'ENDPOINTS',
          ipPreference: 'IPv6_PREFERRED',
        },
        connectionPool: { maxConnections: 100, maxPendingRequests: 2147483647, maxRequests: 2147483647 },
        outlierDetection: {
          maxServerErrors: 5,
          intervalMs: 10000,
          baseEjectionDurationMs: 30000,
          maxEjectionPercent: 50,
        },
        healthCheck: {
          protocol: 'http',
          port: 8080,
          path: '/',
          healthyThreshold: 2,
          unhealthyThreshold: 3,
          intervalMs: 5000,
          timeoutMs: 2000,
        },
        timeout: { perRequestMs: 3000, idleMs: 300000 },
      },
    ]);
  });

  it("gives DNS and Cloud Map the node's IP preference, else the mesh's, and notes Cloud Map as unsupported", () => {
    const cloudMap = {
      serviceDiscovery: {
        awsCloudMap: {
          namespaceName: 'demo.local',
          serviceName: 'green',
          attributes: [
            { key: 'version', value: 'v2' },
            { key: 'ECS_TASK_DEFINITION_FAMILY', value: 'green' },
          ],
        },
      },
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    };
    const mesh = routeMesh(
      {
        r: httpRoute([
          { virtualNode: 'blue', weight: 1 },
          { virtualNode: 'green', weight: 1 },
        ]),
      },
      { nodes: { green: cloudMap } },
    );
    mesh.meshSpec = { serviceDiscovery: { ipPreference: 'IPv4_ONLY' } };
    const snapshot = mesh.nodeSnapshot('front');
    expect(snapshot.ipPreference).toBe('IPv4_ONLY');
    expect(snapshot.clusters.map((cluster) => cluster.discovery)).toEqual([
      { kind: 'dns', hostname: 'blue.demo.local', responseType: 'LOADBALANCER', ipPreference: 'IPv4_ONLY' },
      {
        kind: 'cloudMap',
        namespaceName: 'demo.local',
        serviceName: 'green',
        attributes: [
          { key: 'ECS_TASK_DEFINITION_FAMILY', value: 'green' },
          { key: 'version', value: 'v2' },
        ],
        ipPreference: 'IPv4_ONLY',
      },
    ]);
    expect(snapshot.unsupported.map((note) => [note.resource, note.path])).toEqual([
      ['virtualNode/green', 'spec.serviceDiscovery.awsCloudMap'],
    ]);
  });

  it('sorts inbound listeners by port and fills health check ports and paths', () => {
    const spec = {
      serviceDiscovery: { dns: { hostname: 'solo.local', ipPreference: 'IPv6_ONLY' } },
      listeners: [
        {
          portMapping: { port: 9090, protocol: 'grpc' },
          healthCheck: {
            protocol: 'grpc',
            port: 9091,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
            intervalMillis: 5000,
            timeoutMillis: 2000,
          },
          connectionPool: { grpc: { maxRequests: 10 } },
        },
        {
          portMapping: { port: 5432, protocol: 'tcp' },
          timeout: { tcp: { idle: { unit: 's', value: 10 } } },
        },
      ],
    };
    const snapshot = new MeshBuilder().node('solo', spec).nodeSnapshot('solo');
    expect(snapshot.ipPreference).toBe('IPv6_ONLY');
    expect(snapshot.listeners).toEqual([
      {
        port: 5432,
        protocol: 'tcp',
        timeout: { perRequestMs: 0, idleMs: 10000 },
        connectionPool: {
          maxConnections: 2147483647,
          maxPendingRequests: 2147483647,
          maxRequests: 2147483647,
        },
      },
      {
        port: 9090,
        protocol: 'grpc',
        timeout: { perRequestMs: 15000, idleMs: 300000 },
        connectionPool: { maxConnections: 2147483647, maxPendingRequests: 2147483647, maxRequests: 10 },
        healthCheck: {
          protocol: 'grpc',
          port: 9091,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
          intervalMs: 5000,
          timeoutMs: 2000,
        },
      },
    ]);
  });
});

describe('determinism', () => {
  const colorMesh = () =>
    routeMesh({
      canary: httpRoute(
        [
          { virtualNode: 'blue', weight: 9 },
          { virtualNode: 'green', weight: 1 },
        ],
        { match: { prefix: '/', headers: [{ name: 'x-canary' }, { name: 'x-b', match: { exact: '1' } }] } },
        1,
      ),
      rest: httpRoute(blue),
    })
      .node(
        'front',
        nodeSpec('front', ['8080:http'], {
          backends: [
            { virtualService: { virtualServiceName: SERVICE } },
            { virtualService: { virtualServiceName: 'z.svc' } },
          ],
        }),
      )
      .node('unrelated', nodeSpec('unrelated'))
      .service('z.svc', 'node:green');

  it('gives byte-identical json and the same version whatever the input order', () => {
    const mesh = colorMesh();
    const first = mesh.compile({ kind: 'virtualNode', name: 'front' });
    const shuffled = mesh.compile({ kind: 'virtualNode', name: 'front' }, [...mesh.resources].reverse());
    const rotated = mesh.compile({ kind: 'virtualNode', name: 'front' }, [
      ...mesh.resources.slice(3),
      ...mesh.resources.slice(0, 3),
    ]);
    if (!first.ok || !shuffled.ok || !rotated.ok) throw new Error('expected snapshots');
    expect(shuffled.json).toBe(first.json);
    expect(rotated.json).toBe(first.json);
    expect(shuffled.snapshot.version).toBe(first.snapshot.version);
    expect(JSON.parse(first.json)).toEqual(first.snapshot);
  });

  it('gives the same version when equal meshes are built separately (other uids, timestamps)', () => {
    expect(colorMesh().nodeSnapshot('front').version).toBe(colorMesh().nodeSnapshot('front').version);
  });

  it('keeps the version when a resource the node does not use changes, even to an invalid spec', () => {
    const mesh = colorMesh();
    const before = mesh.nodeSnapshot('front');
    const resources = mesh.resources.map((record) =>
      record.key.name === 'unrelated'
        ? nextRecord(record, { spec: { listeners: [{ portMapping: { port: -1 } }] } })
        : record,
    );
    const after = mesh.compile({ kind: 'virtualNode', name: 'front' }, resources);
    expect(after.ok && after.snapshot.version).toBe(before.version);
  });

  it('changes the version when a route the node uses changes', () => {
    const mesh = colorMesh();
    const before = mesh.nodeSnapshot('front');
    const resources = mesh.resources.map((record) =>
      record.key.kind === 'route' && record.key.name === 'rest'
        ? nextRecord(record, { spec: httpRoute(blue, { timeout: { perRequest: { unit: 's', value: 1 } } }) })
        : record,
    );
    const after = mesh.compile({ kind: 'virtualNode', name: 'front' }, resources);
    if (!after.ok) throw new Error('expected a snapshot');
    expect(after.snapshot.version).not.toBe(before.version);
    expect(after.snapshot.virtualServices[0]!.routes[1]!.timeout.perRequestMs).toBe(1000);
  });

  it('ignores records of other meshes and records that are not ACTIVE', () => {
    const mesh = colorMesh();
    const expected = mesh.compile({ kind: 'virtualNode', name: 'front' });
    const stray = new MeshBuilder('other').route(
      'colors',
      'hijack',
      httpRoute([{ virtualNode: 'unrelated', weight: 100 }], {}, 0),
    );
    const [hijack] = stray.resources;
    const deleted = { ...hijack!, key: { ...hijack!.key, meshName: 'demo' }, status: 'DELETED' as const };
    const after = mesh.compile({ kind: 'virtualNode', name: 'front' }, [...mesh.resources, hijack!, deleted]);
    if (!expected.ok || !after.ok) throw new Error('expected snapshots');
    expect(after.json).toBe(expected.json);
    expect(after.json).not.toContain('hijack');
  });
});
