// Lambda entry point for the App Mesh API: wires the real DynamoDB store from the function's environment.
//   TESSERA_TABLE_NAME   the DynamoDB table (required)

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiFunction } from './api-handler.js';
import { deployedServices } from './services.js';

const serviceName = 'tessera-control-plane';
const logger = new Logger({ serviceName });
const metrics = new Metrics({ namespace: 'Tessera', serviceName });
const tracer = new Tracer({ serviceName });

export const handler = createApiFunction({
  logger,
  metrics,
  services: (context) => deployedServices(tracer.captureAWSv3Client(new DynamoDBClient({})), context),
});
