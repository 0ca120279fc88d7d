// The snapshot contract: everything one proxy needs from the control plane, versioned by its content hash.

import { z } from 'zod';
import { clusterSchema, IP_PREFERENCES } from './clusters.js';
import { gatewayRouteSchema } from './gateway-routes.js';
import { contentHash } from './hash.js';
import { listenerSchema } from './listeners.js';
import { virtualServiceSchema } from './routes.js';

/** Bumped only on an incompatible change; a proxy refuses a schema it does not know. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Something in the mesh the snapshot could not resolve or cannot honour, and where it comes from. */
export const noteSchema = z.strictObject({
  /** `<kind>/<name>`, or `<kind>/<router or gateway>/<name>` for routes: `route/colors/blue-first`. */
  resource: z.string().min(1),
  /** Field path in that resource, e.g. `spec.httpRoute.action.weightedTargets[0].port`; `` for the whole. */
  path: z.string(),
  /** What happens and why, in words. */
  reason: z.string().min(1),
});
export type Note = z.infer<typeof noteSchema>;

/** Where access logs go and how each line looks. */
export const accessLogSchema = z.strictObject({
  /** File path; `/dev/stdout` is the usual choice. */
  path: z.string().min(1),
  /**
   * `text`: a line following `pattern` (Envoy's format operators, e.g. `%START_TIME%`);
   * `json`: one JSON object per line with these keys, in this order, each with a format string.
   * Absent: the proxy's default text format (Envoy's).
   */
  format: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('text'), pattern: z.string().min(1) }),
      z.strictObject({
        kind: z.literal('json'),
        fields: z.array(z.strictObject({ key: z.string().min(1), value: z.string().min(1) })),
      }),
    ])
    .optional(),
});
export type AccessLog = z.infer<typeof accessLogSchema>;

export const snapshotSchema = z.strictObject({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  /** sha256 (base64url) of the canonical JSON of every other member: the ETag. Equal content, equal version. */
  version: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be a base64url sha256' }),
  meshName: z.string().min(1),
  /** Changes when the mesh is deleted and created again under the same name. */
  meshUid: z.string().min(1),
  /** The virtual node or virtual gateway this snapshot is for. */
  proxy: z.strictObject({ kind: z.enum(['virtualNode', 'virtualGateway']), name: z.string().min(1) }),
  /** What the app may reach outside the mesh. */
  egressFilter: z.strictObject({
    /** `ALLOW_ALL`: any host; `DROP_ALL`: only virtual services and `allowedHostSuffixes`. @default 'DROP_ALL' */
    type: z.enum(['ALLOW_ALL', 'DROP_ALL']),
    /** Host suffixes reachable even under `DROP_ALL` (as in App Mesh, `.amazonaws.com`); empty for `ALLOW_ALL`. */
    allowedHostSuffixes: z.array(z.string().min(1)),
  }),
  /** The proxy node's IP preference (its own, else the mesh's). Absent: IPv4 toward the app and for listeners. */
  ipPreference: z.enum(IP_PREFERENCES).optional(),
  /** Inbound listeners, ascending by port. */
  listeners: z.array(listenerSchema),
  /** For a node, its backends; for a gateway, the services its routes target. Sorted by name. */
  virtualServices: z.array(virtualServiceSchema),
  /** A gateway's routes in App Mesh order (priority, then by name); empty for a virtual node. */
  gatewayRoutes: z.array(gatewayRouteSchema),
  /** Every cluster a route targets, sorted by id. */
  clusters: z.array(clusterSchema),
  /** Absent: no access log. */
  accessLog: accessLogSchema.optional(),
  /**
   * Parts of the mesh the compiler could not resolve (a missing virtual service, a target without a
   * matching listener, …); the affected requests are answered 503. Sorted.
   */
  problems: z.array(noteSchema),
  /** Valid App Mesh settings this version carries as data but does not honour. Sorted. */
  unsupported: z.array(noteSchema),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export type ParseResult = { ok: true; snapshot: Snapshot } | { ok: false; error: string };

/**
 * Checks a snapshot as received (JSON text or a parsed value): schema, content hash, and that every
 * reference inside it resolves. The error names each problem's path and rule.
 */
export function parseSnapshot(json: unknown): ParseResult {
  let input = json;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch (error) {
      return { ok: false, error: `snapshot is not JSON: ${(error as Error).message}` };
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: 'snapshot must be a JSON object' };
  }
  const schemaVersion = (input as Record<string, unknown>).schemaVersion;
  if (schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    return {
      ok: false,
      error: `schemaVersion: must be ${SNAPSHOT_SCHEMA_VERSION}, got ${JSON.stringify(schemaVersion) ?? 'nothing'}`,
    };
  }
  const result = snapshotSchema.safeParse(input);
  if (!result.success) {
    return { ok: false, error: result.error.issues.map((issue) => formatIssue(issue)).join('; ') };
  }
  const snapshot = result.data;
  const problems = referenceProblems(snapshot);
  const { version, ...content } = snapshot;
  const expected = contentHash(content);
  if (version !== expected) problems.unshift(`version: does not match the content (expected ${expected})`);
  return problems.length > 0 ? { ok: false, error: problems.join('; ') } : { ok: true, snapshot };
}

/** References inside the snapshot that do not resolve, and ids that repeat. */
function referenceProblems(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const clusterIds = new Set<string>();
  snapshot.clusters.forEach((cluster, i) => {
    if (cluster.id !== `${cluster.virtualNode}:${cluster.port}`) {
      problems.push(
        `clusters[${i}].id: must be "${cluster.virtualNode}:${cluster.port}", got "${cluster.id}"`,
      );
    }
    if (clusterIds.has(cluster.id)) problems.push(`clusters[${i}].id: must be unique, got "${cluster.id}"`);
    clusterIds.add(cluster.id);
  });
  const serviceNames = new Set<string>();
  snapshot.virtualServices.forEach((service, i) => {
    if (serviceNames.has(service.name)) {
      problems.push(`virtualServices[${i}].name: must be unique, got "${service.name}"`);
    }
    serviceNames.add(service.name);
    service.routes.forEach((route, j) => {
      route.targets.forEach((target, k) => {
        if (!clusterIds.has(target.cluster)) {
          problems.push(
            `virtualServices[${i}].routes[${j}].targets[${k}].cluster: must name a cluster, got "${target.cluster}"`,
          );
        }
      });
    });
  });
  snapshot.gatewayRoutes.forEach((route, i) => {
    if (!serviceNames.has(route.target.virtualService)) {
      problems.push(
        `gatewayRoutes[${i}].target.virtualService: must name a virtual service, got "${route.target.virtualService}"`,
      );
    }
  });
  return problems;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys.join(', ')] : [])];
  let where = '';
  for (const segment of path) {
    where +=
      typeof segment === 'number' ? `[${segment}]` : where === '' ? String(segment) : `.${String(segment)}`;
  }
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}
