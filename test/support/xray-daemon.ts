// A stand-in X-Ray daemon: a UDP socket on 127.0.0.1 that parses the daemon protocol
// (`{"format":"json","version":1}\n<segment document>` per datagram) into segment documents.

import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface XraySubsegmentDocument {
  readonly id: string;
  readonly name: string;
  readonly start_time: number;
  readonly end_time?: number;
  readonly in_progress?: boolean;
  readonly namespace?: string;
  readonly http?: { request?: Record<string, unknown>; response?: Record<string, unknown> };
  readonly annotations?: Record<string, string | number | boolean>;
  readonly error?: boolean;
  readonly fault?: boolean;
  readonly throttle?: boolean;
  readonly cause?: unknown;
}

export interface XraySegmentDocument extends XraySubsegmentDocument {
  readonly trace_id: string;
  readonly parent_id?: string;
  readonly origin?: string;
  readonly subsegments?: XraySubsegmentDocument[];
}

export interface XrayDaemon {
  /** `127.0.0.1:PORT`, for `AWS_XRAY_DAEMON_ADDRESS` or `daemonAddress`. */
  readonly address: string;
  readonly port: number;
  readonly segments: XraySegmentDocument[];
  /** Datagrams without the protocol header or with invalid JSON. */
  readonly malformed: string[];
  /** Resolves once `count` segments have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<XraySegmentDocument[]>;
  close(): Promise<void>;
}

const HEADER = '{"format":"json","version":1}';

export async function startXrayDaemon(): Promise<XrayDaemon> {
  const socket = createSocket('udp4');
  const segments: XraySegmentDocument[] = [];
  const malformed: string[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (msg) => {
    const text = msg.toString('utf8');
    const newline = text.indexOf('\n');
    try {
      if (newline < 0 || JSON.stringify(JSON.parse(text.slice(0, newline))) !== HEADER) {
        throw new Error('no protocol header');
      }
      segments.push(JSON.parse(text.slice(newline + 1)) as XraySegmentDocument);
    } catch {
      malformed.push(text);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    segments,
    malformed,
    waitFor(count, timeoutMs = 2_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} segments, got ${segments.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (segments.length >= count) {
            clearTimeout(timer);
            resolve(segments.slice());
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
