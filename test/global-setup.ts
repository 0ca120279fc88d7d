// vitest global setup: one DynamoDB Local for the whole run; suites reach it with inject('dynamodbEndpoint').

import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../lambda/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT` of the DynamoDB Local shared by every suite in this run. */
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamodb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return () => dynamodb.stop();
}
