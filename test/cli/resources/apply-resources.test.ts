import { DescribeRouteCommand, DescribeVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyResources, parseResourceFile } from '../../../cli/resources/apply-resources.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';

const MESH = `
resources:
  - kind: VirtualService
    meshName: shop
    virtualServiceName: color.shop.local
    spec: { provider: { virtualRouter: { virtualRouterName: color } } }
  - kind: Route
    meshName: shop
    virtualRouterName: color
    routeName: color
    spec:
      httpRoute:
        match: { prefix: / }
        action:
          weightedTargets:
            - { virtualNode: blue, weight: 80 }
            - { virtualNode: green, weight: 20 }
  - meshName: shop
    virtualRouterName: color
    spec: { listeners: [ { portMapping: { port: 8080, protocol: http } } ] }
  - kind: virtual-node
    meshName: shop
    virtualNodeName: blue
    spec:
      listeners: [ { portMapping: { port: 8080, protocol: http } } ]
      serviceDiscovery: { dns: { hostname: blue.shop.local } }
  - kind: VirtualNode
    meshName: shop
    virtualNodeName: green
    spec:
      listeners: [ { portMapping: { port: 8080, protocol: http } } ]
      serviceDiscovery: { dns: { hostname: green.shop.local } }
  - kind: Mesh
    meshName: shop
`;

describe('applyResources', () => {
  let controlPlane: TestControlPlane;
  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
  });
  afterAll(async () => {
    await controlPlane.stop();
  });

  it('creates resources in dependency order whatever order the file has them in', async () => {
    const resources = parseResourceFile(MESH, 'shop.yaml');
    expect(resources.map((r) => r.kind)).toEqual([
      'virtualService',
      'route',
      'virtualRouter',
      'virtualNode',
      'virtualNode',
      'mesh',
    ]);
    const changes = await applyResources(controlPlane.client, resources);
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'create mesh shop',
      'create virtualNode blue',
      'create virtualNode green',
      'create virtualRouter color',
      'create route color',
      'create virtualService color.shop.local',
    ]);
    const route = await controlPlane.client.send(
      new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'color', routeName: 'color' }),
    );
    expect(route.route?.spec?.httpRoute?.action?.weightedTargets).toEqual([
      { virtualNode: 'blue', weight: 80 },
      { virtualNode: 'green', weight: 20 },
    ]);
  });

  it('changes nothing when applied again', async () => {
    const before = await controlPlane.client.send(
      new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'blue' }),
    );
    const changes = await applyResources(controlPlane.client, parseResourceFile(MESH, 'shop.yaml'));
    expect(changes.every((c) => c.action === 'unchanged')).toBe(true);
    const after = await controlPlane.client.send(
      new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'blue' }),
    );
    expect(after.virtualNode?.metadata?.version).toBe(before.virtualNode?.metadata?.version);
  });

  it('updates only what differs, and only reports with dryRun', async () => {
    const changed = MESH.replace('weight: 80', 'weight: 50').replace('weight: 20', 'weight: 50');
    const dry = await applyResources(controlPlane.client, parseResourceFile(changed, 'shop.yaml'), {
      dryRun: true,
    });
    expect(dry.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(
      ['update route color'],
    );
    expect(dry.find((c) => c.action === 'update')?.diff).toContain('-           weight: 80');
    const still = await controlPlane.client.send(
      new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'color', routeName: 'color' }),
    );
    expect(still.route?.spec?.httpRoute?.action?.weightedTargets?.[0]?.weight).toBe(80);

    const real = await applyResources(controlPlane.client, parseResourceFile(changed, 'shop.yaml'));
    expect(real.filter((c) => c.action !== 'unchanged')).toHaveLength(1);
    const now = await controlPlane.client.send(
      new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'color', routeName: 'color' }),
    );
    expect(now.route?.spec?.httpRoute?.action?.weightedTargets?.[0]?.weight).toBe(50);
  });
});
