// Lambda entry for EventBridge "ECS Task State Change" events: a RUNNING task becomes an endpoint of
// the virtual nodes that receive it (control-plane/discovery/README.md), a stopping one is removed.
//   TESSERA_TABLE_NAME   the DynamoDB table (required)
// A failure to write is thrown, so Lambda's asynchronous retries (and the scheduled reconcile) repair it.

import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DynamoDbEndpointStore } from '../control-plane/discovery/dynamodb-endpoint-store.js';
import type { EcsTaskShape } from '../control-plane/discovery/ecs-task.js';
import { EcsTaskSync, type TaskChange } from '../control-plane/discovery/ecs-task-sync.js';
import { DynamoDbStore } from '../control-plane/store/dynamodb-store.js';
import { requireEnv } from './environment.js';

/** The EventBridge `detail-type` and `source` this function handles. */
export const ECS_TASK_STATE_CHANGE = 'ECS Task State Change';
export const ECS_EVENT_SOURCE = 'aws.ecs';

export type EcsTaskStateChangeEvent = EventBridgeEvent<string, EcsTaskShape>;
export type EcsTaskEventsHandler = (event: EcsTaskStateChangeEvent, context: Context) => Promise<TaskChange>;

export interface EcsTaskEventsDependencies {
  /** Built on first use and kept: its node index caches across invocations of a warm function. */
  readonly sync: () => EcsTaskSync;
  readonly logger: Logger;
}

export function createEcsTaskEventsFunction({
  sync,
  logger,
}: EcsTaskEventsDependencies): EcsTaskEventsHandler {
  let instance: EcsTaskSync | undefined;
  return async (event, context) => {
    logger.addContext(context);
    if (event['detail-type'] !== ECS_TASK_STATE_CHANGE || event.source !== ECS_EVENT_SOURCE) {
      const reason = `not an ${ECS_EVENT_SOURCE} "${ECS_TASK_STATE_CHANGE}" event (${event.source} "${event['detail-type']}")`;
      logger.warn('event ignored', { reason, eventId: event.id });
      return { action: 'ignored', reason };
    }
    instance ??= sync();
    const detail = event.detail ?? {};
    try {
      const change = await instance.apply(detail);
      logger.info('ecs task', {
        ...change,
        lastStatus: detail.lastStatus,
        desiredStatus: detail.desiredStatus,
        eventId: event.id,
      });
      return change;
    } catch (error) {
      logger.error('ecs task event failed', {
        error: error as Error,
        taskArn: detail.taskArn,
        eventId: event.id,
      });
      throw error;
    }
  };
}

const serviceName = 'tessera-ecs-task-events';
const logger = new Logger({ serviceName });
const tracer = new Tracer({ serviceName });

export const handler = createEcsTaskEventsFunction({
  logger,
  sync: () => {
    const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
    const tableName = requireEnv('TESSERA_TABLE_NAME');
    return new EcsTaskSync({
      store: new DynamoDbStore({ client, tableName }),
      endpoints: new DynamoDbEndpointStore({ client, tableName }),
    });
  },
});
