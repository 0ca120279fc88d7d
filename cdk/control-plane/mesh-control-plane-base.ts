// What every Tessera control plane offers, made here or imported: its endpoint, the mesh-resource
// provider's ServiceToken, and the grants (IAM policies on the HTTP API's routes) and principal bindings.

import { CustomResource, Resource, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { PRINCIPAL_BINDING_TYPE, type PrincipalBindingProperties } from './mesh-resource-properties.js';

/** The routes a sidecar proxy calls (lambda/api.ts serves them; proxy/control-plane/ calls them). */
const PROXY_ROUTES = [
  ['GET', 'virtualNodes/*/snapshot'],
  ['GET', 'virtualGateways/*/snapshot'],
  ['GET', 'endpoints'],
  ['PUT', 'virtualNodes/*/endpoints/*'],
  ['DELETE', 'virtualNodes/*/endpoints/*'],
] as const;

export interface GrantProxyOptions {
  /** Limit the grant to one mesh. @default - every mesh */
  readonly meshName?: string;
}

export interface PrincipalBindingOptions {
  readonly meshName: string;
  readonly virtualNodeName: string;
  /** The sidecar's task role (ECS) or pod role (EKS). */
  readonly principal: iam.IRole;
}

/** A Tessera control plane, made here or imported. */
export interface IMeshControlPlane extends IConstruct {
  /** The base URL of the App Mesh API and the proxy routes (`https://ID.execute-api.REGION.amazonaws.com`). */
  readonly endpointUrl: string;
  /** The HTTP API's id. */
  readonly apiId: string;
  /** The ServiceToken of `Custom::TesseraMeshResource` resources (the provider function's ARN). */
  readonly resourceServiceToken: string;
  /** What a sidecar proxy needs: read snapshots and endpoints, register its own endpoint. */
  grantProxy(grantee: iam.IGrantable, options?: GrantProxyOptions): Grant;
  /** Every operation of the App Mesh API and the proxy routes. */
  grantAdmin(grantee: iam.IGrantable): Grant;
  /**
   * Lets `principal` register endpoints of the virtual node: behind IAM auth the registry refuses a
   * registration from a principal not bound to the node. A self-registering sidecar needs this and
   * `grantProxy`. Made in `scope` (the workload's stack), as a `Custom::TesseraPrincipalBinding`.
   */
  bindPrincipal(scope: Construct, id: string, options: PrincipalBindingOptions): CustomResource;
}

export interface MeshControlPlaneAttributes {
  readonly apiId: string;
  /** @default - the ARN of no function: the imported control plane cannot back mesh resources */
  readonly resourceServiceToken?: string;
  /** @default `https://${apiId}.execute-api.${region}.${urlSuffix}` */
  readonly endpointUrl?: string;
}

/** Grants and bindings, from the API id and the ServiceToken alone. */
export abstract class MeshControlPlaneBase extends Resource implements IMeshControlPlane {
  abstract readonly endpointUrl: string;
  abstract readonly apiId: string;
  abstract readonly resourceServiceToken: string;

  grantProxy(grantee: iam.IGrantable, options: GrantProxyOptions = {}): Grant {
    const mesh = options.meshName ?? '*';
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: PROXY_ROUTES.map(([method, path]) =>
        this.#executeApiArn(method, `/tessera/v1/meshes/${mesh}/${path}`),
      ),
    });
  }

  grantAdmin(grantee: iam.IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.#executeApiArn('*', '/*')],
    });
  }

  bindPrincipal(scope: Construct, id: string, options: PrincipalBindingOptions): CustomResource {
    const properties: Omit<PrincipalBindingProperties, 'ServiceToken'> = {
      MeshName: options.meshName,
      VirtualNodeName: options.virtualNodeName,
      PrincipalArn: options.principal.roleArn,
    };
    return new CustomResource(scope, id, {
      serviceToken: this.resourceServiceToken,
      resourceType: PRINCIPAL_BINDING_TYPE,
      properties,
    });
  }

  /** `arn:…:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH`, what IAM checks for an HTTP API route. */
  #executeApiArn(method: string, path: string): string {
    return Stack.of(this).formatArn({
      service: 'execute-api',
      resource: this.apiId,
      resourceName: `*/${method}${path}`,
    });
  }
}
