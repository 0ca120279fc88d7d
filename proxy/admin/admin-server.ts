// The admin port: `/ready`, `/stats` (JSON or Prometheus text), `/config` and `/endpoints`, on loopback by default.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_ADMIN_HOST } from '../config/constants.js';
import type { Stats } from '../telemetry/stats.js';

export interface AdminServerOptions {
  /** @default '127.0.0.1' — the admin port reveals configuration */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly stats: Stats;
  /** True once a valid snapshot is applied and the listeners are up. */
  readonly isReady: () => boolean;
  /** What `/config` shows (see `configView`); it must hold no secrets. */
  readonly config: () => unknown;
  /** What `/endpoints` shows: each cluster's endpoints with health and ejection state, and the local app's health. */
  readonly endpoints: () => unknown;
}

export interface AdminServer {
  /** `http://HOST:PORT`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const host = options.host ?? DEFAULT_ADMIN_HOST;
  const server = createServer((request, response) => {
    try {
      handle(options, request, response);
    } catch (error) {
      send(response, 500, 'text/plain; charset=utf-8', `admin: ${(error as Error).message}\n`);
    }
  });
  // Admin clients are scripts and health checks; do not let an idle one hold the port open at shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const PATHS = new Set(['/ready', '/stats', '/config', '/endpoints']);

function handle(options: AdminServerOptions, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://admin');
  if (!PATHS.has(url.pathname)) {
    send(response, 404, 'text/plain; charset=utf-8', `not found: ${url.pathname}\n`);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', `method not allowed: ${request.method}\n`);
    return;
  }
  switch (url.pathname) {
    case '/ready': {
      const ready = options.isReady();
      send(response, ready ? 200 : 503, 'text/plain; charset=utf-8', ready ? 'ready\n' : 'not ready\n');
      return;
    }
    case '/stats': {
      const format = url.searchParams.get('format');
      if (format === 'prometheus') {
        send(response, 200, PROMETHEUS_CONTENT_TYPE, options.stats.toPrometheus());
      } else if (format === null || format === 'json') {
        sendJson(response, options.stats.snapshot());
      } else {
        send(
          response,
          400,
          'text/plain; charset=utf-8',
          `format: must be json or prometheus, got "${format}"\n`,
        );
      }
      return;
    }
    case '/config':
      sendJson(response, options.config());
      return;
    default:
      sendJson(response, options.endpoints());
  }
}

function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, 'application/json', `${JSON.stringify(value, null, 2)}\n`);
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
