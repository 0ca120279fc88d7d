// Learns where the proxy runs and what it advertises: ECS task metadata v4, else an EKS pod's downward-API environment, else the host.

import { hostname as osHostname } from 'node:os';
import { ECS_METADATA_ENV, EKS_ENV } from './constants.js';
import { readEcsTaskMetadata } from './ecs-task-metadata.js';
import type { Platform } from './proxy-config.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface PlatformIdentity {
  readonly platform: Platform;
  readonly address?: string;
  readonly zone?: string;
  readonly instanceId: string;
  /** Why the platform's address could not be read (reported only when an address is needed). */
  readonly problem?: string;
}

export interface PlatformOptions {
  /** @default os.hostname() */
  readonly hostname?: string;
  /** @default process.pid */
  readonly pid?: number;
  /** @default 2000 */
  readonly metadataTimeoutMs?: number;
}

export async function detectPlatform(env: Env, options: PlatformOptions = {}): Promise<PlatformIdentity> {
  const host = options.hostname ?? osHostname();
  const fallbackId = instanceIdOf(`${host}-${options.pid ?? process.pid}`);
  const metadataUrl = env[ECS_METADATA_ENV];
  if (metadataUrl !== undefined && metadataUrl !== '') {
    try {
      const task = await readEcsTaskMetadata(metadataUrl, options.metadataTimeoutMs);
      return {
        platform: 'ecs',
        ...(task.address !== undefined ? { address: task.address } : {}),
        ...(task.zone !== undefined ? { zone: task.zone } : {}),
        instanceId: task.taskId !== undefined ? instanceIdOf(task.taskId) : fallbackId,
        ...(task.address === undefined
          ? { problem: `${ECS_METADATA_ENV}: the task metadata names no IPv4 or IPv6 address` }
          : {}),
      };
    } catch (error) {
      return {
        platform: 'ecs',
        instanceId: fallbackId,
        problem: `${ECS_METADATA_ENV}: could not read the task metadata (${(error as Error).message})`,
      };
    }
  }
  const podIp = env[EKS_ENV.podIp];
  if (podIp !== undefined && podIp !== '') {
    const zone = EKS_ENV.zone.map((name) => env[name]).find((value) => value !== undefined && value !== '');
    const podName = env[EKS_ENV.podName];
    return {
      platform: 'eks',
      address: podIp,
      ...(zone !== undefined ? { zone } : {}),
      instanceId: podName !== undefined && podName !== '' ? instanceIdOf(podName) : instanceIdOf(host),
    };
  }
  return { platform: 'other', instanceId: fallbackId };
}

/** `raw` made safe as a registry endpoint id (letters, digits, `.`, `_`, `:`, `-`; at most 256). */
export function instanceIdOf(raw: string): string {
  const id = raw
    .replace(/[^A-Za-z0-9._:-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 256);
  return id === '' ? 'proxy' : id;
}
