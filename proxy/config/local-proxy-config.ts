// A proxy configuration for a run on this machine (`tessera dev`, tests): loopback everywhere, free ports,
// quick polling, a short drain, telemetry off.

import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SAMPLING_RATE } from './constants.js';
import type { ProxyConfig } from './proxy-config.js';

let instances = 0;

export function localProxyConfig(
  base: Pick<ProxyConfig, 'controlPlaneUrl' | 'mesh' | 'proxy'> & Partial<ProxyConfig>,
): ProxyConfig {
  return {
    ingressPorts: { kind: 'single', port: 0 },
    egressPort: 0,
    adminPort: 0,
    adminHost: '127.0.0.1',
    ingressHost: '127.0.0.1',
    advertiseAddress: '127.0.0.1',
    instanceId: `${base.proxy.name}-${process.pid}-${++instances}`,
    platform: 'other',
    pollIntervalMs: 1_000,
    drainSeconds: 1,
    metrics: { mode: 'off', intervalMs: 60_000, namespace: DEFAULT_METRICS_NAMESPACE },
    tracing: { mode: 'off', samplingRate: DEFAULT_SAMPLING_RATE },
    ...base,
  };
}
