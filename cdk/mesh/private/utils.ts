// Helpers shared by the mesh constructs: the custom resource each one writes through, names as specs
// carry them, durations, TLS rendering and the checks aws-appmesh made at synthesis.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import {
  Arn,
  ArnFormat,
  CustomResource,
  type Duration,
  Fn,
  Lazy,
  Names,
  Stack,
  type TagManager,
  Token,
} from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import {
  MESH_RESOURCE_TYPE,
  type MeshResourceKind,
  type MeshResourceProperties,
} from '../../control-plane/mesh-resource-properties.js';
import type { ListenerTlsOptions } from '../listener-tls-options.js';
import type { MeshControlPlaneRef } from '../shared-interfaces.js';
import type { TlsClientPolicy } from '../tls-client-policy.js';

// The contract with the provider is owned by cdk/control-plane; the constructs re-use its names.
export { MESH_RESOURCE_TYPE, type MeshResourceKind };

/** App Mesh's list limits that aws-appmesh checked at synthesis. */
export const MIN_MATCH_ITEMS = 1;
export const MAX_MATCH_ITEMS = 10;

/** A mesh construct was given something App Mesh would refuse. */
export class MeshValidationError extends Error {
  override readonly name = 'MeshValidationError';
  constructor(message: string, scope?: IConstruct) {
    super(scope ? `${scope.node.path}: ${message}` : message);
  }
}

export interface MeshResourceOptions {
  readonly kind: MeshResourceKind;
  readonly controlPlane: MeshControlPlaneRef;
  /** A token (the mesh's `Name` attribute) when the mesh is declared here: it orders creation. */
  readonly meshName: string;
  /** The router of a route, the gateway of a gateway route. */
  readonly parentName?: string;
  readonly name: string;
  /** Rendered at synthesis, so listeners, backends and routes added after construction are included. */
  readonly spec: () => object;
  readonly tags: TagManager;
}

/** The one custom resource behind a mesh construct (properties: see cdk/mesh/README.md). */
export function createMeshResource(scope: Construct, options: MeshResourceOptions): CustomResource {
  const stack = Stack.of(scope);
  const properties: Omit<MeshResourceProperties, 'ServiceToken'> = {
    Kind: options.kind,
    MeshName: options.meshName,
    ...(options.parentName !== undefined ? { ParentName: options.parentName } : {}),
    Name: options.name,
    Spec: Lazy.string({ produce: () => stack.toJsonString(compact(options.spec()) ?? {}) }),
    Tags: Lazy.string({
      produce: () => {
        const tags = options.tags.renderTags() as Record<string, string> | undefined;
        if (tags === undefined || Object.keys(tags).length === 0) return undefined;
        return stack.toJsonString(Object.entries(tags).map(([key, value]) => ({ key, value })));
      },
    }),
  };
  return new CustomResource(scope, 'Resource', {
    serviceToken: options.controlPlane.resourceServiceToken,
    resourceType: MESH_RESOURCE_TYPE,
    properties,
  });
}

/**
 * Drops `undefined` members and empty arrays/objects, so a spec carries only what was set — as the
 * App Mesh SDK sends it, and so an unchanged construct renders byte-identical JSON.
 */
export function compact<T>(value: T): T | undefined {
  if (Array.isArray(value)) {
    const items = value.map((item) => compact(item)).filter((item) => item !== undefined);
    return (items.length > 0 ? items : undefined) as T | undefined;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const kept = compact(member);
      if (kept !== undefined) out[key] = kept;
    }
    return (Object.keys(out).length > 0 ? out : undefined) as T | undefined;
  }
  return value;
}

/** App Mesh's `{ unit, value }`, in milliseconds as aws-appmesh rendered it. */
export function renderDuration(duration: Duration | undefined): appmesh.Duration | undefined {
  return duration === undefined ? undefined : { unit: 'ms', value: duration.toMilliseconds() };
}

// ---- Names as specs carry them ----

/** aws-appmesh's naming: unique in the app, at most App Mesh's 255 characters, letters and digits only. */
export function generatedName(construct: Construct): string {
  return Names.uniqueResourceName(construct, { maxLength: 255 });
}

/** The control plane a new resource of `mesh` is written through. */
export function controlPlaneOf(
  mesh: { readonly controlPlane?: MeshControlPlaneRef },
  scope: Construct,
): MeshControlPlaneRef {
  if (mesh.controlPlane === undefined) {
    throw new MeshValidationError(
      'the mesh has no control plane: import it with Mesh.fromMeshAttributes(scope, id, { meshName, controlPlane })',
      scope,
    );
  }
  return mesh.controlPlane;
}

interface Declared {
  readonly name: string;
  readonly resource: IConstruct;
}

const declared = new WeakMap<object, Declared>();

/** Remembers the plain name and custom resource of a construct declared in this app. */
export function registerDeclared(construct: object, name: string, resource: IConstruct): void {
  declared.set(construct, { name, resource });
}

/**
 * The name to write into a spec (or a metric dimension) for `ref`. For a resource declared in this app it
 * is the plain name, not the `Name` attribute: a spec then stays plain JSON, and a virtual node can name
 * as a backend the service it provides without a cycle. When `dependent` is given it is ordered after
 * `ref` (created after it, deleted before it) — what a `Fn::GetAtt` would have done.
 */
export function referenceName(ref: object, name: string, dependent?: IConstruct): string {
  const entry = declared.get(ref);
  if (entry === undefined) return name;
  dependent?.node.addDependency(entry.resource);
  return entry.name;
}

const providedServices = new WeakMap<object, object[]>();

/** Remembers that `service` (declared here) is provided by `provider` (a node or router). */
export function registerProvidedService(provider: object, service: object): void {
  const services = providedServices.get(provider) ?? [];
  services.push(service);
  providedServices.set(provider, services);
}

/** The services declared in this app that `provider` provides, in declaration order. */
export function servicesProvidedBy(provider: object): readonly object[] {
  return providedServices.get(provider) ?? [];
}

/** The grant behind `grantStreamAggregatedResources`: the control plane's proxy grant, scoped to the mesh. */
export function grantProxy(
  mesh: { readonly meshName: string; readonly controlPlane?: MeshControlPlaneRef },
  scope: Construct,
  identity: iam.IGrantable,
): iam.Grant {
  const plane = controlPlaneOf(mesh, scope);
  if (plane.grantProxy === undefined) {
    throw new MeshValidationError('the control plane cannot grant proxy access (no grantProxy)', scope);
  }
  return plane.grantProxy(identity, { meshName: referenceName(mesh, mesh.meshName) });
}

// ---- ARNs ----

/**
 * The App Mesh ARN of a resource in this stack's partition, region and account: `path` is what follows
 * `:mesh/` up to the name's kind (`MESH/virtualNode`, `MESH/virtualRouter/ROUTER/route`), or '' for a mesh.
 */
export function appMeshArn(scope: Construct, path: string, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'appmesh',
    resource: path === '' ? 'mesh' : `mesh/${path}`,
    resourceName: name,
  });
}

/**
 * The names in an App Mesh ARN's resource path (`mesh/M/virtualNode/N` → `['M', 'N']`). Literal ARNs are
 * parsed here so the names stay plain strings; tokens are split by CloudFormation.
 */
export function arnNames(scope: Construct, arn: string, count: number): string[] {
  const components = Token.isUnresolved(arn)
    ? Stack.of(scope).splitArn(arn, ArnFormat.SLASH_RESOURCE_NAME)
    : Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  const path = components.resourceName ?? '';
  const names: string[] = [];
  if (Token.isUnresolved(path)) {
    const parts = Fn.split('/', path);
    for (let index = 0; index < count; index++) names.push(Fn.select(index * 2, parts));
    return names;
  }
  const parts = path.split('/');
  for (let index = 0; index < count; index++) {
    const name = parts[index * 2];
    if (components.resource !== 'mesh' || name === undefined || name === '') {
      throw new MeshValidationError(`not an App Mesh ARN with ${count} name(s): ${arn}`, scope);
    }
    names.push(name);
  }
  return names;
}

// ---- TLS ----

export function renderTlsClientPolicy(
  scope: Construct,
  policy: TlsClientPolicy | undefined,
): appmesh.ClientPolicyTls | undefined {
  if (policy === undefined) return undefined;
  const sans = policy.validation.subjectAlternativeNames;
  return {
    enforce: policy.enforce,
    ports: policy.ports,
    certificate: policy.mutualTlsCertificate?.bind(scope).tlsCertificate as appmesh.ClientTlsCertificate,
    validation: {
      trust: policy.validation.trust.bind(scope).tlsValidationTrust,
      subjectAlternativeNames: sans ? { match: sans.bind(scope).subjectAlternativeNamesMatch } : undefined,
    },
  };
}

export function renderListenerTlsOptions(
  scope: Construct,
  tls: ListenerTlsOptions | undefined,
): appmesh.ListenerTls | undefined {
  if (tls === undefined) return undefined;
  const validation = tls.mutualTlsValidation;
  const sans = validation?.subjectAlternativeNames;
  return {
    mode: tls.mode,
    certificate: tls.certificate.bind(scope).tlsCertificate,
    validation: validation
      ? {
          trust: validation.trust.bind(scope).tlsValidationTrust as appmesh.ListenerTlsValidationContextTrust,
          subjectAlternativeNames: sans
            ? { match: sans.bind(scope).subjectAlternativeNamesMatch }
            : undefined,
        }
      : undefined,
  };
}

// ---- Checks aws-appmesh made at synthesis ----

export function validateMatchListLength(
  scope: Construct,
  what: string,
  items: readonly unknown[] | undefined,
): void {
  if (items !== undefined && (items.length < MIN_MATCH_ITEMS || items.length > MAX_MATCH_ITEMS)) {
    throw new MeshValidationError(
      `number of ${what} to match must be between ${MIN_MATCH_ITEMS} and ${MAX_MATCH_ITEMS}, got ${items.length}`,
      scope,
    );
  }
}
