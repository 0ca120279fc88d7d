// One active health probe of the local app: an HTTP/1.1 or HTTP/2 GET, a gRPC Health/Check, or a TCP connect.

import { request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import type { HealthCheck } from '../../control-plane/snapshot/index.js';

/** The status an HTTP check must get (Envoy's default, which App Mesh used). */
export const HEALTHY_HTTP_STATUS = 200;
export const HEALTH_CHECK_USER_AGENT = 'tessera-health-check';

export interface ProbeTarget {
  readonly protocol: HealthCheck['protocol'];
  readonly host: string;
  readonly port: number;
  /** @default '/' */
  readonly path?: string;
}

/** Resolves when the app is healthy; rejects with why not. `signal` bounds it (the check's timeout). */
export function probe(target: ProbeTarget, signal: AbortSignal): Promise<void> {
  switch (target.protocol) {
    case 'http':
      return probeHttp1(target, signal);
    case 'http2':
      return probeHttp2(target, signal, false);
    case 'grpc':
      return probeHttp2(target, signal, true);
    default:
      return probeTcp(target, signal);
  }
}

function probeHttp1(target: ProbeTarget, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.host,
        port: target.port,
        path: target.path ?? '/',
        method: 'GET',
        agent: false,
        signal,
        headers: { 'user-agent': HEALTH_CHECK_USER_AGENT, connection: 'close' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === HEALTHY_HTTP_STATUS
            ? resolve()
            : reject(new Error(`answered ${res.statusCode}, not ${HEALTHY_HTTP_STATUS}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(describe(error, signal)));
    req.end();
  });
}

/** HTTP/2 without TLS (prior knowledge); for gRPC, `grpc.health.v1.Health/Check` must answer SERVING. */
function probeHttp2(target: ProbeTarget, signal: AbortSignal, grpc: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://${target.host}:${target.port}`);
    const done = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      session.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => done(describe(new Error('aborted'), signal));
    signal.addEventListener('abort', onAbort, { once: true });
    session.on('error', (error) => done(describe(error, signal)));
    const stream = session.request(
      grpc
        ? {
            ':method': 'POST',
            ':path': '/grpc.health.v1.Health/Check',
            'content-type': 'application/grpc',
            te: 'trailers',
            'user-agent': HEALTH_CHECK_USER_AGENT,
          }
        : { ':method': 'GET', ':path': target.path ?? '/', 'user-agent': HEALTH_CHECK_USER_AGENT },
    );
    let status = 0;
    let grpcStatus: string | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      if (headers['grpc-status'] !== undefined) grpcStatus = String(headers['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== undefined) grpcStatus = String(trailers['grpc-status']);
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => done(describe(error, signal)));
    stream.on('end', () => {
      if (!grpc) {
        done(
          status === HEALTHY_HTTP_STATUS
            ? undefined
            : new Error(`answered ${status}, not ${HEALTHY_HTTP_STATUS}`),
        );
        return;
      }
      if (grpcStatus !== '0') {
        done(new Error(`answered grpc-status ${grpcStatus ?? 'none'} (HTTP ${status})`));
        return;
      }
      done(isServing(Buffer.concat(chunks)) ? undefined : new Error('answered a status other than SERVING'));
    });
    // gRPC: an empty HealthCheckRequest (any service), an uncompressed frame of length 0.
    if (grpc) stream.end(Buffer.alloc(5));
    else stream.end();
  });
}

/** A gRPC frame holding `HealthCheckResponse { status: SERVING (1) }`: field 1, varint 1. */
function isServing(frame: Buffer): boolean {
  if (frame.length < 5 || frame[0] !== 0) return false;
  const message = frame.subarray(5, 5 + frame.readUInt32BE(1));
  for (let i = 0; i + 1 < message.length; i += 2) {
    if (message[i] === 0x08) return message[i + 1] === 1;
  }
  return false;
}

function probeTcp(target: ProbeTarget, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: target.host, port: target.port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => reject(describe(error, signal)));
  });
}

function describe(error: Error, signal: AbortSignal): Error {
  if (signal.aborted) return new Error('timed out');
  const code = (error as NodeJS.ErrnoException).code;
  return new Error(code !== undefined ? `${code}: ${error.message}` : error.message);
}
