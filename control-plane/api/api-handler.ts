// Serves one App Mesh API request: find the operation, parse the body, run it, render the result or an
// App Mesh-style error. Never throws and never leaks a stack trace to the caller.

import { BadRequestError, MeshError, NotFoundError } from '../errors.js';
import { type ApiRequest, type ApiResponse, MAX_REQUEST_BODY_BYTES } from './http.js';
import { type ApiServices, type Operation, RawJson, Reply } from './operation.js';
import { OPERATIONS } from './operations.js';

export interface ApiHandlerOptions {
  /** Told about every failure that is not the caller's fault (a 5xx), with the request it broke. */
  readonly onInternalError?: (error: unknown, request: ApiRequest) => void;
}

export interface ApiResult {
  readonly response: ApiResponse;
  /** The App Mesh operation name, when the path named one. */
  readonly operation?: string;
  /** The error code, when the request failed. */
  readonly errorCode?: string;
}

interface Match {
  readonly operation: Operation;
  readonly params: Record<string, string>;
}

export function createApiHandler(services: ApiServices, options: ApiHandlerOptions = {}) {
  return async function handle(request: ApiRequest): Promise<ApiResult> {
    let operation: string | undefined;
    try {
      const match = findOperation(request.method, request.path);
      operation = match.operation.name;
      const body = parseBody(request.body);
      const output = await match.operation.run(services, {
        params: match.params,
        query: request.query,
        body,
        request,
      });
      if (output instanceof Reply) return { operation, response: render(output, request.requestId) };
      return { operation, response: json(200, output, request.requestId) };
    } catch (error) {
      if (error instanceof MeshError) {
        const body: Record<string, unknown> = { message: error.message };
        if (error instanceof BadRequestError && error.problems.length > 0) body.problems = error.problems;
        return {
          operation,
          errorCode: error.code,
          response: json(error.status, body, request.requestId, error.code),
        };
      }
      options.onInternalError?.(error, request);
      return {
        operation,
        errorCode: 'InternalServerErrorException',
        response: json(
          500,
          { message: `Internal error; request id ${request.requestId}` },
          request.requestId,
          'InternalServerErrorException',
        ),
      };
    }
  };
}

function json(statusCode: number, body: unknown, requestId: string, errorType?: string): ApiResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
  };
  if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
  return { statusCode, headers, body: JSON.stringify(body) };
}

function render(reply: Reply, requestId: string): ApiResponse {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...reply.headers };
  if (reply.body === undefined) return { statusCode: reply.status, headers, body: '' };
  const body = reply.body instanceof RawJson ? reply.body.text : JSON.stringify(reply.body);
  return { statusCode: reply.status, headers: { 'content-type': 'application/json', ...headers }, body };
}

function parseBody(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const size = Buffer.byteLength(text);
  if (size > MAX_REQUEST_BODY_BYTES) {
    throw new BadRequestError(`request body: must be at most ${MAX_REQUEST_BODY_BYTES} bytes, got ${size}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`request body: must be valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequestError('request body: must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed
    .split('/')
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new BadRequestError([{ path: 'path', rule: 'must be validly percent-encoded', value: path }]);
      }
    });
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = actual[i]!;
    if (want.startsWith('{')) params[want.slice(1, -1)] = got;
    else if (want !== got) return undefined;
  }
  return params;
}

function findOperation(method: string, path: string): Match {
  const segments = splitPath(path);
  const allowed: string[] = [];
  for (const operation of OPERATIONS) {
    const params = matchSegments(operation.segments, segments);
    if (!params) continue;
    if (operation.method === method) return { operation, params };
    allowed.push(operation.method);
  }
  if (allowed.length > 0) {
    throw new NotFoundError(
      `${method} is not an operation on ${path}; use ${[...new Set(allowed)].join(', ')}`,
    );
  }
  throw new NotFoundError(`No App Mesh operation at ${method} ${path}`);
}
