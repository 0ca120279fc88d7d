// A virtual node's listeners: the port and protocol its app serves, with health check, TLS, timeouts,
// outlier detection and connection pool.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';
import type { HealthCheck } from './health-checks.js';
import type { ListenerTlsOptions } from './listener-tls-options.js';
import { renderDuration, renderListenerTlsOptions } from './private/utils.js';
import type {
  GrpcConnectionPool,
  GrpcTimeout,
  Http2ConnectionPool,
  HttpConnectionPool,
  HttpTimeout,
  OutlierDetection,
  TcpConnectionPool,
  TcpTimeout,
} from './shared-interfaces.js';

/** The port a listener uses when none is given, as in aws-appmesh. */
export const DEFAULT_LISTENER_PORT = 8080;

/** A listener in App Mesh's shape. */
export interface VirtualNodeListenerConfig {
  /** One `listeners[]` member of a virtual node spec. */
  readonly listener: appmesh.Listener;
}

interface VirtualNodeListenerCommonOptions {
  /**
   * The port the app serves on.
   *
   * @default 8080
   */
  readonly port?: number;
  /**
   * Health check of the app behind this listener.
   *
   * @default - none
   */
  readonly healthCheck?: HealthCheck;
  /**
   * TLS the listener terminates.
   *
   * @default - plaintext
   */
  readonly tls?: ListenerTlsOptions;
  /**
   * When callers eject one of this node's hosts.
   *
   * @default - no ejection
   */
  readonly outlierDetection?: OutlierDetection;
}

interface CommonHttpVirtualNodeListenerOptions extends VirtualNodeListenerCommonOptions {
  /**
   * Request and idle timeouts.
   *
   * @default - 15 s per request, 300 s idle
   */
  readonly timeout?: HttpTimeout;
}

/** An HTTP/1.1 listener. */
export interface HttpVirtualNodeListenerOptions extends CommonHttpVirtualNodeListenerOptions {
  /**
   * Connection limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: HttpConnectionPool;
}

/** An HTTP/2 listener. */
export interface Http2VirtualNodeListenerOptions extends CommonHttpVirtualNodeListenerOptions {
  /**
   * Request limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: Http2ConnectionPool;
}

/** A gRPC listener. */
export interface GrpcVirtualNodeListenerOptions extends VirtualNodeListenerCommonOptions {
  /**
   * Request and idle timeouts.
   *
   * @default - 15 s per request, 300 s idle
   */
  readonly timeout?: GrpcTimeout;
  /**
   * Request limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: GrpcConnectionPool;
}

/** A TCP listener. */
export interface TcpVirtualNodeListenerOptions extends VirtualNodeListenerCommonOptions {
  /**
   * Idle timeout.
   *
   * @default - 300 s
   */
  readonly timeout?: TcpTimeout;
  /**
   * Connection limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: TcpConnectionPool;
}

type Protocol = 'http' | 'http2' | 'grpc' | 'tcp';

interface AnyListenerOptions extends VirtualNodeListenerCommonOptions {
  readonly timeout?: HttpTimeout;
  readonly connectionPool?: Partial<HttpConnectionPool & GrpcConnectionPool>;
}

/** A listener of a virtual node. */
export abstract class VirtualNodeListener {
  /** An HTTP/1.1 listener. */
  public static http(props: HttpVirtualNodeListenerOptions = {}): VirtualNodeListener {
    return new VirtualNodeListenerImpl('http', props);
  }

  /** An HTTP/2 listener. */
  public static http2(props: Http2VirtualNodeListenerOptions = {}): VirtualNodeListener {
    return new VirtualNodeListenerImpl('http2', props);
  }

  /** A gRPC listener. */
  public static grpc(props: GrpcVirtualNodeListenerOptions = {}): VirtualNodeListener {
    return new VirtualNodeListenerImpl('grpc', props);
  }

  /** A TCP listener. */
  public static tcp(props: TcpVirtualNodeListenerOptions = {}): VirtualNodeListener {
    return new VirtualNodeListenerImpl('tcp', props);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): VirtualNodeListenerConfig;
}

class VirtualNodeListenerImpl extends VirtualNodeListener {
  constructor(
    private readonly protocol: Protocol,
    private readonly options: AnyListenerOptions,
  ) {
    super();
  }

  public bind(scope: Construct): VirtualNodeListenerConfig {
    const { options, protocol } = this;
    const port = options.port ?? DEFAULT_LISTENER_PORT;
    const outlier = options.outlierDetection;
    const timeout = options.timeout;
    const pool = options.connectionPool;
    return {
      listener: {
        portMapping: { port, protocol },
        healthCheck: options.healthCheck?.bind(scope, { defaultPort: port }).virtualNodeHealthCheck,
        tls: renderListenerTlsOptions(scope, options.tls),
        // The member named by the protocol carries the settings, as App Mesh's unions require.
        timeout: timeout
          ? ({
              [protocol]: {
                idle: renderDuration(timeout.idle),
                perRequest: renderDuration(timeout.perRequest),
              },
            } as unknown as appmesh.ListenerTimeout)
          : undefined,
        connectionPool: pool
          ? ({ [protocol]: { ...pool } } as unknown as appmesh.VirtualNodeConnectionPool)
          : undefined,
        outlierDetection: outlier
          ? {
              maxServerErrors: outlier.maxServerErrors,
              interval: renderDuration(outlier.interval),
              baseEjectionDuration: renderDuration(outlier.baseEjectionDuration),
              maxEjectionPercent: outlier.maxEjectionPercent,
            }
          : undefined,
      },
    };
  }
}
