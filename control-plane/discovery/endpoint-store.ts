// The registry's persistence contract: registered endpoints per virtual node, and which IAM principals
// may register for a node. Independent of DynamoDB.

import type { Endpoint } from '../snapshot/endpoints.js';

/** One registered endpoint of a virtual node, as stored. */
export interface EndpointRecord {
  readonly meshName: string;
  readonly nodeName: string;
  /** What proxies see (ports sorted by listener port, attributes by key). */
  readonly endpoint: Endpoint;
  /**
   * Epoch seconds after which the endpoint is gone unless a heartbeat extends it.
   * @default - none: it lives until removed (ECS endpoints)
   */
  readonly expiresAt?: number;
  /** The ECS cluster ARN of the task (ECS endpoints only), so reconcile can find a cluster's endpoints. */
  readonly cluster?: string;
}

/**
 * What a `put` did: wrote the whole endpoint, only extended the expiry of an unchanged one, or left a live
 * proxy registration in place (an ECS endpoint never replaces one: see `put`).
 */
export type PutOutcome = 'written' | 'heartbeat' | 'kept';

/**
 * Persistence for the endpoint registry. Every read takes the time (`nowSeconds`, epoch seconds) and
 * leaves out endpoints whose `expiresAt` is not after it; the store has no clock of its own.
 *
 * Errors (from `../errors.js`): `TooManyRequestsError` when the database throttles.
 */
export interface EndpointStore {
  /**
   * Upserts `record`. When a live stored endpoint has the same content (everything but `expiresAt`),
   * only its expiry is written: that is a heartbeat. An endpoint from ECS discovery leaves a live one the
   * task's own proxy registered under the same id (`kept`): the proxy knows the port to dial (its
   * ingress), the task description only the app's listener port, right only with interception.
   */
  put(record: EndpointRecord, nowSeconds: number): Promise<PutOutcome>;
  /** Removes one endpoint; true when it was there (live or expired). Removing a missing one is fine. */
  delete(meshName: string, nodeName: string, endpointId: string): Promise<boolean>;
  /** The live endpoints of one node, in id order. */
  listNode(meshName: string, nodeName: string, nowSeconds: number): Promise<EndpointRecord[]>;
  /** The live endpoints of every node of the mesh, in node then id order (for ECS reconcile). */
  listMesh(meshName: string, nowSeconds: number): Promise<EndpointRecord[]>;
  /** Lets `principalArn` (already normalized) register endpoints for the node. Idempotent. */
  bind(meshName: string, nodeName: string, principalArn: string): Promise<void>;
  /** Withdraws a binding; unbinding a principal that is not bound is fine. */
  unbind(meshName: string, nodeName: string, principalArn: string): Promise<void>;
  isBound(meshName: string, nodeName: string, principalArn: string): Promise<boolean>;
}
