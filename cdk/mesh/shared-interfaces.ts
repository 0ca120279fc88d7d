// Value types shared by the mesh constructs: timeouts, outlier detection, connection pools, access logs,
// backends, and the reference to the control plane every mesh resource is written through.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { MeshValidationError, referenceName, renderTlsClientPolicy } from './private/utils.js';
import type { TlsClientPolicy } from './tls-client-policy.js';
import type { IVirtualService } from './virtual-service.js';

/**
 * What a mesh needs from the control plane: the service token of its custom resource handler, and
 * optionally proxy grants. `MeshControlPlane` (cdk/control-plane) satisfies it.
 */
export interface MeshControlPlaneRef {
  /** The ARN of the function that handles `Custom::TesseraMeshResource`. */
  readonly resourceServiceToken: string;
  /**
   * Grants what a sidecar proxy needs; backs `grantStreamAggregatedResources` on nodes and gateways.
   *
   * @default - not available: `grantStreamAggregatedResources` throws
   */
  grantProxy?(grantee: iam.IGrantable, options?: { readonly meshName?: string }): iam.Grant;
}

/** Timeouts of an HTTP or HTTP/2 listener or route. */
export interface HttpTimeout {
  /**
   * How long a connection may stay idle.
   *
   * @default - 300 s (the listener's, for a route)
   */
  readonly idle?: Duration;
  /**
   * How long a request may take, retries included. Zero disables it.
   *
   * @default - 15 s
   */
  readonly perRequest?: Duration;
}

/** Timeouts of a gRPC listener or route. */
export interface GrpcTimeout {
  /**
   * How long a connection may stay idle.
   *
   * @default - 300 s
   */
  readonly idle?: Duration;
  /**
   * How long a call may take, retries included. Zero disables it.
   *
   * @default - 15 s
   */
  readonly perRequest?: Duration;
}

/** Timeouts of a TCP listener or route. */
export interface TcpTimeout {
  /**
   * How long a connection may stay idle.
   *
   * @default - 300 s
   */
  readonly idle?: Duration;
}

/** When the callers of a listener eject one of its hosts from their load balancing. */
export interface OutlierDetection {
  /** How long a host is ejected the first time (multiplied by the number of times it was ejected). */
  readonly baseEjectionDuration: Duration;
  /** How often hosts are checked. */
  readonly interval: Duration;
  /** At most this percentage of the hosts is ejected (at least one host may always be). */
  readonly maxEjectionPercent: number;
  /** Consecutive 5xx responses that eject a host. */
  readonly maxServerErrors: number;
}

/** Connection pool of an HTTP/1.1 listener. */
export interface HttpConnectionPool {
  /** Connections to the app's hosts at most. */
  readonly maxConnections: number;
  /** Requests queued waiting for a connection at most. */
  readonly maxPendingRequests: number;
}

/** Connection pool of a TCP listener. */
export interface TcpConnectionPool {
  /** Connections to the app's hosts at most. */
  readonly maxConnections: number;
}

/** Connection pool of a gRPC listener. */
export interface GrpcConnectionPool {
  /** Concurrent requests at most. */
  readonly maxRequests: number;
}

/** Connection pool of an HTTP/2 listener. */
export interface Http2ConnectionPool {
  /** Concurrent requests at most. */
  readonly maxRequests: number;
}

// ---- Access logs ----

/** The access log of a virtual node or gateway, in App Mesh's shape. */
export interface AccessLogConfig {
  /**
   * A virtual node's `logging.accessLog`.
   *
   * @default - no access logging
   */
  readonly virtualNodeAccessLog?: appmesh.AccessLog;
  /**
   * A virtual gateway's `logging.accessLog`.
   *
   * @default - no access logging
   */
  readonly virtualGatewayAccessLog?: appmesh.VirtualGatewayAccessLog;
}

/** Where a proxy writes its access log. */
export abstract class AccessLog {
  /** Write the access log to a file (`/dev/stdout` to send it to the container's log). */
  public static fromFilePath(filePath: string, loggingFormat?: LoggingFormat): AccessLog {
    return new FileAccessLog(filePath, loggingFormat);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): AccessLogConfig;
}

class FileAccessLog extends AccessLog {
  constructor(
    private readonly filePath: string,
    private readonly format: LoggingFormat | undefined,
  ) {
    super();
  }

  public bind(_scope: Construct): AccessLogConfig {
    const file = { path: this.filePath, format: this.format?.bind().formatConfig };
    return { virtualNodeAccessLog: { file }, virtualGatewayAccessLog: { file } };
  }
}

/** The format of an access log, in App Mesh's shape. */
export interface LoggingFormatConfig {
  /**
   * `text` or `json`.
   *
   * @default - App Mesh's default text format
   */
  readonly formatConfig?: appmesh.LoggingFormat;
}

/** How each access log line is written. */
export abstract class LoggingFormat {
  /** A text line from an Envoy-style format string (`%START_TIME% %RESPONSE_CODE%`…). */
  public static fromText(text: string): LoggingFormat {
    return new (class extends LoggingFormat {
      public bind(): LoggingFormatConfig {
        return { formatConfig: { text } };
      }
    })();
  }

  /** A JSON object per line; each value is an Envoy-style format string. */
  public static fromJson(jsonLoggingFormat: { readonly [key: string]: string }): LoggingFormat {
    const json = Object.entries(jsonLoggingFormat).map(([key, value]) => ({ key, value }));
    if (json.length === 0) throw new MeshValidationError('JSON logging format needs at least one key');
    return new (class extends LoggingFormat {
      public bind(): LoggingFormatConfig {
        return { formatConfig: { json } };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(): LoggingFormatConfig;
}

// ---- Backends ----

/** TLS a node or gateway uses toward every backend unless the backend says otherwise. */
export interface BackendDefaults {
  /**
   * TLS client policy for every backend.
   *
   * @default - no TLS toward backends
   */
  readonly tlsClientPolicy?: TlsClientPolicy;
}

/** Options of one virtual service backend. */
export interface VirtualServiceBackendOptions {
  /**
   * TLS client policy toward this service.
   *
   * @default - the node's backend defaults
   */
  readonly tlsClientPolicy?: TlsClientPolicy;
}

/** A backend, in App Mesh's shape. */
export interface BackendConfig {
  /** `backends[]` member of a virtual node spec. */
  readonly virtualServiceBackend: appmesh.Backend;
}

/** A service a virtual node calls. */
export abstract class Backend {
  /** The node calls `virtualService`. */
  public static virtualService(
    virtualService: IVirtualService,
    props: VirtualServiceBackendOptions = {},
  ): Backend {
    return new VirtualServiceBackend(virtualService, props.tlsClientPolicy);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): BackendConfig;
}

class VirtualServiceBackend extends Backend {
  constructor(
    private readonly virtualService: IVirtualService,
    private readonly tlsClientPolicy: TlsClientPolicy | undefined,
  ) {
    super();
  }

  public bind(scope: Construct): BackendConfig {
    // No dependency on the service: App Mesh accepts backends that do not exist yet, and two nodes that
    // call each other's services would otherwise form a cycle (node → service → provider node → …).
    const virtualServiceName = referenceName(this.virtualService, this.virtualService.virtualServiceName);
    const tls = renderTlsClientPolicy(scope, this.tlsClientPolicy);
    return {
      virtualServiceBackend: {
        virtualService: { virtualServiceName, clientPolicy: tls ? { tls } : undefined },
      },
    };
  }
}
