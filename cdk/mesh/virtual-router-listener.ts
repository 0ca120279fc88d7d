// A virtual router's listeners: the ports and protocols its routes receive traffic on.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';
import { DEFAULT_LISTENER_PORT } from './virtual-node-listener.js';

/** A router listener in App Mesh's shape. */
export interface VirtualRouterListenerConfig {
  /** One `listeners[]` member of a virtual router spec. */
  readonly listener: appmesh.VirtualRouterListener;
}

/** A listener of a virtual router. */
export abstract class VirtualRouterListener {
  /** HTTP/1.1 on `port` (default 8080). */
  public static http(port?: number): VirtualRouterListener {
    return new VirtualRouterListenerImpl('http', port);
  }

  /** HTTP/2 on `port` (default 8080). */
  public static http2(port?: number): VirtualRouterListener {
    return new VirtualRouterListenerImpl('http2', port);
  }

  /** gRPC on `port` (default 8080). */
  public static grpc(port?: number): VirtualRouterListener {
    return new VirtualRouterListenerImpl('grpc', port);
  }

  /** TCP on `port` (default 8080). */
  public static tcp(port?: number): VirtualRouterListener {
    return new VirtualRouterListenerImpl('tcp', port);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): VirtualRouterListenerConfig;
}

class VirtualRouterListenerImpl extends VirtualRouterListener {
  constructor(
    private readonly protocol: 'http' | 'http2' | 'grpc' | 'tcp',
    private readonly port: number = DEFAULT_LISTENER_PORT,
  ) {
    super();
  }

  public bind(_scope: Construct): VirtualRouterListenerConfig {
    return { listener: { portMapping: { port: this.port, protocol: this.protocol } } };
  }
}
