// A small, realistic mesh — the color app App Mesh's own walkthroughs use — as App Mesh API inputs.

export const MESH = 'colors';

export const meshSpec = { egressFilter: { type: 'ALLOW_ALL' as const } };

export const nodeSpec = (hostname: string) => ({
  listeners: [
    {
      portMapping: { port: 8080, protocol: 'http' as const },
      healthCheck: {
        protocol: 'http' as const,
        path: '/ping',
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        intervalMillis: 5000,
        timeoutMillis: 2000,
      },
      timeout: { http: { perRequest: { unit: 's' as const, value: 10 } } },
    },
  ],
  serviceDiscovery: { dns: { hostname } },
  backends: [{ virtualService: { virtualServiceName: 'colors.local' } }],
});

export const routerSpec = { listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }] };

export const routeSpec = (targets: Record<string, number>) => ({
  priority: 10,
  httpRoute: {
    match: { prefix: '/' },
    action: {
      weightedTargets: Object.entries(targets).map(([virtualNode, weight]) => ({ virtualNode, weight })),
    },
    retryPolicy: {
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms' as const, value: 500 },
      httpRetryEvents: ['server-error', 'gateway-error'],
      tcpRetryEvents: ['connection-error' as const],
    },
  },
});

export const serviceSpec = (virtualRouterName: string) => ({
  provider: { virtualRouter: { virtualRouterName } },
});

export const gatewaySpec = { listeners: [{ portMapping: { port: 9080, protocol: 'http' as const } }] };

export const gatewayRouteSpec = (virtualServiceName: string) => ({
  httpRoute: { match: { prefix: '/colors' }, action: { target: { virtualService: { virtualServiceName } } } },
});
