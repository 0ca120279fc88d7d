// Reads the task's address, zone and id from the ECS task metadata endpoint, version 4 (`$ECS_CONTAINER_METADATA_URI_V4/task`).

import { requestText } from '../http/request-text.js';
import { ECS_METADATA_TIMEOUT_MS } from './constants.js';

export interface EcsTaskMetadata {
  /** The first IPv4 address of the task's network (its ENI in `awsvpc`), else its first IPv6 one. */
  readonly address?: string;
  readonly zone?: string;
  /** The last segment of the task ARN. */
  readonly taskId?: string;
}

interface TaskMetadataWire {
  TaskARN?: unknown;
  AvailabilityZone?: unknown;
  Containers?: Array<{
    Networks?: Array<{ IPv4Addresses?: unknown; IPv6Addresses?: unknown }>;
  }>;
}

/** Fetches and reads `<baseUrl>/task`; throws with the reason when it cannot. */
export async function readEcsTaskMetadata(
  baseUrl: string,
  timeoutMs = ECS_METADATA_TIMEOUT_MS,
): Promise<EcsTaskMetadata> {
  const url = `${baseUrl.replace(/\/+$/, '')}/task`;
  const { status, text } = await requestText(url, { timeoutMs });
  if (status !== 200) throw new Error(`${url} answered ${status}`);
  let wire: TaskMetadataWire;
  try {
    wire = JSON.parse(text) as TaskMetadataWire;
  } catch {
    throw new Error(`${url} did not answer JSON`);
  }
  return taskMetadataOf(wire);
}

function taskMetadataOf(wire: TaskMetadataWire): EcsTaskMetadata {
  const networks = (Array.isArray(wire.Containers) ? wire.Containers : []).flatMap((container) =>
    Array.isArray(container?.Networks) ? container.Networks : [],
  );
  const first = (key: 'IPv4Addresses' | 'IPv6Addresses') =>
    networks
      .map((network) => network?.[key])
      .find((list): list is string[] => Array.isArray(list) && typeof list[0] === 'string')?.[0];
  const address = first('IPv4Addresses') ?? first('IPv6Addresses');
  const zone = typeof wire.AvailabilityZone === 'string' ? wire.AvailabilityZone : undefined;
  const taskId = typeof wire.TaskARN === 'string' ? wire.TaskARN.split('/').pop() : undefined;
  return {
    ...(address !== undefined ? { address } : {}),
    ...(zone !== undefined && zone !== '' ? { zone } : {}),
    ...(taskId !== undefined && taskId !== '' ? { taskId } : {}),
  };
}
