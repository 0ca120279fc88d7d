// The whole control plane on one machine: DynamoDB Local (or a given table) behind the same Lambda
// handlers that run on AWS, served over HTTP by the local adapter.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../../control-plane/store/table.js';
import { createApiFunction } from '../api-handler.js';
import { partitionOf } from '../environment.js';
import { createServices } from '../services.js';
import { localDynamoDbClient, startDynamoDbLocal } from './dynamodb-local.js';
import { type LocalHttpServer, serveLocally } from './http-adapter.js';

export const DEFAULT_CONTROL_PLANE_PORT = 7070;
export const DEFAULT_TABLE_NAME = 'tessera';
/** The account local resources are owned by (App Mesh ARNs need one). */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalControlPlaneOptions {
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** 0 picks a free port. @default 7070 */
  readonly port?: number;
  /** Keep DynamoDB Local's data here across restarts. @default - in memory */
  readonly dataDir?: string;
  /**
   * Use this table (created if missing). Without `dataDir` or `dynamodbEndpoint`, naming a table means
   * the regional DynamoDB service, with the default AWS credential chain.
   * @default tessera, in an embedded DynamoDB Local
   */
  readonly tableName?: string;
  /** Use the DynamoDB at this URL (e.g. a DynamoDB Local you run) instead of starting one. */
  readonly dynamodbEndpoint?: string;
  /** @default us-east-1, or AWS_REGION */
  readonly region?: string;
}

export interface LocalControlPlane {
  readonly url: string;
  /** Where the store is: DynamoDB Local's URL, the given endpoint, or `aws` for the regional service. */
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** Stops serving, then stops DynamoDB Local if this control plane started it. */
  stop(): Promise<void>;
}

export async function startLocalControlPlane(
  options: LocalControlPlaneOptions = {},
): Promise<LocalControlPlane> {
  quietTelemetryDefaults();
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const dynamodb = await openDynamoDb(options, region);
  const { client } = dynamodb;
  try {
    await createTable(client, tableName);
    const server = await serveControlPlane({
      client,
      tableName,
      region,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? DEFAULT_CONTROL_PLANE_PORT,
    });
    return {
      url: server.url,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName,
      async stop() {
        try {
          await server.close();
        } finally {
          await dynamodb.stop();
        }
      },
    };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

interface OpenDynamoDb {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The embedded DynamoDB Local, a DynamoDB at a given URL, or the regional service for a named table. */
async function openDynamoDb(options: LocalControlPlaneOptions, region: string): Promise<OpenDynamoDb> {
  if (options.dynamodbEndpoint !== undefined) {
    const endpoint = options.dynamodbEndpoint;
    // A DynamoDB Local started by hand accepts any credentials; use real ones only when present.
    const client = process.env.AWS_ACCESS_KEY_ID
      ? new DynamoDBClient({ endpoint, region })
      : localDynamoDbClient(endpoint);
    return { client, endpoint, stop: async () => client.destroy() };
  }
  if (options.tableName !== undefined && options.dataDir === undefined) {
    const client = new DynamoDBClient({ region });
    return { client, endpoint: 'aws', stop: async () => client.destroy() };
  }
  const local = await startDynamoDbLocal(options.dataDir !== undefined ? { dataDir: options.dataDir } : {});
  const client = localDynamoDbClient(local.endpoint);
  return {
    client,
    endpoint: local.endpoint,
    async stop() {
      client.destroy();
      await local.stop();
    },
  };
}

/** Serves the API Lambda function over HTTP on top of any store. */
export async function serveControlPlane(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  readonly host: string;
  readonly port: number;
}): Promise<LocalHttpServer> {
  quietTelemetryDefaults();
  const serviceName = 'tessera-control-plane';
  const handler = createApiFunction({
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'Tessera', serviceName }),
    services: (context) =>
      createServices({
        client: options.client,
        tableName: options.tableName,
        partition: partitionOf(context),
        requirePrincipal: false,
      }),
  });
  return serveLocally(
    {
      handler,
      functionName: 'tessera-control-plane-local',
      region: options.region,
      accountId: LOCAL_ACCOUNT_ID,
    },
    { host: options.host, port: options.port },
  );
}

/** Locally, Powertools would print EMF and look for X-Ray; keep stdout for people unless asked. */
function quietTelemetryDefaults(): void {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.AWS_EMF_ENVIRONMENT ??= 'Local';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
