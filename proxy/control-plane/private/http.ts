// One bounded HTTP exchange with the control plane over undici: status, ETag and body text, or a thrown error.

import { request } from 'undici';
import type { ControlPlaneClientOptions } from '../client-options.js';

export interface HttpAnswer {
  readonly status: number;
  readonly etag?: string;
  readonly text: string;
}

export interface HttpCall {
  readonly method?: 'GET' | 'PUT' | 'DELETE';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends one request with the client's dispatcher and signer; rejects on a network error, a timeout, or an
 * abort. The body is always read.
 */
export async function call(
  url: string,
  options: HttpCall,
  client: Pick<ControlPlaneClientOptions, 'dispatcher' | 'signer'> = {},
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const method = options.method ?? 'GET';
  const headers = client.signer
    ? await client.signer.sign({ method, url, headers: options.headers ?? {}, body: options.body })
    : (options.headers ?? {});
  const response = await request(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    ...(client.dispatcher !== undefined ? { dispatcher: client.dispatcher } : {}),
  });
  const text = await response.body.text();
  const etag = response.headers.etag;
  return {
    status: response.statusCode,
    ...(typeof etag === 'string' ? { etag } : {}),
    text,
  };
}

/** `"v"` → `v` (weak `W/` prefix dropped). */
export function unquoteEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** The first line of an error answer, bounded, for logs and errors. */
export function answerSummary(answer: HttpAnswer): string {
  const text = answer.text.trim().slice(0, 200);
  return text === '' ? `HTTP ${answer.status}` : `HTTP ${answer.status}: ${text}`;
}
