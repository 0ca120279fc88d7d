import {
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteGatewayRouteCommand,
  DeleteMeshCommand,
  DeleteRouteCommand,
  DeleteVirtualGatewayCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualRouterCommand,
  DeleteVirtualServiceCommand,
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  DescribeVirtualServiceCommand,
  ListGatewayRoutesCommand,
  ListMeshesCommand,
  ListRoutesCommand,
  ListVirtualGatewaysCommand,
  ListVirtualNodesCommand,
  ListVirtualRoutersCommand,
  ListVirtualServicesCommand,
  NotFoundException,
  UpdateGatewayRouteCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import {
  gatewayRouteSpec,
  gatewaySpec,
  MESH,
  meshSpec,
  nodeSpec,
  routerSpec,
  routeSpec,
  serviceSpec,
} from '../../support/fixtures.js';

const ARN_PREFIX = `arn:aws:appmesh:us-east-1:000000000000:mesh/${MESH}`;

describe('App Mesh API lifecycle (official SDK client)', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('creates, describes, updates, lists and deletes every kind', async () => {
    const { client } = cp;
    const started = Date.now();

    // --- create, in dependency order
    const mesh = await client.send(
      new CreateMeshCommand({ meshName: MESH, spec: meshSpec, tags: [{ key: 'team', value: 'colors' }] }),
    );
    expect(mesh.mesh).toMatchObject({
      meshName: MESH,
      spec: meshSpec,
      status: { status: 'ACTIVE' },
      metadata: { arn: ARN_PREFIX, version: 1, meshOwner: '000000000000', resourceOwner: '000000000000' },
    });
    expect(mesh.mesh?.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(mesh.mesh?.metadata?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(mesh.mesh!.metadata!.createdAt!.getTime() - started)).toBeLessThan(60_000);

    const blue = await client.send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'blue',
        spec: nodeSpec('blue.colors.local'),
      }),
    );
    expect(blue.virtualNode).toMatchObject({
      meshName: MESH,
      virtualNodeName: 'blue',
      spec: nodeSpec('blue.colors.local'),
      metadata: { arn: `${ARN_PREFIX}/virtualNode/blue`, version: 1 },
    });
    await client.send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'green',
        spec: nodeSpec('green.colors.local'),
      }),
    );
    const router = await client.send(
      new CreateVirtualRouterCommand({
        meshName: MESH,
        virtualRouterName: 'colors-router',
        spec: routerSpec,
      }),
    );
    expect(router.virtualRouter?.metadata?.arn).toBe(`${ARN_PREFIX}/virtualRouter/colors-router`);
    const route = await client.send(
      new CreateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'colors-router',
        routeName: 'split',
        spec: routeSpec({ blue: 1, green: 1 }),
      }),
    );
    expect(route.route).toMatchObject({
      meshName: MESH,
      virtualRouterName: 'colors-router',
      routeName: 'split',
      spec: routeSpec({ blue: 1, green: 1 }),
      metadata: { arn: `${ARN_PREFIX}/virtualRouter/colors-router/route/split`, version: 1 },
    });
    const service = await client.send(
      new CreateVirtualServiceCommand({
        meshName: MESH,
        virtualServiceName: 'colors.local',
        spec: serviceSpec('colors-router'),
      }),
    );
    expect(service.virtualService?.metadata?.arn).toBe(`${ARN_PREFIX}/virtualService/colors.local`);
    const gateway = await client.send(
      new CreateVirtualGatewayCommand({ meshName: MESH, virtualGatewayName: 'ingress', spec: gatewaySpec }),
    );
    expect(gateway.virtualGateway?.spec).toEqual(gatewaySpec);
    const gatewayRoute = await client.send(
      new CreateGatewayRouteCommand({
        meshName: MESH,
        virtualGatewayName: 'ingress',
        gatewayRouteName: 'to-colors',
        spec: gatewayRouteSpec('colors.local'),
      }),
    );
    expect(gatewayRoute.gatewayRoute).toMatchObject({
      virtualGatewayName: 'ingress',
      gatewayRouteName: 'to-colors',
      metadata: { arn: `${ARN_PREFIX}/virtualGateway/ingress/gatewayRoute/to-colors`, version: 1 },
    });

    // --- describe returns what was created
    expect((await client.send(new DescribeMeshCommand({ meshName: MESH }))).mesh?.metadata?.uid).toBe(
      mesh.mesh?.metadata?.uid,
    );
    expect(
      (await client.send(new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue' })))
        .virtualNode?.spec,
    ).toEqual(nodeSpec('blue.colors.local'));
    expect(
      (
        await client.send(
          new DescribeVirtualRouterCommand({ meshName: MESH, virtualRouterName: 'colors-router' }),
        )
      ).virtualRouter?.spec,
    ).toEqual(routerSpec);
    expect(
      (
        await client.send(
          new DescribeRouteCommand({
            meshName: MESH,
            virtualRouterName: 'colors-router',
            routeName: 'split',
          }),
        )
      ).route?.spec,
    ).toEqual(routeSpec({ blue: 1, green: 1 }));
    expect(
      (
        await client.send(
          new DescribeVirtualServiceCommand({ meshName: MESH, virtualServiceName: 'colors.local' }),
        )
      ).virtualService?.spec,
    ).toEqual(serviceSpec('colors-router'));
    expect(
      (
        await client.send(
          new DescribeVirtualGatewayCommand({ meshName: MESH, virtualGatewayName: 'ingress' }),
        )
      ).virtualGateway?.spec,
    ).toEqual(gatewaySpec);
    expect(
      (
        await client.send(
          new DescribeGatewayRouteCommand({
            meshName: MESH,
            virtualGatewayName: 'ingress',
            gatewayRouteName: 'to-colors',
          }),
        )
      ).gatewayRoute?.spec,
    ).toEqual(gatewayRouteSpec('colors.local'));

    // --- update bumps the version and keeps uid and createdAt
    const updatedMesh = await client.send(
      new UpdateMeshCommand({ meshName: MESH, spec: { egressFilter: { type: 'DROP_ALL' } } }),
    );
    expect(updatedMesh.mesh?.metadata).toMatchObject({ version: 2, uid: mesh.mesh?.metadata?.uid });
    expect(updatedMesh.mesh?.metadata?.createdAt).toEqual(mesh.mesh?.metadata?.createdAt);
    expect(updatedMesh.mesh?.spec).toEqual({ egressFilter: { type: 'DROP_ALL' } });
    const updates = [
      client.send(
        new UpdateVirtualNodeCommand({
          meshName: MESH,
          virtualNodeName: 'blue',
          spec: nodeSpec('blue2.colors.local'),
        }),
      ),
      client.send(
        new UpdateVirtualRouterCommand({
          meshName: MESH,
          virtualRouterName: 'colors-router',
          spec: { listeners: [{ portMapping: { port: 9090, protocol: 'http' } }] },
        }),
      ),
      client.send(
        new UpdateRouteCommand({
          meshName: MESH,
          virtualRouterName: 'colors-router',
          routeName: 'split',
          spec: routeSpec({ blue: 3, green: 1 }),
        }),
      ),
      client.send(
        new UpdateVirtualServiceCommand({
          meshName: MESH,
          virtualServiceName: 'colors.local',
          spec: { provider: { virtualNode: { virtualNodeName: 'green' } } },
        }),
      ),
      client.send(
        new UpdateVirtualGatewayCommand({
          meshName: MESH,
          virtualGatewayName: 'ingress',
          spec: { listeners: [{ portMapping: { port: 9443, protocol: 'http2' } }] },
        }),
      ),
      client.send(
        new UpdateGatewayRouteCommand({
          meshName: MESH,
          virtualGatewayName: 'ingress',
          gatewayRouteName: 'to-colors',
          spec: gatewayRouteSpec('colors.local'),
        }),
      ),
    ];
    const versions = (await Promise.all(updates)).map((out) => {
      const data = Object.values(out).find((v) => typeof v === 'object' && v !== null && 'metadata' in v) as {
        metadata: { version: number };
      };
      return data.metadata.version;
    });
    expect(versions).toEqual([2, 2, 2, 2, 2, 2]);
    expect(
      (
        await client.send(
          new DescribeRouteCommand({
            meshName: MESH,
            virtualRouterName: 'colors-router',
            routeName: 'split',
          }),
        )
      ).route?.spec?.httpRoute?.action?.weightedTargets,
    ).toEqual([
      { virtualNode: 'blue', weight: 3 },
      { virtualNode: 'green', weight: 1 },
    ]);

    // --- list every kind
    const meshes = await client.send(new ListMeshesCommand({}));
    expect(meshes.meshes).toEqual([
      expect.objectContaining({ meshName: MESH, arn: ARN_PREFIX, version: 2, meshOwner: '000000000000' }),
    ]);
    const nodes = await client.send(new ListVirtualNodesCommand({ meshName: MESH }));
    expect(nodes.virtualNodes?.map((n) => [n.virtualNodeName, n.version])).toEqual([
      ['blue', 2],
      ['green', 1],
    ]);
    expect(nodes.nextToken).toBeUndefined();
    expect(
      (await client.send(new ListVirtualRoutersCommand({ meshName: MESH }))).virtualRouters?.map(
        (r) => r.virtualRouterName,
      ),
    ).toEqual(['colors-router']);
    expect(
      (await client.send(new ListRoutesCommand({ meshName: MESH, virtualRouterName: 'colors-router' })))
        .routes,
    ).toEqual([
      expect.objectContaining({
        meshName: MESH,
        virtualRouterName: 'colors-router',
        routeName: 'split',
        arn: `${ARN_PREFIX}/virtualRouter/colors-router/route/split`,
      }),
    ]);
    expect(
      (await client.send(new ListVirtualServicesCommand({ meshName: MESH }))).virtualServices?.map(
        (s) => s.virtualServiceName,
      ),
    ).toEqual(['colors.local']);
    expect(
      (await client.send(new ListVirtualGatewaysCommand({ meshName: MESH }))).virtualGateways?.map(
        (g) => g.virtualGatewayName,
      ),
    ).toEqual(['ingress']);
    expect(
      (await client.send(new ListGatewayRoutesCommand({ meshName: MESH, virtualGatewayName: 'ingress' })))
        .gatewayRoutes?.[0],
    ).toMatchObject({ virtualGatewayName: 'ingress', gatewayRouteName: 'to-colors' });

    // --- delete, children first; each returns the resource marked DELETED
    const deletedGatewayRoute = await client.send(
      new DeleteGatewayRouteCommand({
        meshName: MESH,
        virtualGatewayName: 'ingress',
        gatewayRouteName: 'to-colors',
      }),
    );
    expect(deletedGatewayRoute.gatewayRoute?.status?.status).toBe('DELETED');
    await client.send(new DeleteVirtualGatewayCommand({ meshName: MESH, virtualGatewayName: 'ingress' }));
    await client.send(
      new DeleteVirtualServiceCommand({ meshName: MESH, virtualServiceName: 'colors.local' }),
    );
    await client.send(
      new DeleteRouteCommand({ meshName: MESH, virtualRouterName: 'colors-router', routeName: 'split' }),
    );
    await client.send(new DeleteVirtualRouterCommand({ meshName: MESH, virtualRouterName: 'colors-router' }));
    await client.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue' }));
    await client.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'green' }));
    const deletedMesh = await client.send(new DeleteMeshCommand({ meshName: MESH }));
    expect(deletedMesh.mesh).toMatchObject({ meshName: MESH, status: { status: 'DELETED' } });

    await expect(client.send(new DescribeMeshCommand({ meshName: MESH }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    expect((await client.send(new ListMeshesCommand({}))).meshes).toEqual([]);
  });

  it('fills in the egress filter App Mesh defaults to when a mesh has no spec', async () => {
    const created = await cp.client.send(new CreateMeshCommand({ meshName: 'bare' }));
    expect(created.mesh?.spec).toEqual({ egressFilter: { type: 'DROP_ALL' } });
    await cp.client.send(new DeleteMeshCommand({ meshName: 'bare' }));
  });
});
