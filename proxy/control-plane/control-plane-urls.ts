// The control plane's proxy-facing paths: snapshots, the endpoint registry, and endpoint reads.

export interface ProxyRef {
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

const seg = encodeURIComponent;

function meshBase(baseUrl: string, mesh: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/tessera/v1/meshes/${seg(mesh)}`;
}

export function snapshotUrl(baseUrl: string, mesh: string, proxy: ProxyRef): string {
  const collection = proxy.kind === 'virtualNode' ? 'virtualNodes' : 'virtualGateways';
  return `${meshBase(baseUrl, mesh)}/${collection}/${seg(proxy.name)}/snapshot`;
}

export function endpointUrl(baseUrl: string, mesh: string, virtualNode: string, endpointId: string): string {
  return `${meshBase(baseUrl, mesh)}/virtualNodes/${seg(virtualNode)}/endpoints/${seg(endpointId)}`;
}

export function endpointsReadUrl(baseUrl: string, mesh: string, virtualNodes: readonly string[]): string {
  const query = virtualNodes.map((node) => `virtualNode=${seg(node)}`).join('&');
  return `${meshBase(baseUrl, mesh)}/endpoints?${query}`;
}
