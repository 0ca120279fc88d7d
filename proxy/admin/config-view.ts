// What `GET /config` shows: the snapshot in use and the proxy's identity and ports, never secrets.

import type { ProxyConfig } from '../config/proxy-config.js';
import type { SnapshotStatus } from '../control-plane/snapshot-watcher.js';

export interface ConfigView {
  readonly mesh: string;
  readonly proxy: ProxyConfig['proxy'];
  readonly instanceId: string;
  readonly platform: ProxyConfig['platform'];
  readonly advertiseAddress?: string;
  readonly zone?: string;
  /** The control plane's origin and path; credentials in the URL are never shown. */
  readonly controlPlane: string;
  readonly ports: {
    readonly ingress: ProxyConfig['ingressPorts'];
    readonly egress: number;
    readonly admin: number;
    readonly app?: ProxyConfig['appPorts'];
  };
  readonly pollIntervalSeconds: number;
  readonly drainSeconds: number;
  readonly stateDir?: string;
  /** Absent before the first valid snapshot. */
  readonly snapshot?: {
    readonly version: string;
    readonly meshUid: string;
    readonly source: SnapshotStatus['source'];
    readonly ageSeconds: number;
    readonly appliedAt: string;
  };
}

export function configView(config: ProxyConfig, snapshot: SnapshotStatus | undefined): ConfigView {
  return {
    mesh: config.mesh,
    proxy: config.proxy,
    instanceId: config.instanceId,
    platform: config.platform,
    ...(config.advertiseAddress !== undefined ? { advertiseAddress: config.advertiseAddress } : {}),
    ...(config.zone !== undefined ? { zone: config.zone } : {}),
    controlPlane: withoutCredentials(config.controlPlaneUrl),
    ports: {
      ingress: config.ingressPorts,
      egress: config.egressPort,
      admin: config.adminPort,
      ...(config.appPorts !== undefined ? { app: config.appPorts } : {}),
    },
    pollIntervalSeconds: config.pollIntervalMs / 1000,
    drainSeconds: config.drainSeconds,
    ...(config.stateDir !== undefined ? { stateDir: config.stateDir } : {}),
    ...(snapshot !== undefined
      ? {
          snapshot: {
            version: snapshot.version,
            meshUid: snapshot.meshUid,
            source: snapshot.source,
            ageSeconds: Math.floor(snapshot.ageSeconds),
            appliedAt: new Date(snapshot.appliedAt).toISOString(),
          },
        }
      : {}),
  };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.href.replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}
