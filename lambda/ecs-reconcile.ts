// Lambda entry for the scheduled ECS reconcile: for each configured cluster, list and describe its
// running tasks and repair the registry's ECS endpoints (add missing, remove stale, rewrite changed).
//   TESSERA_TABLE_NAME     the DynamoDB table (required)
//   TESSERA_ECS_CLUSTERS   comma-separated cluster names or ARNs (required)
// One cluster failing does not stop the others; the invocation then fails, naming the clusters.

import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { DynamoDbEndpointStore } from '../control-plane/discovery/dynamodb-endpoint-store.js';
import { EcsReconciler, type ReconcileReport } from '../control-plane/discovery/ecs-reconciler.js';
import { EcsApiTaskSource } from '../control-plane/discovery/ecs-task-source.js';
import { DynamoDbStore } from '../control-plane/store/dynamodb-store.js';
import { requireEnv } from './environment.js';

export type EcsReconcileHandler = (
  event: unknown,
  context: Context,
) => Promise<{ reports: ReconcileReport[] }>;

export interface EcsReconcileDependencies {
  /** Built on first use and kept across invocations of a warm function. */
  readonly reconciler: () => EcsReconciler;
  /** The clusters to reconcile, read on every invocation. */
  readonly clusters: () => readonly string[];
  readonly logger: Logger;
}

/** `"a, arn:aws:ecs:…:cluster/b"` → `['a', 'arn:aws:ecs:…:cluster/b']`; at least one. */
export function parseClusters(value: string): string[] {
  const clusters = value
    .split(',')
    .map((cluster) => cluster.trim())
    .filter((cluster) => cluster !== '');
  if (clusters.length === 0) {
    throw new Error(`TESSERA_ECS_CLUSTERS must name at least one cluster, got ${JSON.stringify(value)}`);
  }
  return [...new Set(clusters)];
}

export function createEcsReconcileFunction({
  reconciler,
  clusters,
  logger,
}: EcsReconcileDependencies): EcsReconcileHandler {
  let instance: EcsReconciler | undefined;
  return async (_event, context) => {
    logger.addContext(context);
    instance ??= reconciler();
    const reports: ReconcileReport[] = [];
    const failed: string[] = [];
    for (const cluster of clusters()) {
      try {
        const report = await instance.reconcile(cluster);
        logger.info('ecs reconcile', { ...report });
        reports.push(report);
      } catch (error) {
        logger.error('ecs reconcile failed', { cluster, error: error as Error });
        failed.push(cluster);
      }
    }
    if (failed.length > 0) throw new Error(`ECS reconcile failed for cluster(s) ${failed.join(', ')}`);
    return { reports };
  };
}

const serviceName = 'tessera-ecs-reconcile';
const logger = new Logger({ serviceName });
const tracer = new Tracer({ serviceName });

export const handler = createEcsReconcileFunction({
  logger,
  clusters: () => parseClusters(requireEnv('TESSERA_ECS_CLUSTERS')),
  reconciler: () => {
    const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
    const tableName = requireEnv('TESSERA_TABLE_NAME');
    return new EcsReconciler({
      store: new DynamoDbStore({ client, tableName }),
      endpoints: new DynamoDbEndpointStore({ client, tableName }),
      tasks: new EcsApiTaskSource(tracer.captureAWSv3Client(new ECSClient({}))),
    });
  },
});
