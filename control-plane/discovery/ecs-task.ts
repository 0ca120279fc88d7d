// An ECS task as discovery sees it, converted in one place from either wire form: the `detail` of an
// EventBridge "ECS Task State Change" event or a DescribeTasks task (the same camelCase shape).

/** The members of an ECS task that discovery reads; both wire forms have them. */
export interface EcsTaskShape {
  readonly taskArn?: string;
  readonly clusterArn?: string;
  readonly taskDefinitionArn?: string;
  /** `service:<name>` for a service's tasks, `family:<family>` or a custom group for RunTask. */
  readonly group?: string;
  readonly availabilityZone?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly attachments?: readonly {
    /** `eni` in events, `ElasticNetworkInterface` in DescribeTasks. */
    readonly type?: string;
    readonly details?: readonly { readonly name?: string; readonly value?: string }[];
  }[];
}

/** What the task means for discovery right now. */
export type EcsTaskState =
  /** Serving: last and desired status RUNNING. */
  | 'running'
  /** Going or gone: desired STOPPED, or last status past RUNNING. Its endpoint must go at once. */
  | 'stopping'
  /** Not serving yet (PROVISIONING, PENDING, ACTIVATING): nothing to do. */
  | 'starting';

export interface EcsTask {
  readonly taskArn: string;
  /** The last segment of the task ARN; the endpoint id. */
  readonly taskId: string;
  readonly clusterArn: string;
  /** `<family>` of `…:task-definition/<family>:<revision>`. */
  readonly family: string;
  /** `<name>` of the group `service:<name>`; undefined for tasks not started by a service. */
  readonly serviceName?: string;
  readonly availabilityZone?: string;
  /** The region in the task ARN. */
  readonly region: string;
  readonly state: EcsTaskState;
  /** The task ENI's private IPv4 address (else its IPv6 address); undefined without an ENI (bridge/host). */
  readonly address?: string;
}

export type EcsTaskResult =
  | { readonly ok: true; readonly task: EcsTask }
  | { readonly ok: false; readonly reason: string };

const ENI_TYPES = new Set(['eni', 'ElasticNetworkInterface']);
const STOPPING_STATUSES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED']);

/** The task, or why it cannot be one (a malformed or partial event). */
export function toEcsTask(shape: EcsTaskShape): EcsTaskResult {
  const { taskArn, clusterArn, taskDefinitionArn } = shape;
  if (!taskArn) return { ok: false, reason: 'the task has no taskArn' };
  if (!clusterArn) return { ok: false, reason: `task ${taskArn} has no clusterArn` };
  const arn = /^arn:[a-z-]+:ecs:([a-z0-9-]+):\d{12}:task\/(?:[^/]+\/)?([^/]+)$/.exec(taskArn);
  if (!arn) return { ok: false, reason: `task ARN ${taskArn} is not arn:…:ecs:REGION:ACCOUNT:task/…` };
  const family = taskDefinitionArn ? familyOf(taskDefinitionArn) : undefined;
  if (family === undefined) {
    return {
      ok: false,
      reason: `task ${taskArn} has no task-definition ARN with a family (${taskDefinitionArn})`,
    };
  }
  const service = shape.group?.startsWith('service:') ? shape.group.slice('service:'.length) : undefined;
  const address = addressOf(shape);
  return {
    ok: true,
    task: {
      taskArn,
      taskId: arn[2]!,
      clusterArn,
      family,
      ...(service !== undefined ? { serviceName: service } : {}),
      ...(shape.availabilityZone ? { availabilityZone: shape.availabilityZone } : {}),
      region: arn[1]!,
      state: stateOf(shape),
      ...(address !== undefined ? { address } : {}),
    },
  };
}

/** `arn:aws:ecs:us-east-1:111122223333:task-definition/colorteller:7` → `colorteller`. */
export function familyOf(taskDefinitionArn: string): string | undefined {
  return /:task-definition\/([^:/]+):\d+$/.exec(taskDefinitionArn)?.[1];
}

/** `arn:aws:ecs:…:cluster/prod` or `prod` → `prod`. */
export function clusterNameOf(clusterArnOrName: string): string {
  const slash = clusterArnOrName.lastIndexOf(':cluster/');
  return slash === -1 ? clusterArnOrName : clusterArnOrName.slice(slash + ':cluster/'.length);
}

/** Whether `clusterArn` is the cluster configured as `clusterArnOrName` (an ARN, or a name). */
export function isCluster(clusterArn: string, clusterArnOrName: string): boolean {
  return clusterArnOrName.startsWith('arn:')
    ? clusterArn === clusterArnOrName
    : clusterNameOf(clusterArn) === clusterArnOrName;
}

function stateOf(shape: EcsTaskShape): EcsTaskState {
  if (shape.desiredStatus === 'STOPPED' || STOPPING_STATUSES.has(shape.lastStatus ?? '')) return 'stopping';
  if (shape.lastStatus === 'RUNNING' && shape.desiredStatus === 'RUNNING') return 'running';
  return 'starting';
}

function addressOf(shape: EcsTaskShape): string | undefined {
  for (const attachment of shape.attachments ?? []) {
    if (!ENI_TYPES.has(attachment.type ?? '')) continue;
    const detail = (name: string) => attachment.details?.find((d) => d.name === name)?.value || undefined;
    const address = detail('privateIPv4Address') ?? detail('ipv6Address');
    if (address !== undefined) return address;
  }
  return undefined;
}
