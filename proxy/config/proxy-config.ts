// The proxy's resolved configuration: who it is, where its control plane is, and which ports it uses.

/**
 * How inbound listener ports map to local ports (the proxy's ingress ports, or the app's ports).
 * - `single`: one port for the node's only listener (a multi-listener node needs `perListener`).
 * - `perListener`: `LISTENER:PORT` pairs, ascending by listener port.
 */
export type PortAssignment =
  | { readonly kind: 'single'; readonly port: number }
  | { readonly kind: 'perListener'; readonly ports: readonly ListenerPort[] };

/** One virtual-node listener port and the local port that serves it. */
export interface ListenerPort {
  readonly listenerPort: number;
  readonly port: number;
}

/** What this proxy stands in for. */
export interface ProxyIdentity {
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

/** Where the advertised address and zone were learned. */
export type Platform = 'ecs' | 'eks' | 'other';

/** How the proxy authenticates to the control plane. */
export type ControlPlaneAuth =
  /** SigV4 with the task/pod role (service `execute-api`), for a control plane behind IAM auth. */
  { readonly mode: 'iam'; readonly region: string };

export interface ProxyConfig {
  /** Base URL of the control plane, without a trailing slash. */
  readonly controlPlaneUrl: string;
  /** @default - requests are unsigned (`--control-plane-auth none`), as a local control plane takes them */
  readonly controlPlaneAuth?: ControlPlaneAuth;
  readonly mesh: string;
  readonly proxy: ProxyIdentity;
  /** @default { kind: 'single', port: 15000 } */
  readonly ingressPorts: PortAssignment;
  /** Address the ingress listeners bind. @default '0.0.0.0' */
  readonly ingressHost: string;
  /** 0 picks a free port. @default 15001 */
  readonly egressPort: number;
  /** 0 picks a free port. @default 9901 */
  readonly adminPort: number;
  /** @default '127.0.0.1' */
  readonly adminHost: string;
  /** Where the local app listens. @default - none: the node takes no inbound traffic and is not registered */
  readonly appPorts?: PortAssignment;
  /** The address other proxies dial to reach this one. @default - from ECS task metadata or `POD_IP` */
  readonly advertiseAddress?: string;
  /** Availability zone, for zone-aware balancing. @default - from ECS task metadata or `NODE_ZONE` */
  readonly zone?: string;
  /** Registry endpoint id: the ECS task id, the pod name, else `<hostname>-<pid>`. */
  readonly instanceId: string;
  readonly platform: Platform;
  /** @default 5000 */
  readonly pollIntervalMs: number;
  /** Folder holding the last good snapshot (`snapshot.json`). @default - none: nothing is kept on disk */
  readonly stateDir?: string;
  /** @default 20 */
  readonly drainSeconds: number;
  /** @default EMF on ECS and EKS, else off; every 60 s; namespace `Tessera` */
  readonly metrics: {
    readonly mode: 'emf' | 'cloudwatch' | 'off';
    readonly intervalMs: number;
    readonly namespace: string;
  };
  /** @default off; when on, 1 request a second then 5% are sampled */
  readonly tracing: { readonly mode: 'xray' | 'off'; readonly samplingRate: number };
}
