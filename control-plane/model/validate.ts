// Validates a resource spec as received on the wire and returns it typed, or every problem found.

import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { type GatewayRouteSpec, gatewayRouteSpec } from './gateway-route.js';
import { ruleText, toProblems } from './issues.js';
import type { Kind } from './kinds.js';
import { type MeshSpec, meshSpec, withMeshDefaults } from './mesh.js';
import { type RouteSpec, routeSpec } from './route.js';
import { type VirtualGatewaySpec, virtualGatewaySpec } from './virtual-gateway.js';
import { type VirtualNodeSpec, virtualNodeSpec } from './virtual-node.js';
import { type VirtualRouterSpec, virtualRouterSpec } from './virtual-router.js';
import { type VirtualServiceSpec, virtualServiceSpec } from './virtual-service.js';

interface Specs {
  mesh: MeshSpec;
  virtualService: VirtualServiceSpec;
  virtualNode: VirtualNodeSpec;
  virtualRouter: VirtualRouterSpec;
  route: RouteSpec;
  virtualGateway: VirtualGatewaySpec;
  gatewayRoute: GatewayRouteSpec;
}

/** The spec type of each kind. */
export type SpecOf<K extends Kind> = Specs[K];

/** The zod schema of each kind's spec. */
export const SPEC_SCHEMAS: { readonly [K in Kind]: z.ZodType<Specs[K]> } = {
  mesh: meshSpec,
  virtualService: virtualServiceSpec,
  virtualNode: virtualNodeSpec,
  virtualRouter: virtualRouterSpec,
  route: routeSpec,
  virtualGateway: virtualGatewaySpec,
  gatewayRoute: gatewayRouteSpec,
};

export type SpecResult<K extends Kind> = { ok: true; spec: SpecOf<K> } | { ok: false; problems: Problem[] };

/**
 * Validate a spec as received on the wire (the `spec` member of a Create/Update request body).
 * Problems' paths start with `spec.`. A missing spec is `{}` for a mesh and a problem for the others.
 * A mesh without `egressFilter` comes back with `{ type: 'DROP_ALL' }`, as App Mesh stores it.
 */
export function validateSpec<K extends Kind>(kind: K, input: unknown): SpecResult<K> {
  if (input === undefined) {
    if (kind !== 'mesh') return { ok: false, problems: [{ path: 'spec', rule: 'is required' }] };
    input = {};
  }
  const result = SPEC_SCHEMAS[kind].safeParse(input, { error: ruleText });
  if (!result.success) return { ok: false, problems: toProblems('spec', input, result.error.issues) };
  const spec = kind === 'mesh' ? withMeshDefaults(result.data as MeshSpec) : result.data;
  return { ok: true, spec: spec as SpecOf<K> };
}
