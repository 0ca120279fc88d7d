// A virtual gateway's listeners: the port and protocol traffic enters the mesh on.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';
import type { HealthCheck } from './health-checks.js';
import type { ListenerTlsOptions } from './listener-tls-options.js';
import { renderListenerTlsOptions } from './private/utils.js';
import type { GrpcConnectionPool, Http2ConnectionPool, HttpConnectionPool } from './shared-interfaces.js';
import { DEFAULT_LISTENER_PORT } from './virtual-node-listener.js';

interface VirtualGatewayListenerCommonOptions {
  /**
   * The port traffic enters on.
   *
   * @default 8080
   */
  readonly port?: number;
  /**
   * Health check of the gateway's proxy.
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
}

/** An HTTP/1.1 gateway listener. */
export interface HttpGatewayListenerOptions extends VirtualGatewayListenerCommonOptions {
  /**
   * Connection limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: HttpConnectionPool;
}

/** An HTTP/2 gateway listener. */
export interface Http2GatewayListenerOptions extends VirtualGatewayListenerCommonOptions {
  /**
   * Request limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: Http2ConnectionPool;
}

/** A gRPC gateway listener. */
export interface GrpcGatewayListenerOptions extends VirtualGatewayListenerCommonOptions {
  /**
   * Request limits.
   *
   * @default - unlimited
   */
  readonly connectionPool?: GrpcConnectionPool;
}

/** A gateway listener in App Mesh's shape. */
export interface VirtualGatewayListenerConfig {
  /** One `listeners[]` member of a virtual gateway spec. */
  readonly listener: appmesh.VirtualGatewayListener;
}

type Protocol = 'http' | 'http2' | 'grpc';

interface AnyGatewayListenerOptions extends VirtualGatewayListenerCommonOptions {
  readonly connectionPool?: Partial<HttpConnectionPool & GrpcConnectionPool>;
}

/** A listener of a virtual gateway. */
export abstract class VirtualGatewayListener {
  /** An HTTP/1.1 listener. */
  public static http(options: HttpGatewayListenerOptions = {}): VirtualGatewayListener {
    return new VirtualGatewayListenerImpl('http', options);
  }

  /** An HTTP/2 listener. */
  public static http2(options: Http2GatewayListenerOptions = {}): VirtualGatewayListener {
    return new VirtualGatewayListenerImpl('http2', options);
  }

  /** A gRPC listener. */
  public static grpc(options: GrpcGatewayListenerOptions = {}): VirtualGatewayListener {
    return new VirtualGatewayListenerImpl('grpc', options);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): VirtualGatewayListenerConfig;
}

class VirtualGatewayListenerImpl extends VirtualGatewayListener {
  constructor(
    private readonly protocol: Protocol,
    private readonly options: AnyGatewayListenerOptions,
  ) {
    super();
  }

  public bind(scope: Construct): VirtualGatewayListenerConfig {
    const { options, protocol } = this;
    const port = options.port ?? DEFAULT_LISTENER_PORT;
    const pool = options.connectionPool;
    return {
      listener: {
        portMapping: { port, protocol },
        healthCheck: options.healthCheck?.bind(scope, { defaultPort: port }).virtualGatewayHealthCheck,
        tls: renderListenerTlsOptions(scope, options.tls) as appmesh.VirtualGatewayListenerTls | undefined,
        connectionPool: pool
          ? ({ [protocol]: { ...pool } } as unknown as appmesh.VirtualGatewayConnectionPool)
          : undefined,
      },
    };
  }
}
