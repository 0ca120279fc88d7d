// The proxy's HTTP/1.1 server: accepts connections, times out slow and idle ones with one timer, drains.

import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { HttpLimits } from '../limits.js';
import { type ConnectionServer, type RequestHandler, ServerConnection } from './server-connection.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly limits: HttpLimits;
  readonly handle: RequestHandler;
  /** Told about each accepted connection (connection metrics). */
  readonly onConnection?: (socket: Socket) => void;
}

export interface HttpServer {
  readonly port: number;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `graceMs`, then closes
   * whatever is left. Idle keep-alive connections close at once.
   */
  drain(graceMs: number): Promise<void>;
}

class Connections implements ConnectionServer {
  readonly handle: RequestHandler;
  readonly limits: HttpLimits;
  draining = false;
  readonly open = new Set<ServerConnection>();
  #sweep: ReturnType<typeof setInterval> | undefined;

  constructor(limits: HttpLimits, handle: RequestHandler) {
    this.handle = handle;
    // A head is part of its request: it cannot be given longer than the whole.
    const requestTimeoutMs = limits.requestTimeoutMs;
    this.limits =
      requestTimeoutMs > 0 && limits.headersTimeoutMs > requestTimeoutMs
        ? { ...limits, headersTimeoutMs: requestTimeoutMs }
        : limits;
  }

  accept(socket: Socket): void {
    this.open.add(new ServerConnection(this, socket));
    if (this.#sweep === undefined) {
      // One timer for every connection's deadline, instead of re-arming a socket timer per request.
      this.#sweep = setInterval(this.#check, this.limits.timeoutCheckIntervalMs);
      this.#sweep.unref();
    }
  }

  closed(connection: ServerConnection): void {
    this.open.delete(connection);
    if (this.open.size === 0 && this.#sweep !== undefined) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }

  readonly #check = (): void => {
    const now = Date.now();
    for (const connection of this.open) {
      if (connection.deadline !== 0 && now >= connection.deadline) connection.timedOut();
    }
  };
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const connections = new Connections(options.limits, options.handle);
  const { onConnection } = options;
  // Paused so that a connection can choose how it reads before the first read (`ServerConnection`).
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    onConnection?.(socket);
    connections.accept(socket);
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
      connections.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections.open) connection.drain();
      const timer = setTimeout(() => {
        for (const connection of connections.open) connection.socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
