// A local endpoint that speaks CloudWatch's wire protocol as @aws-sdk/client-cloudwatch uses it (awsJson1_0,
// `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, gzip bodies when `Content-Encoding: gzip`) for
// PutMetricData, recording each call. Tests can make it throttle or fail; the real client is pointed at it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** CloudWatch's own bounds on PutMetricData. */
const MAX_DATUMS = 1_000;
const MAX_VALUES = 150;

export interface RecordedCall {
  readonly operation: string;
  /** Whether the body arrived gzipped, and its size on the wire and decoded. */
  readonly gzip: boolean;
  readonly wireBytes: number;
  readonly bodyBytes: number;
  readonly body: {
    readonly Namespace: string;
    readonly MetricData: ReadonlyArray<{
      readonly MetricName: string;
      readonly Dimensions?: ReadonlyArray<{ Name: string; Value: string }>;
      readonly Value?: number;
      readonly Values?: number[];
      readonly Counts?: number[];
      readonly Unit?: string;
      readonly StorageResolution?: number;
      readonly Timestamp?: number;
    }>;
  };
}

/** How the endpoint answers the next calls. */
export type Behaviour = 'ok' | 'throttle' | 'error';

export interface CloudWatchEndpoint {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Calls that were answered 200, in order. */
  readonly calls: RecordedCall[];
  /** Every call, answered or refused. */
  readonly attempts: number;
  behaviour: Behaviour;
  /** A client with dummy credentials, this endpoint, and `maxAttempts` (default 1: no SDK retries). */
  client(maxAttempts?: number): CloudWatchClient;
  close(): Promise<void>;
}

export async function startCloudWatchEndpoint(): Promise<CloudWatchEndpoint> {
  const calls: RecordedCall[] = [];
  const state = { behaviour: 'ok' as Behaviour, attempts: 0 };
  const clients: CloudWatchClient[] = [];

  const server: Server = createServer(async (req, res) => {
    state.attempts++;
    try {
      const call = await readCall(req);
      if (state.behaviour === 'throttle') {
        return send(res, 400, { __type: 'Throttling', message: 'Rate exceeded' }, 'Throttling;Sender');
      }
      if (state.behaviour === 'error') {
        return send(
          res,
          500,
          { __type: 'InternalServiceFault', message: 'internal error' },
          'InternalServiceError;Receiver',
        );
      }
      if (call.operation !== 'PutMetricData') {
        return send(res, 400, { __type: 'UnknownOperationException', message: call.operation });
      }
      const invalid = validate(call.body);
      if (invalid !== undefined) {
        return send(
          res,
          400,
          { __type: 'InvalidParameterValue', message: invalid },
          'InvalidParameterValue;Sender',
        );
      }
      calls.push(call);
      send(res, 200, {});
    } catch (error) {
      send(res, 500, { __type: 'InternalServiceFault', message: String(error) });
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    get attempts() {
      return state.attempts;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(next: Behaviour) {
      state.behaviour = next;
    },
    client(maxAttempts = 1) {
      const client = new CloudWatchClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function readCall(req: IncomingMessage): Promise<RecordedCall> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const wire = Buffer.concat(chunks);
  const gzip = req.headers['content-encoding'] === 'gzip';
  const raw = gzip ? gunzipSync(wire) : wire;
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith(TARGET_PREFIX)) throw new Error(`unexpected X-Amz-Target ${target}`);
  if (!String(req.headers['content-type']).startsWith(CONTENT_TYPE)) {
    throw new Error(`unexpected Content-Type ${req.headers['content-type']}`);
  }
  return {
    operation: target.slice(TARGET_PREFIX.length),
    gzip,
    wireBytes: wire.length,
    bodyBytes: raw.length,
    body: JSON.parse(raw.toString('utf8')) as RecordedCall['body'],
  };
}

/** CloudWatch's checks on a PutMetricData body; the first broken rule, or undefined. */
function validate(body: RecordedCall['body']): string | undefined {
  if (typeof body.Namespace !== 'string' || body.Namespace === '') return 'Namespace is required';
  if (!Array.isArray(body.MetricData) || body.MetricData.length === 0) return 'MetricData is required';
  if (body.MetricData.length > MAX_DATUMS) return `MetricData has more than ${MAX_DATUMS} items`;
  for (const datum of body.MetricData) {
    const values = datum.Values ?? [];
    if (values.length > MAX_VALUES) return `${datum.MetricName}: more than ${MAX_VALUES} Values`;
    if (datum.Counts !== undefined && datum.Counts.length !== values.length) {
      return `${datum.MetricName}: Counts and Values differ in length`;
    }
    if (datum.Value !== undefined && datum.Values !== undefined) return 'Value and Values are exclusive';
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, queryError?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': '00000000-0000-0000-0000-000000000000',
    ...(queryError !== undefined ? { 'x-amzn-query-error': queryError } : {}),
  });
  res.end(text);
}
