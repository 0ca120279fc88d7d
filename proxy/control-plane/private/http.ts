// One bounded HTTP exchange with the control plane: status, ETag and body text, or a thrown error.

import { requestText } from '../../http/request-text.js';
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

/** Sends one request, signed by the client's signer if it has one; rejects on a network error, a timeout, or an abort. */
export async function call(
  url: string,
  options: HttpCall,
  client: Pick<ControlPlaneClientOptions, 'signer'> = {},
): Promise<HttpAnswer> {
  const method = options.method ?? 'GET';
  const headers = client.signer
    ? await client.signer.sign({ method, url, headers: options.headers ?? {}, body: options.body })
    : (options.headers ?? {});
  const response = await requestText(url, { ...options, method, headers });
  const etag = response.headers.etag;
  return {
    status: response.status,
    ...(typeof etag === 'string' ? { etag } : {}),
    text: response.text,
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
