// Active health checks a proxy runs against its own app, per listener.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MeshValidationError } from './private/utils.js';

const MIN_THRESHOLD = 2;
const MAX_THRESHOLD = 10;
const MIN_INTERVAL_MS = 5_000;
const MAX_INTERVAL_MS = 300_000;
const MIN_TIMEOUT_MS = 2_000;
const MAX_TIMEOUT_MS = 60_000;

interface HealthCheckCommonOptions {
  /**
   * Consecutive successes that make the listener healthy.
   *
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Time between checks (5–300 s).
   *
   * @default Duration.seconds(5)
   */
  readonly interval?: Duration;
  /**
   * How long a check waits for an answer (2–60 s).
   *
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures that make the listener unhealthy.
   *
   * @default 2
   */
  readonly unhealthyThreshold?: number;
}

/** An HTTP or HTTP/2 health check. */
export interface HttpHealthCheckOptions extends HealthCheckCommonOptions {
  /**
   * The path requested.
   *
   * @default /
   */
  readonly path?: string;
}

/** A gRPC health check (the gRPC health checking protocol). */
export interface GrpcHealthCheckOptions extends HealthCheckCommonOptions {}

/** A TCP health check (a connection is opened). */
export interface TcpHealthCheckOptions extends HealthCheckCommonOptions {}

/** A health check in App Mesh's shape. */
export interface HealthCheckConfig {
  /**
   * A virtual node listener's `healthCheck`.
   *
   * @default - none
   */
  readonly virtualNodeHealthCheck?: appmesh.HealthCheckPolicy;
  /**
   * A virtual gateway listener's `healthCheck`.
   *
   * @default - none
   */
  readonly virtualGatewayHealthCheck?: appmesh.VirtualGatewayHealthCheckPolicy;
}

/** What the listener tells its health check. */
export interface HealthCheckBindOptions {
  /**
   * The port checked: the listener's.
   *
   * @default - none
   */
  readonly defaultPort?: number;
}

type Protocol = 'http' | 'http2' | 'grpc' | 'tcp';

/** A listener's health check. */
export abstract class HealthCheck {
  /** HTTP GET of `path`; 2xx is healthy. */
  public static http(options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheckImpl('http', options, options.path ?? '/');
  }

  /** HTTP/2 GET of `path`; 2xx is healthy. */
  public static http2(options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheckImpl('http2', options, options.path ?? '/');
  }

  /** gRPC health checking protocol. */
  public static grpc(options: GrpcHealthCheckOptions = {}): HealthCheck {
    return new HealthCheckImpl('grpc', options, undefined);
  }

  /** A TCP connection. */
  public static tcp(options: TcpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheckImpl('tcp', options, undefined);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct, options: HealthCheckBindOptions): HealthCheckConfig;
}

class HealthCheckImpl extends HealthCheck {
  private readonly healthyThreshold: number;
  private readonly unhealthyThreshold: number;
  private readonly intervalMillis: number;
  private readonly timeoutMillis: number;

  constructor(
    private readonly protocol: Protocol,
    options: HealthCheckCommonOptions,
    private readonly path: string | undefined,
  ) {
    super();
    this.healthyThreshold = options.healthyThreshold ?? 2;
    this.unhealthyThreshold = options.unhealthyThreshold ?? 2;
    this.intervalMillis = (options.interval ?? Duration.seconds(5)).toMilliseconds();
    this.timeoutMillis = (options.timeout ?? Duration.seconds(2)).toMilliseconds();
    for (const [name, value] of [
      ['healthyThreshold', this.healthyThreshold],
      ['unhealthyThreshold', this.unhealthyThreshold],
    ] as const) {
      if (value < MIN_THRESHOLD || value > MAX_THRESHOLD) {
        throw new MeshValidationError(
          `${name} must be between ${MIN_THRESHOLD} and ${MAX_THRESHOLD}, got ${value}`,
        );
      }
    }
    if (this.intervalMillis < MIN_INTERVAL_MS || this.intervalMillis > MAX_INTERVAL_MS) {
      throw new MeshValidationError(
        `interval must be between 5 and 300 seconds, got ${this.intervalMillis} ms`,
      );
    }
    if (this.timeoutMillis < MIN_TIMEOUT_MS || this.timeoutMillis > MAX_TIMEOUT_MS) {
      throw new MeshValidationError(`timeout must be between 2 and 60 seconds, got ${this.timeoutMillis} ms`);
    }
  }

  public bind(_scope: Construct, options: HealthCheckBindOptions): HealthCheckConfig {
    const check = {
      healthyThreshold: this.healthyThreshold,
      unhealthyThreshold: this.unhealthyThreshold,
      intervalMillis: this.intervalMillis,
      timeoutMillis: this.timeoutMillis,
      path: this.path,
      port: options.defaultPort,
    };
    return {
      virtualNodeHealthCheck: { ...check, protocol: this.protocol },
      // App Mesh gateways have no tcp health check; the control plane reports it if one is given.
      virtualGatewayHealthCheck: { ...check, protocol: this.protocol as 'http' | 'http2' | 'grpc' },
    };
  }
}
