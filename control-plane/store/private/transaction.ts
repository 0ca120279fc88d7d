// Runs one TransactWriteItems, retrying transaction conflicts and throttling with jittered backoff, and
// turns a cancelled transaction into the error of the first operation whose condition failed.

import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { LimitExceededError, TooManyRequestsError } from '../../errors.js';

/** DynamoDB's limit on operations in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The item as it was when a condition failed (`ALL_OLD`), in DynamoDB's wire form; absent if it did not exist. */
export type OldItem = Record<string, AttributeValue> | undefined;

export interface WriteOp {
  readonly item: TransactItem;
  /** The error to report when this operation's condition fails; `cause` is the SDK error. */
  readonly onConditionFailed: (old: OldItem, cause: unknown) => Error | Promise<Error>;
}

export interface RetryPolicy {
  /** @default 10 */
  readonly maxAttempts: number;
  /** First backoff ceiling; doubles per attempt, full jitter. @default 20 ms */
  readonly baseDelayMs: number;
  /** @default 1000 ms */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 1_000 };

/** Cancellation codes that mean "nothing was written, try again". */
const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
/** Whole-request errors that mean the same (after the SDK's own retries). */
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'TransactionInProgressException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, AttributeValue>;
}

export async function runTransaction(
  client: DynamoDBDocumentClient,
  ops: readonly WriteOp[],
  what: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<void> {
  if (ops.length > MAX_TRANSACTION_ITEMS) {
    throw new LimitExceededError(
      `${what} would touch ${ops.length} items in one transaction; at most ${MAX_TRANSACTION_ITEMS} are possible (too many references)`,
    );
  }
  const items = ops.map((op) => op.item);
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    try {
      // A fresh token per attempt; the SDK's own network retries reuse it, which makes them idempotent.
      await client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons !== undefined) {
        const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        const op = ops[failed];
        if (op !== undefined) throw await op.onConditionFailed(reasons[failed]?.Item, error);
        if (!reasons.some((reason) => RETRYABLE_REASONS.has(reason.Code ?? ''))) throw error;
      } else if (!RETRYABLE_ERRORS.has(errorName(error))) {
        throw error;
      }
      lastError = error;
    }
    if (attempt < policy.maxAttempts) await backoff(policy, attempt);
  }
  throw new TooManyRequestsError(
    `${what} kept colliding with concurrent writes to the same mesh; retry later`,
    {
      cause: lastError,
    },
  );
}

/** A number attribute of an `ALL_OLD` item. */
export function oldNumber(old: OldItem, attribute: string): number | undefined {
  const value = old?.[attribute];
  return value?.N === undefined ? undefined : Number(value.N);
}

function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (errorName(error) !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/** Waits before retry number `attempt` (1-based): full jitter under a doubling ceiling. */
export function backoff(policy: RetryPolicy, attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return new Promise((done) => setTimeout(done, ms));
}
