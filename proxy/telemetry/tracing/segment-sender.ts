// Sends segment documents to the X-Ray daemon: one UDP datagram each, on this tracer's own socket.
// Never blocks and never throws into the caller; what cannot be sent is dropped and counted.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  DAEMON_PROTOCOL_HEADER,
  MAX_SEGMENT_BYTES,
  MAX_SEGMENTS_WHILE_CONNECTING,
  MAX_SENDS_IN_FLIGHT,
} from './constants.js';
import { TracingConfigError } from './errors.js';

export interface DaemonAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * `AWS_XRAY_DAEMON_ADDRESS` syntax: `host:port`, or `udp:host:port tcp:host:port` (only the UDP part is
 * used here).
 */
export function parseDaemonAddress(value: string): DaemonAddress {
  const trimmed = value.trim();
  const parts = trimmed.split(/\s+/);
  let udp = parts.length === 1 ? parts[0]! : parts.find((p) => p.startsWith('udp:'))?.slice(4);
  if (udp === undefined) {
    throw new TracingConfigError(`daemonAddress: must name a udp: address, got "${value}"`);
  }
  if (udp.startsWith('[')) udp = udp.replace(/^\[([^\]]+)\]/, '$1');
  const colon = udp.lastIndexOf(':');
  const host = udp.slice(0, colon);
  const port = Number(udp.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TracingConfigError(`daemonAddress: must be host:port with a port 1–65535, got "${value}"`);
  }
  return { host, port };
}

/** Counters the sender bumps (`Stats.counter(...)` fits). */
export interface SegmentCounters {
  /** Datagrams the socket accepted. */
  readonly sent?: { inc(): void };
  /** Segments dropped: send errors (daemon unreachable), too large, too many in flight. */
  readonly dropped?: { inc(): void };
}

export interface SegmentSenderOptions {
  readonly counters?: SegmentCounters;
  /** Told of each failure; rate-limit any logging here. @default - ignored */
  readonly onError?: (err: Error) => void;
}

export class SegmentSender {
  readonly #address: DaemonAddress;
  readonly #counters: SegmentCounters;
  readonly #onError: ((err: Error) => void) | undefined;
  #socket: Socket | undefined;
  #connected = false;
  #closed = false;
  #waiting: Buffer[] = [];
  #inFlight = 0;

  constructor(address: DaemonAddress, options: SegmentSenderOptions = {}) {
    this.#address = address;
    this.#counters = options.counters ?? {};
    this.#onError = options.onError;
  }

  /** Queues one segment document (its JSON) for the daemon. */
  send(segmentJson: string): void {
    if (this.#closed) return;
    const message = Buffer.from(DAEMON_PROTOCOL_HEADER + segmentJson);
    if (message.length > MAX_SEGMENT_BYTES) {
      this.#drop(new Error(`segment of ${message.length} bytes exceeds ${MAX_SEGMENT_BYTES}`));
      return;
    }
    if (!this.#connected) {
      this.#connect();
      if (this.#waiting.length >= MAX_SEGMENTS_WHILE_CONNECTING) {
        this.#drop(new Error('segment dropped: daemon socket still connecting'));
      } else {
        this.#waiting.push(message);
      }
      return;
    }
    this.#write(message);
  }

  /** Closes the socket; later segments are ignored. */
  close(): void {
    this.#closed = true;
    this.#waiting = [];
    try {
      this.#socket?.close();
    } catch {
      // already closed
    }
  }

  #connect(): void {
    if (this.#socket !== undefined) return;
    const socket = createSocket(isIPv6(this.#address.host) ? 'udp6' : 'udp4');
    this.#socket = socket;
    socket.on('error', (err) => this.#drop(err));
    socket.unref();
    try {
      // A connected socket hears the daemon's ICMP "port unreachable" as ECONNREFUSED on later sends.
      socket.connect(this.#address.port, this.#address.host, () => {
        this.#connected = true;
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const message of waiting) this.#write(message);
      });
    } catch (err) {
      this.#drop(err as Error);
    }
  }

  #write(message: Buffer): void {
    if (this.#inFlight >= MAX_SENDS_IN_FLIGHT) {
      this.#drop(new Error('segment dropped: too many sends in flight'));
      return;
    }
    this.#inFlight++;
    try {
      this.#socket!.send(message, this.#onSent);
    } catch (err) {
      this.#inFlight--;
      this.#drop(err as Error);
    }
  }

  readonly #onSent = (err: Error | null): void => {
    this.#inFlight--;
    if (err) this.#drop(err);
    else this.#counters.sent?.inc();
  };

  #drop(err: Error): void {
    this.#counters.dropped?.inc();
    try {
      this.#onError?.(err);
    } catch {
      // a failing error hook must not reach the request path either
    }
  }
}
