import {
  BadRequestException,
  ConflictException,
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteMeshCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualRouterCommand,
  DeleteVirtualServiceCommand,
  DescribeVirtualNodeCommand,
  ListRoutesCommand,
  ListVirtualNodesCommand,
  NotFoundException,
  ResourceInUseException,
  UpdateVirtualNodeCommand,
} from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import {
  gatewayRouteSpec,
  gatewaySpec,
  nodeSpec,
  routerSpec,
  routeSpec,
  serviceSpec,
} from '../../support/fixtures.js';

const MESH = 'errors';

/** The error the SDK raised, for asserting on its class, name, status and message together. */
async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the request to fail, but it succeeded');
}

describe('App Mesh API errors', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane();
    await cp.client.send(new CreateMeshCommand({ meshName: MESH }));
    await cp.client.send(
      new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue', spec: nodeSpec('blue.local') }),
    );
    await cp.client.send(
      new CreateVirtualRouterCommand({ meshName: MESH, virtualRouterName: 'r', spec: routerSpec }),
    );
    await cp.client.send(
      new CreateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'r',
        routeName: 'all',
        spec: routeSpec({ blue: 1 }),
      }),
    );
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const raw = (method: string, path: string, body?: string) =>
    fetch(`${cp.url}${path}`, { method, body, headers: { 'content-type': 'application/json' } });

  it('reports every validation problem at once, with field, rule and value', async () => {
    const error = await failure(
      cp.client.send(
        new CreateVirtualNodeCommand({
          meshName: MESH,
          virtualNodeName: 'bad',
          spec: {
            listeners: [
              { portMapping: { port: 70000, protocol: 'http' } },
              { portMapping: { port: 80, protocol: 'smtp' as 'http' } },
            ],
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(
      'spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000',
    );
    expect(error.message).toContain('spec.listeners[1].portMapping.protocol: must be one of');
    expect(error.message).toContain('"smtp"');
    // Nothing was written.
    await expect(
      cp.client.send(new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'bad' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('returns the problems as data too, for tools', async () => {
    const res = await raw(
      'PUT',
      `/v20190125/meshes/${MESH}/virtualNodes`,
      JSON.stringify({
        virtualNodeName: 'x',
        spec: { listeners: [{ portMapping: { port: 0, protocol: 'http' } }] },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const body = (await res.json()) as { problems: { path: string; value: unknown }[] };
    expect(body.problems).toContainEqual(
      expect.objectContaining({ path: 'spec.listeners[0].portMapping.port', value: 0 }),
    );
  });

  it('rejects names that break the naming rules', async () => {
    const error = await failure(cp.client.send(new CreateMeshCommand({ meshName: 'has space' })));
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.message).toContain('meshName');
    const tooLong = await failure(cp.client.send(new CreateMeshCommand({ meshName: 'a'.repeat(256) })));
    expect(tooLong).toBeInstanceOf(BadRequestException);
    expect(tooLong.message).toContain('meshName');
  });

  it('answers malformed JSON, a non-object body and unknown members with BadRequestException', async () => {
    const malformed = await raw('PUT', '/v20190125/meshes', '{"meshName": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(((await malformed.json()) as { message: string }).message).toMatch(
      /^request body: must be valid JSON/,
    );

    const array = await raw('PUT', '/v20190125/meshes', '[]');
    expect(array.status).toBe(400);
    expect(((await array.json()) as { message: string }).message).toBe('request body: must be a JSON object');

    const unknown = await raw('PUT', '/v20190125/meshes', JSON.stringify({ meshName: 'm2', colour: 'red' }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toContain('colour: unknown field');
  });

  it('refuses a body over the size limit without storing anything', async () => {
    const huge = JSON.stringify({ meshName: 'huge', spec: {}, padding: 'x'.repeat(300 * 1024) });
    const res = await raw('PUT', '/v20190125/meshes', huge);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /request body: must be at most 262144 bytes/,
    );
    const describe = await raw('GET', '/v20190125/meshes/huge');
    expect(describe.status).toBe(404);
  });

  it('answers an unknown path or method with an App Mesh-style NotFoundException, never a 500', async () => {
    const path = await raw('GET', '/v20190125/nothing-here');
    expect(path.status).toBe(404);
    expect(path.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(((await path.json()) as { message: string }).message).toBe(
      'No App Mesh operation at GET /v20190125/nothing-here',
    );

    const method = await raw('POST', `/v20190125/meshes/${MESH}`);
    expect(method.status).toBe(404);
    expect(((await method.json()) as { message: string }).message).toContain('use GET, PUT, DELETE');

    const badEncoding = await raw('GET', '/v20190125/meshes/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
  });

  it('answers NotFoundException for missing resources and missing containers', async () => {
    const node = await failure(
      cp.client.send(new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'nope' })),
    );
    expect(node).toBeInstanceOf(NotFoundException);
    expect(node.$metadata.httpStatusCode).toBe(404);
    expect(node.message).toBe('Virtual node "nope" in mesh "errors" does not exist');

    const inMissingMesh = await failure(
      cp.client.send(new CreateVirtualNodeCommand({ meshName: 'ghost', virtualNodeName: 'n', spec: {} })),
    );
    expect(inMissingMesh).toBeInstanceOf(NotFoundException);
    expect(inMissingMesh.message).toContain('mesh "ghost"');

    await expect(cp.client.send(new ListVirtualNodesCommand({ meshName: 'ghost' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(
      cp.client.send(new ListRoutesCommand({ meshName: MESH, virtualRouterName: 'ghost' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      cp.client.send(new UpdateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'nope', spec: {} })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('refuses references to resources that do not exist, naming the field', async () => {
    const route = await failure(
      cp.client.send(
        new CreateRouteCommand({
          meshName: MESH,
          virtualRouterName: 'r',
          routeName: 'to-ghost',
          spec: routeSpec({ blue: 1, ghost: 1 }),
        }),
      ),
    );
    expect(route).toBeInstanceOf(NotFoundException);
    expect(route.message).toContain('spec.httpRoute.action.weightedTargets[1].virtualNode');
    expect(route.message).toContain('virtual node "ghost"');

    const service = await failure(
      cp.client.send(
        new CreateVirtualServiceCommand({
          meshName: MESH,
          virtualServiceName: 's.local',
          spec: serviceSpec('ghost'),
        }),
      ),
    );
    expect(service).toBeInstanceOf(NotFoundException);
    expect(service.message).toContain('spec.provider.virtualRouter.virtualRouterName');

    await cp.client.send(
      new CreateVirtualGatewayCommand({ meshName: MESH, virtualGatewayName: 'gw', spec: gatewaySpec }),
    );
    const gatewayRoute = await failure(
      cp.client.send(
        new CreateGatewayRouteCommand({
          meshName: MESH,
          virtualGatewayName: 'gw',
          gatewayRouteName: 'gr',
          spec: gatewayRouteSpec('missing.local'),
        }),
      ),
    );
    expect(gatewayRoute).toBeInstanceOf(NotFoundException);
    expect(gatewayRoute.message).toContain('virtual service "missing.local"');
  });

  it('answers ConflictException for a name that is taken', async () => {
    const error = await failure(
      cp.client.send(new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue', spec: {} })),
    );
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toContain('already exists');
  });

  it('refuses to delete what is still referenced, naming the referrer', async () => {
    const node = await failure(
      cp.client.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue' })),
    );
    expect(node).toBeInstanceOf(ResourceInUseException);
    expect(node.$metadata.httpStatusCode).toBe(409);
    expect(node.message).toContain('route "all"');

    const router = await failure(
      cp.client.send(new DeleteVirtualRouterCommand({ meshName: MESH, virtualRouterName: 'r' })),
    );
    expect(router).toBeInstanceOf(ResourceInUseException);
    expect(router.message).toContain('route "all"');

    const mesh = await failure(cp.client.send(new DeleteMeshCommand({ meshName: MESH })));
    expect(mesh).toBeInstanceOf(ResourceInUseException);

    // Still there, untouched.
    const still = await cp.client.send(
      new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'blue' }),
    );
    expect(still.virtualNode?.metadata?.version).toBe(1);
  });

  it('frees a node once the last reference to it is updated away', async () => {
    await cp.client.send(
      new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'temp', spec: nodeSpec('temp.local') }),
    );
    await cp.client.send(
      new CreateVirtualServiceCommand({
        meshName: MESH,
        virtualServiceName: 'temp.local',
        spec: { provider: { virtualNode: { virtualNodeName: 'temp' } } },
      }),
    );
    await expect(
      cp.client.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'temp' })),
    ).rejects.toThrow(/virtual service "temp\.local"/);
    await cp.client.send(
      new DeleteVirtualServiceCommand({ meshName: MESH, virtualServiceName: 'temp.local' }),
    );
    const deleted = await cp.client.send(
      new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'temp' }),
    );
    expect(deleted.virtualNode?.status?.status).toBe('DELETED');
  });
});
