// An HTTP proxy in front of DynamoDB Local that answers chosen requests with a DynamoDB error, on the wire.
// DynamoDB Local serializes transactions, so it never reports TransactionConflict; this lets a test see
// how the store handles the errors real DynamoDB returns under contention.

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** HTTP status of the injected error. */
  readonly status: number;
  /** JSON body, e.g. `{ __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', ... }`. */
  readonly body: Record<string, unknown>;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** How many requests per operation (`TransactWriteItems`, …) reached the proxy. */
  readonly calls: Map<string, number>;
  /** Decides, per request, whether to inject a fault instead of forwarding. */
  inject(decide: (operation: string, call: number) => Fault | undefined): void;
  close(): Promise<void>;
}

/** The error DynamoDB returns when another transaction holds one of the items. */
export function transactionConflict(items: number): Fault {
  return {
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
      CancellationReasons: Array.from({ length: items }, (_, i) =>
        i === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      ),
    },
  };
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const calls = new Map<string, number>();
  let decide: (operation: string, call: number) => Fault | undefined = () => undefined;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const call = (calls.get(operation) ?? 0) + 1;
    calls.set(operation, call);
    const fault = decide(operation, call);
    if (fault !== undefined) {
      res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(fault.body));
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => res.destroy(error));
    forward.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    inject(next) {
      decide = next;
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
