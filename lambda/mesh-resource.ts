// Lambda entry for the mesh-resource provider that CloudFormation custom resources
// (`Custom::TesseraMeshResource`, the CDK's Mesh, VirtualNode, …, and `Custom::TesseraPrincipalBinding`)
// invoke: writes through the control plane's services.
//   TESSERA_TABLE_NAME   the DynamoDB table (required)

import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createMeshResourceFunction } from './mesh-resource/mesh-resource-function.js';
import { deployedServices } from './services.js';

const serviceName = 'tessera-mesh-resource';
const logger = new Logger({ serviceName });
const tracer = new Tracer({ serviceName });

export const handler = createMeshResourceFunction({
  logger,
  services: (context) => deployedServices(tracer.captureAWSv3Client(new DynamoDBClient({})), context),
});
