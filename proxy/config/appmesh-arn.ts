// Reads App Mesh's drop-in identity, `APPMESH_RESOURCE_ARN`, into a mesh and a virtual node or gateway.

import type { ProxyIdentity } from './proxy-config.js';

const ARN_PATTERN =
  /^arn:aws[a-z-]*:appmesh:[a-z0-9-]+:\d{12}:mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/;

export const APPMESH_ARN_RULE =
  'must be arn:aws:appmesh:REGION:ACCOUNT:mesh/MESH/virtualNode/NODE or …/virtualGateway/GATEWAY';

export interface AppMeshResource {
  /** The mesh name (a shared mesh's `@owner` suffix, if any, removed). */
  readonly mesh: string;
  readonly proxy: ProxyIdentity;
}

/** The mesh and proxy an App Mesh resource ARN names, or undefined when it is not such an ARN. */
export function parseAppMeshArn(arn: string): AppMeshResource | undefined {
  const match = ARN_PATTERN.exec(arn.trim());
  if (match === null) return undefined;
  const [, mesh, kind, name] = match;
  return {
    mesh: mesh!.replace(/@.*$/, ''),
    proxy: { kind: kind as ProxyIdentity['kind'], name: name! },
  };
}
