// Real sockets for upstream tests: upstream servers that count attempts, a downstream that calls forward(), a client.

import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import type { RetryPolicy, Timeout } from '../../../control-plane/snapshot/index.js';
import { httpLimits } from '../../../proxy/http/limits.js';
import { startHttpServer } from '../../../proxy/http/server/index.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import type { ClusterState } from '../../../proxy/upstream/cluster-state.js';
import { type ForwardOutcome, forward, type UpstreamCall } from '../../../proxy/upstream/forwarder.js';
import { RetryBudget } from '../../../proxy/upstream/retry-budget.js';
import { type RouteStats, routeStats } from '../../../proxy/upstream/route-stats.js';

export interface HttpUpstream {
  readonly port: number;
  /** Requests received (each attempt counts). */
  hits: number;
  readonly bodies: string[];
  /** Requests whose connection closed before the response finished. */
  aborted: number;
  close(): Promise<void>;
}

/** An HTTP upstream; `handler` gets the request with its body read, and the attempt number (1-based). */
export async function httpUpstream(
  handler: (req: IncomingMessage, res: ServerResponse, hit: number, body: string) => void,
): Promise<HttpUpstream> {
  const state = { hits: 0, aborted: 0, bodies: [] as string[] };
  const server = createServer((req, res) => {
    const hit = ++state.hits;
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      state.bodies.push(body);
      handler(req, res, hit, body);
    });
  });
  return wrap(server, state);
}

/** Answers every request with `status` and `body`. */
export function fixed(status: number, body = `status ${status}`) {
  return httpUpstream((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
}

export interface RawUpstream {
  readonly port: number;
  /** Connections that sent at least one byte (an attempt on a fresh connection). */
  hits: number;
  /** Connections closed by the peer (the proxy) before this server closed them. */
  closedByPeer: number;
  close(): Promise<void>;
}

/** A TCP server for responses Node's http module will not produce; `onRequest` runs on the first bytes. */
export async function rawUpstream(
  onRequest: (socket: Socket, hit: number, data: Buffer) => void,
): Promise<RawUpstream> {
  const state = { hits: 0, closedByPeer: 0 };
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    let seen = false;
    let ended = false;
    socket.on('error', () => {});
    socket.on('end', () => {
      ended = true;
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (ended) state.closedByPeer++;
    });
    socket.on('data', (data) => {
      if (seen) return;
      seen = true;
      onRequest(socket, ++state.hits, data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

async function wrap<T extends object>(
  server: Server | NetServer,
  state: T,
): Promise<T & { port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  });
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    isDefault: false,
    maxRetries: 2,
    perRetryTimeoutMs: 0,
    httpStatuses: [503],
    grpcStatuses: [],
    connectFailure: true,
    reset: false,
    refusedStream: true,
    preferDifferentHost: true,
    ...overrides,
  };
}

export interface RouteOptions {
  readonly cluster: ClusterState;
  readonly retryPolicy?: RetryPolicy;
  readonly timeout?: Timeout;
  readonly budget?: RetryBudget;
  readonly responseHeaders?: UpstreamCall['responseHeaders'];
}

export interface Downstream {
  readonly port: number;
  readonly stats: Stats;
  readonly route: RouteStats;
  readonly outcomes: ForwardOutcome[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'expect']);

/** A proxy-like downstream server whose every request is forwarded with `route`'s settings. */
export async function downstream(route: RouteOptions): Promise<Downstream> {
  const stats = new Stats();
  const routeCounters = routeStats(stats, { route: 'test' });
  const budget = route.budget ?? new RetryBudget();
  const outcomes: ForwardOutcome[] = [];
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    limits: httpLimits(),
    handle: (req, res) => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase()))
          headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      }
      forward({
        req,
        res,
        cluster: route.cluster,
        method: req.method,
        path: req.url,
        headers,
        bodyLength: req.bodyLength,
        timeout: route.timeout ?? { perRequestMs: 15_000, idleMs: 300_000 },
        budget,
        stats: routeCounters,
        done: (outcome) => outcomes.push(outcome),
        ...(route.retryPolicy === undefined ? {} : { retryPolicy: route.retryPolicy }),
        ...(route.responseHeaders === undefined ? {} : { responseHeaders: route.responseHeaders }),
      });
    },
  });
  return Object.assign(
    { stats, route: routeCounters, outcomes },
    {
      port: server.port,
      close: () => server.drain(0),
    },
  );
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** The response arrived whole (false: the connection broke before its end). */
  readonly complete: boolean;
  /** Set when no response (or only part of one) arrived. */
  readonly error?: string;
  readonly elapsedMs: number;
}

/** One request on a fresh connection; never rejects. */
export function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    chunked?: boolean;
  } = {},
): Promise<ClientResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked)
      headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let error: string | undefined;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          error = err.message;
        });
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            complete: res.complete,
            ...(error === undefined && res.complete ? {} : { error: error ?? 'incomplete' }),
            elapsedMs: performance.now() - started,
          }),
        );
      },
    );
    req.on('error', (err) =>
      resolve({
        status: 0,
        headers: {},
        body: '',
        complete: false,
        error: err.message,
        elapsedMs: performance.now() - started,
      }),
    );
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function json(body: string): { message: string; proxy: string } {
  return JSON.parse(body) as { message: string; proxy: string };
}
