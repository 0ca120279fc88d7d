// The color mesh the API and proxy suites share: `front` calls colors.local, whose router `colors` splits
// between `blue` and `green`; created through the App Mesh SDK client against a real local control plane.

import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { Snapshot } from '../../control-plane/snapshot/index.js';
import type { TestControlPlane } from './control-plane.js';
import { nodeSpec, routerSpec, routeSpec, serviceSpec } from './fixtures.js';

/** Nodes get `nodeSpec` (each calls colors.local); the route starts at blue 3 : green 1. */
export async function createColorMesh(
  cp: TestControlPlane,
  mesh: string,
  nodes: readonly string[] = ['front', 'blue', 'green'],
): Promise<void> {
  const send = cp.client.send.bind(cp.client);
  await send(new CreateMeshCommand({ meshName: mesh }));
  for (const node of nodes) {
    await send(
      new CreateVirtualNodeCommand({
        meshName: mesh,
        virtualNodeName: node,
        spec: nodeSpec(`${node}.local`),
      }),
    );
  }
  await send(
    new CreateVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'colors', spec: routerSpec }),
  );
  await send(
    new CreateRouteCommand({
      meshName: mesh,
      virtualRouterName: 'colors',
      routeName: 'split',
      spec: routeSpec({ blue: 3, green: 1 }),
    }),
  );
  await send(
    new CreateVirtualServiceCommand({
      meshName: mesh,
      virtualServiceName: 'colors.local',
      spec: serviceSpec('colors'),
    }),
  );
}

export async function setWeights(
  cp: TestControlPlane,
  mesh: string,
  weights: Record<string, number>,
): Promise<void> {
  await cp.client.send(
    new UpdateRouteCommand({
      meshName: mesh,
      virtualRouterName: 'colors',
      routeName: 'split',
      spec: routeSpec(weights),
    }),
  );
}

/** Cluster id → weight of the colors.local route in `snapshot`. */
export function weightsOf(snapshot: Snapshot | undefined): Record<string, number> {
  const route = snapshot?.virtualServices.find((service) => service.name === 'colors.local')?.routes[0];
  return Object.fromEntries((route?.targets ?? []).map((target) => [target.cluster, target.weight]));
}
