// Which proxy a snapshot is for: a virtual node's sidecar or a virtual gateway.

export interface ProxyRef {
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}
