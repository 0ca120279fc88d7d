// The mesh-resource provider: CloudFormation's Create/Update/Delete of a `Custom::TesseraMeshResource`
// applied through the control plane's own MeshService (not over HTTP), answered by a PUT to ResponseURL.
//
// CloudFormation's rules, as AWS::AppMesh::* resources follow them:
// - Create creates; a retried invocation of the same request is idempotent (clientToken = RequestId).
// - Update that changes Kind, MeshName, ParentName or Name is a replacement: the new resource is created
//   and its ARN returned as the new PhysicalResourceId; CloudFormation then deletes the old one.
//   Otherwise the spec is updated (when it changed) and the tags are tagged/untagged by difference.
// - Delete deletes; a resource already gone, or a PhysicalResourceId that is not an ARN this control plane
//   made (its Create failed), is a success.
// The same function also answers `Custom::TesseraPrincipalBinding` (principal-binding.ts).
// Every failure answers FAILED with the control plane's message, and the answer is sent before the Lambda
// timeout even when the work hangs.

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import { BadRequestError, MeshError, NotFoundError } from '../../control-plane/errors.js';
import { describeKey, type ResourceKey } from '../../control-plane/model/kinds.js';
import { validateTags } from '../../control-plane/model/tags.js';
import { parseArn } from '../../control-plane/service/arn.js';
import type { MeshService } from '../../control-plane/service/mesh-service.js';
import { stableStringify } from '../../control-plane/service/request-hash.js';
import type { ResourceRecord } from '../../control-plane/store/store.js';
import {
  type CustomResourceEvent,
  type CustomResourceResponse,
  responseFor,
  sendResponse,
} from './cloudformation-response.js';
import { applyBinding, PRINCIPAL_BINDING_TYPE } from './principal-binding.js';
import { parseResourceProperties, sameResource, tagRecord } from './resource-properties.js';

/** Time kept back from the Lambda timeout to send the answer when the work has not finished. */
export const RESPONSE_RESERVE_MS = 5_000;
/** How long the PUT to ResponseURL may take. */
export const SEND_TIMEOUT_MS = 4_000;

export type MeshResourceHandler = (
  event: CustomResourceEvent,
  context: Context,
) => Promise<CustomResourceResponse>;

/** The control plane's services this provider writes through. */
export interface ProviderServices {
  readonly mesh: MeshService;
  readonly endpoints: EndpointRegistry;
}

export interface MeshResourceDependencies {
  /** Built on first use (a cold start reads the account from the invocation's ARN), then kept. */
  readonly services: (context: Context) => ProviderServices;
  readonly logger: Logger;
  /** @default a PUT with node:http(s) */
  readonly send?: (url: string, response: CustomResourceResponse, timeoutMs: number) => Promise<void>;
}

type Outcome =
  | { status: 'SUCCESS'; physicalResourceId: string; data?: Record<string, string> }
  | { status: 'FAILED'; physicalResourceId: string; reason: string };

export function createMeshResourceFunction({
  services,
  logger,
  send = sendResponse,
}: MeshResourceDependencies): MeshResourceHandler {
  let built: ProviderServices | undefined;
  return async (event, context) => {
    logger.addContext(context);
    const budgetMs = Math.max(context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS, 1_000);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            status: 'FAILED',
            physicalResourceId: failedPhysicalId(event),
            reason: `the mesh-resource provider did not finish within ${Math.round(budgetMs / 1000)} s (log stream ${context.logStreamName})`,
          }),
        budgetMs,
      );
    });
    const work = (async (): Promise<Outcome> => {
      try {
        built ??= services(context);
        if (event.ResourceType === PRINCIPAL_BINDING_TYPE) {
          return await applyBinding(
            built.endpoints,
            event.RequestType,
            event.ResourceProperties,
            event.PhysicalResourceId,
          );
        }
        return await apply(built.mesh, event);
      } catch (error) {
        return failure(event, error, context);
      }
    })();
    const outcome = await Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
    const response = responseFor(event, outcome);
    logger.info('custom resource', {
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      status: response.Status,
      physicalResourceId: response.PhysicalResourceId,
      ...(response.Reason !== undefined ? { reason: response.Reason } : {}),
    });
    try {
      await send(event.ResponseURL, response, SEND_TIMEOUT_MS);
    } catch (error) {
      // Thrown so Lambda retries the (asynchronous) invocation; every step above is idempotent.
      logger.error('sending the response to CloudFormation failed', { error: error as Error });
      throw error;
    }
    return response;
  };
}

async function apply(service: MeshService, event: CustomResourceEvent): Promise<Outcome> {
  switch (event.RequestType) {
    case 'Create': {
      const input = parseResourceProperties(event.ResourceProperties);
      const record = await service.create(input.key, {
        spec: input.spec,
        tags: input.tags,
        clientToken: event.RequestId,
      });
      return success(service, record);
    }
    case 'Update': {
      const input = parseResourceProperties(event.ResourceProperties);
      const old = parseResourceProperties(event.OldResourceProperties ?? {});
      if (!sameResource(input.key, old.key)) {
        const record = await service.create(input.key, {
          spec: input.spec,
          tags: input.tags,
          clientToken: event.RequestId,
        });
        return success(service, record);
      }
      // Tags are checked before anything is written, so a bad tag never leaves a half-applied update.
      const tags = validateTags('Tags', input.tags);
      if (!tags.ok) throw new BadRequestError(tags.problems);
      const arn = service.arnOf(input.key);
      if (stableStringify(input.spec) !== stableStringify(old.spec)) {
        await service.update(input.key, { spec: input.spec, clientToken: event.RequestId });
      }
      const before = tagRecord(old.tags);
      const removed = Object.keys(before).filter((key) => !(key in tags.tags));
      const changed = Object.entries(tags.tags)
        .filter(([key, value]) => before[key] !== value)
        .map(([key, value]) => ({ key, value }));
      if (removed.length > 0) await service.untagResource(arn, removed);
      if (changed.length > 0) await service.tagResource(arn, changed);
      return success(service, await service.describe(input.key));
    }
    case 'Delete': {
      const physicalResourceId = event.PhysicalResourceId ?? '';
      const key = ownKey(service, physicalResourceId);
      if (key === undefined) return { status: 'SUCCESS', physicalResourceId };
      try {
        await service.delete(key);
      } catch (error) {
        if (!(error instanceof NotFoundError) || !isGone(error, key)) throw error;
      }
      return { status: 'SUCCESS', physicalResourceId };
    }
    default:
      throw new BadRequestError(
        `RequestType: must be Create, Update or Delete, got ${JSON.stringify((event as { RequestType?: unknown }).RequestType)}`,
      );
  }
}

/** The key of `arn` when it names a resource of this control plane's region and account. */
function ownKey(service: MeshService, arn: string): ResourceKey | undefined {
  try {
    const { partition, ...key } = parseArn(arn);
    const own = service.partition;
    return partition.region === own.region && partition.accountId === own.accountId ? key : undefined;
  } catch {
    return undefined;
  }
}

/** NotFound for the resource itself (already deleted), not for something else the request names. */
function isGone(error: NotFoundError, key: ResourceKey): boolean {
  return error.message.toLowerCase().includes(describeKey(key).toLowerCase());
}

function success(service: MeshService, record: ResourceRecord): Outcome {
  const arn = service.arnOf(record.key);
  return {
    status: 'SUCCESS',
    physicalResourceId: arn,
    data: {
      Arn: arn,
      Uid: record.uid,
      Name: record.key.name,
      MeshName: record.key.meshName,
      ResourceOwner: record.resourceOwner,
      MeshOwner: record.meshOwner,
      Version: String(record.version),
    },
  };
}

function failure(event: CustomResourceEvent, error: unknown, context: Context): Outcome {
  const doing = `${event.RequestType} ${event.LogicalResourceId}`;
  const reason =
    error instanceof MeshError
      ? `${doing}: ${error.code}: ${error.message}`
      : `${doing}: internal error: ${error instanceof Error ? error.message : String(error)} (log stream ${context.logStreamName})`;
  return { status: 'FAILED', physicalResourceId: failedPhysicalId(event), reason };
}

/**
 * The PhysicalResourceId of a failed answer: the current one for Update and Delete; for Create, an id
 * that is not an ARN, so the Delete CloudFormation sends while rolling back never removes a resource
 * this request did not make (e.g. one that already existed under the same name).
 */
function failedPhysicalId(event: CustomResourceEvent): string {
  return event.PhysicalResourceId ?? `tessera-failed-create-${event.RequestId}`;
}
