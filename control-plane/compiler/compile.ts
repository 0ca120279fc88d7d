// Compiles the snapshot of one virtual node or virtual gateway from its mesh's resources: pure, no I/O, no clock.

import { formatProblem } from '../errors.js';
import { ALWAYS_ALLOWED_EGRESS_SUFFIX, DEFAULT_EGRESS_FILTER_TYPE } from '../model/constants.js';
import type { MeshSpec } from '../model/mesh.js';
import { validateSpec } from '../model/validate.js';
import type { IpPreference } from '../snapshot/clusters.js';
import { canonicalJson, contentHash } from '../snapshot/hash.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../snapshot/snapshot.js';
import type { ResourceRecord } from '../store/store.js';
import { accessLog } from './access-log.js';
import { ClusterSet } from './clusters.js';
import type { Context } from './context.js';
import { compileGatewayRoutes } from './gateway.js';
import { inboundListeners } from './listeners.js';
import { MeshIndex } from './mesh-index.js';
import { Notes, resourceLabel } from './notes.js';
import { compileVirtualNode } from './virtual-node.js';

export interface ProxyIdentity {
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

export interface CompileInput {
  /** The mesh record. */
  readonly mesh: ResourceRecord;
  /** Every other record of the mesh, in any order. */
  readonly resources: readonly ResourceRecord[];
  readonly proxy: ProxyIdentity;
}

/** `json` is the snapshot serialized canonically: the exact bytes to serve, equal for equal meshes. */
export type CompileResult =
  | { ok: true; snapshot: Snapshot; json: string }
  | { ok: false; reason: 'not-found' };

/**
 * The snapshot for `proxy`, or `not-found` when the node or gateway does not exist (or its spec is
 * invalid: a proxy then keeps its last good snapshot). Only what the proxy uses is read, so a change to
 * anything else leaves the snapshot, and its version, unchanged.
 */
export function compileSnapshot(input: CompileInput): CompileResult {
  const { mesh, proxy } = input;
  if (mesh.key.kind !== 'mesh') return { ok: false, reason: 'not-found' };
  const notes = new Notes();
  const meshSpec = meshSpecOf(mesh, notes);
  const meshIpPreference = meshSpec.serviceDiscovery?.ipPreference;
  const index = new MeshIndex(mesh.key.name, input.resources, notes);
  const context: Context = { index, clusters: new ClusterSet(index, notes, meshIpPreference), notes };

  const body =
    proxy.kind === 'virtualNode' ? nodeBody(proxy.name, context) : gatewayBody(proxy.name, context);
  if (body === undefined) return { ok: false, reason: 'not-found' };

  const egressType = meshSpec.egressFilter?.type ?? DEFAULT_EGRESS_FILTER_TYPE;
  const ipPreference = body.ipPreference ?? meshIpPreference;
  const content: Omit<Snapshot, 'version'> = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    meshName: mesh.key.name,
    meshUid: mesh.uid,
    proxy: { kind: proxy.kind, name: proxy.name },
    egressFilter: {
      type: egressType,
      allowedHostSuffixes: egressType === 'DROP_ALL' ? [ALWAYS_ALLOWED_EGRESS_SUFFIX] : [],
    },
    ...(ipPreference !== undefined ? { ipPreference } : {}),
    listeners: body.listeners,
    virtualServices: body.virtualServices,
    gatewayRoutes: body.gatewayRoutes,
    clusters: context.clusters.list(),
    ...(body.accessLog !== undefined ? { accessLog: body.accessLog } : {}),
    ...notes.lists(),
  };
  const json = canonicalJson({ ...content, version: contentHash(content) });
  return { ok: true, snapshot: JSON.parse(json) as Snapshot, json };
}

type Body = Pick<Snapshot, 'listeners' | 'virtualServices' | 'gatewayRoutes' | 'accessLog' | 'ipPreference'>;

function nodeBody(name: string, context: Context): Body | undefined {
  const node = context.index.get('virtualNode', name);
  if (node === undefined) return undefined;
  const discovery = node.spec.serviceDiscovery;
  const ipPreference: IpPreference | undefined = (discovery?.dns ?? discovery?.awsCloudMap)?.ipPreference;
  const log = accessLog(node.spec.logging);
  return {
    ...compileVirtualNode(node, context),
    gatewayRoutes: [],
    ...(log !== undefined ? { accessLog: log } : {}),
    ...(ipPreference !== undefined ? { ipPreference } : {}),
  };
}

function gatewayBody(name: string, context: Context): Body | undefined {
  const gateway = context.index.get('virtualGateway', name);
  if (gateway === undefined) return undefined;
  const listeners = inboundListeners(
    gateway.spec.listeners,
    { resource: gateway.label, path: 'spec.listeners' },
    context.notes,
  );
  const log = accessLog(gateway.spec.logging);
  return {
    listeners,
    ...compileGatewayRoutes(gateway, context),
    ...(log !== undefined ? { accessLog: log } : {}),
  };
}

/** The mesh's spec; an invalid one is noted and read as `{}` (egress `DROP_ALL`: closed, not open). */
function meshSpecOf(mesh: ResourceRecord, notes: Notes): MeshSpec {
  const result = validateSpec('mesh', mesh.spec);
  if (result.ok) return result.spec;
  notes.problem(
    { resource: resourceLabel(mesh.key), path: 'spec' },
    `is invalid and ignored (egress DROP_ALL): ${result.problems.map(formatProblem).join('; ')}`,
  );
  return {};
}
