// Reading a Lambda function's configuration: its environment and its own ARN.

import type { Context } from 'aws-lambda';
import type { Partition } from '../control-plane/service/arn.js';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

/** Region and account from `arn:aws:lambda:REGION:ACCOUNT:function:NAME`. */
export function partitionOf(context: Pick<Context, 'invokedFunctionArn'>): Partition {
  const [, , , region, accountId] = context.invokedFunctionArn.split(':');
  if (!region || !accountId) {
    throw new Error(`cannot read region and account from function ARN ${context.invokedFunctionArn}`);
  }
  return { region, accountId };
}
