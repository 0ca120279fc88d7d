// CloudFormation custom-resource events, and the answer a provider PUTs to the event's pre-signed ResponseURL.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What CloudFormation sends a custom resource's ServiceToken (a Lambda function) for each change. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  /** Every value is a string (or a list/map of strings): CloudFormation stringifies what it passes. */
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  /** Update only: the properties of the current resource. */
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
  /** Update and Delete: what the provider answered for the current resource. */
  readonly PhysicalResourceId?: string;
}

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  /** Shown in the stack's events; required when FAILED. */
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  /** `Fn::GetAtt` values. */
  readonly Data?: Readonly<Record<string, string>>;
}

/** CloudFormation refuses a response body over 4096 bytes; the Reason is what gets cut to fit. */
export const MAX_RESPONSE_BYTES = 4096;
const RESPONSE_MARGIN_BYTES = 96;
const TRUNCATED = ' …(truncated)';

/** The answer for `event` with `outcome`, its Reason shortened so the whole body stays under 4 KB. */
export function responseFor(
  event: CustomResourceEvent,
  outcome:
    | { status: 'SUCCESS'; physicalResourceId: string; data?: Record<string, string> }
    | { status: 'FAILED'; physicalResourceId: string; reason: string },
): CustomResourceResponse {
  const base = {
    Status: outcome.status,
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  if (outcome.status === 'SUCCESS') return { ...base, ...(outcome.data ? { Data: outcome.data } : {}) };
  const room = MAX_RESPONSE_BYTES - RESPONSE_MARGIN_BYTES - Buffer.byteLength(JSON.stringify(base));
  return { ...base, Reason: truncateUtf8(outcome.reason, Math.max(room, 64)) };
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes - Buffer.byteLength(TRUNCATED));
  // JSON escaping can grow the text; shorten by characters until the encoded form fits.
  while (Buffer.byteLength(JSON.stringify(cut)) + Buffer.byteLength(TRUNCATED) > maxBytes) {
    cut = cut.slice(0, -16);
  }
  return `${cut}${TRUNCATED}`;
}

/**
 * PUTs `response` to the pre-signed `url`. The content type is empty, as the pre-signed S3 URL expects
 * (what AWS's own cfn-response module sends). Rejects on a network error, a timeout or a non-2xx answer.
 */
export function sendResponse(
  url: string,
  response: CustomResourceResponse,
  timeoutMs: number,
): Promise<void> {
  const body = JSON.stringify(response);
  const target = new URL(url);
  const request = target.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`the response URL answered HTTP ${status}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the response URL within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
