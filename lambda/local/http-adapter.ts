// Serves a Lambda HTTP handler on a local port: each request becomes the payload 2.0 event that API Gateway
// or a Function URL would deliver, so local runs exercise exactly the code that runs on AWS.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpHandler } from '../api-handler.js';

/** Lambda's own request payload limit; the API applies its tighter one after this. */
const MAX_EVENT_BODY_BYTES = 6 * 1024 * 1024;

export interface LocalFunction {
  readonly handler: HttpHandler;
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
}

export interface LocalHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveLocally(
  fn: LocalFunction,
  options: { readonly host: string; readonly port: number },
): Promise<LocalHttpServer> {
  const server = createServer((req, res) => {
    void handle(fn, req, res);
  });
  // An idle keep-alive client must not hold shutdown up.
  server.keepAliveTimeout = 5_000;
  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function handle(fn: LocalFunction, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === undefined) {
      return send(
        res,
        413,
        { 'x-amzn-errortype': 'BadRequestException' },
        { message: 'Request Entity Too Large' },
      );
    }
    const result = await fn.handler(toEvent(req, body), contextFor(fn));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    const payload = result.body ?? '';
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.isBase64Encoded ? Buffer.from(payload, 'base64') : payload);
  } catch (error) {
    // The handler never throws by contract; this is the adapter's own safety net.
    send(res, 500, { 'x-amzn-errortype': 'InternalServerErrorException' }, { message: String(error) });
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The body as text, or undefined when it is larger than a Lambda event may carry. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_EVENT_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toEvent(req: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body } : {}),
    isBase64Encoded: false,
  };
}

function contextFor(fn: LocalFunction): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
