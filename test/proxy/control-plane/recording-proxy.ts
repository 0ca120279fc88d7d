// A reverse proxy on loopback in front of a control plane for the watcher suites: it records each exchange,
// and can be taken down (connections refused) and brought back on the same port.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly ifNoneMatch?: string;
  readonly status: number;
}

export class RecordingProxy {
  readonly exchanges: Exchange[] = [];
  #server: Server | undefined;
  #port = 0;

  constructor(private readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Exchanges whose path contains `fragment`. */
  to(fragment: string): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.path.includes(fragment));
  }

  async up(): Promise<void> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const name of ['if-none-match', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      try {
        const answer = await request(`${this.target}${req.url}`, {
          method: req.method as 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const body = Buffer.from(await answer.body.arrayBuffer());
        this.exchanges.push({
          method: req.method ?? '',
          path: req.url ?? '',
          ...(headers['if-none-match'] !== undefined ? { ifNoneMatch: headers['if-none-match'] } : {}),
          status: answer.statusCode,
        });
        const out: Record<string, string> = {};
        for (const name of ['etag', 'content-type', 'cache-control']) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        res.writeHead(answer.statusCode, out);
        res.end(body);
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    });
    await new Promise<void>((done) => server.listen(this.#port, '127.0.0.1', done));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the port: clients get connection refused until `up()`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  }
}
