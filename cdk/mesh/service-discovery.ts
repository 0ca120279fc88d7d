// How callers find a virtual node's endpoints (DNS or Cloud Map) and which IP version a mesh prefers.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type * as cloudmap from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';

/** IP versions for service discovery and for the proxy's traffic to its app. */
export enum IpPreference {
  /** Only IPv4. */
  IPV4_ONLY = 'IPv4_ONLY',
  /** IPv4 first, then IPv6. */
  IPV4_PREFERRED = 'IPv4_PREFERRED',
  /** Only IPv6. */
  IPV6_ONLY = 'IPv6_ONLY',
  /** IPv6 first, then IPv4. */
  IPV6_PREFERRED = 'IPv6_PREFERRED',
}

/** Service discovery settings of a whole mesh. */
export interface MeshServiceDiscovery {
  /**
   * IP preference of every virtual node that sets none.
   *
   * @default - none: listeners bind IPv4, DNS prefers IPv6, Cloud Map prefers IPv4
   */
  readonly ipPreference?: IpPreference;
}

/** What DNS discovery takes from an answer. */
export enum DnsResponseType {
  /** One address at a time, load-balanced by DNS; connections to dropped addresses are kept. */
  LOAD_BALANCER = 'LOADBALANCER',
  /** Every address answered; connections to addresses no longer answered are drained. */
  ENDPOINTS = 'ENDPOINTS',
}

/** Service discovery in App Mesh's shape (one member set). */
export interface ServiceDiscoveryConfig {
  /**
   * DNS discovery.
   *
   * @default - not DNS
   */
  readonly dns?: appmesh.DnsServiceDiscovery;
  /**
   * Cloud Map discovery.
   *
   * @default - not Cloud Map
   */
  readonly cloudmap?: appmesh.AwsCloudMapServiceDiscovery;
}

/** How callers find a virtual node's endpoints. */
export abstract class ServiceDiscovery {
  /**
   * Endpoints are the addresses `hostname` resolves to.
   *
   * @param responseType @default DnsResponseType.LOAD_BALANCER
   * @param ipPreference @default - the mesh's
   */
  public static dns(
    hostname: string,
    responseType?: DnsResponseType,
    ipPreference?: IpPreference,
  ): ServiceDiscovery {
    return new (class extends ServiceDiscovery {
      public bind(_scope: Construct): ServiceDiscoveryConfig {
        return { dns: { hostname, responseType, ipPreference } };
      }
    })();
  }

  /**
   * Endpoints are the instances of a Cloud Map service. (Tessera also registers ECS tasks whose
   * task-definition family the attribute `ECS_TASK_DEFINITION_FAMILY` names.)
   *
   * @param instanceAttributes only instances with all of these attributes @default - every instance
   * @param ipPreference @default - the mesh's
   */
  public static cloudMap(
    service: cloudmap.IService,
    instanceAttributes?: { readonly [key: string]: string },
    ipPreference?: IpPreference,
  ): ServiceDiscovery {
    return new (class extends ServiceDiscovery {
      public bind(_scope: Construct): ServiceDiscoveryConfig {
        const attributes = instanceAttributes
          ? Object.entries(instanceAttributes).map(([key, value]) => ({ key, value }))
          : undefined;
        return {
          cloudmap: {
            namespaceName: service.namespace.namespaceName,
            serviceName: service.serviceName,
            attributes,
            ipPreference,
          },
        };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): ServiceDiscoveryConfig;
}
