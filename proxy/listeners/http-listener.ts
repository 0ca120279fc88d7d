// A node:http server with the proxy's limits, that can stop taking connections and drain what is in flight.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkRequestHead, type HttpLimits, localReplyOnSocket, serverOptions } from '../http/index.js';

export interface HttpListener {
  readonly port: number;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `graceMs`, then closes
   * whatever is left. Idle keep-alive connections close at once.
   */
  drain(graceMs: number): Promise<void>;
}

export async function startHttpListener(options: {
  readonly host: string;
  readonly port: number;
  readonly limits: HttpLimits;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Told about each accepted connection (connection metrics). */
  readonly onConnection?: (socket: Socket) => void;
}): Promise<HttpListener> {
  // No 'clientError' listener: Node then answers malformed requests itself (400/408/431) and closes.
  const server = createServer(serverOptions(options.limits), options.handle);
  if (options.onConnection !== undefined) server.on('connection', options.onConnection);
  // Without a 'connect' listener Node silently drops CONNECT; answer it instead.
  server.on('connect', (req: IncomingMessage, socket) => {
    const head = checkRequestHead(req, options.limits);
    localReplyOnSocket(
      socket,
      head.ok ? 405 : head.status,
      head.ok ? 'CONNECT is not supported' : head.reason,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    async drain(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
