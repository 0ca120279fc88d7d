// The proxy's own small HTTP calls (control plane, ECS task metadata) over node:http(s): the data path has
// its own client (upstream/h1), and loading undici only for these would cost the sidecar ~20 MB of RSS.

import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';

export interface TextRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The whole exchange, headers and body. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface TextResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Sends one request and reads the whole answer as UTF-8; rejects on a network error, the timeout, or an abort. */
export async function requestText(url: string, options: TextRequest): Promise<TextResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const requestOptions: RequestOptions = { method: options.method ?? 'GET', headers, signal };
  return new Promise((resolve, reject) => {
    const req = send(target, requestOptions, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : err));
    req.end(options.body);
  });
}
