// Replies the proxy makes itself (rejections, no route, no upstream): a short JSON body marked as local.

import { STATUS_CODES } from 'node:http';
import type { DownstreamResponse } from './server/downstream-response.js';

/** Set on every reply the proxy makes itself, so a client can tell it from the upstream's. */
export const LOCAL_REPLY_HEADER = 'x-tessera-local-reply';

export interface LocalReplyOptions {
  /** Send `Connection: close` and close the connection after the reply. @default false */
  readonly close?: boolean;
}

/** The body of a local reply: `{"message":…,"proxy":"tessera"}`. */
export function localReplyBody(message: string): string {
  return JSON.stringify({ message, proxy: 'tessera' });
}

/** The headers of a local reply whose body is `bodyBytes` long (flat `[name, value, …]`). */
export function localReplyHeaders(bodyBytes: number): string[] {
  return [
    'content-type',
    'application/json',
    'content-length',
    String(bodyBytes),
    LOCAL_REPLY_HEADER,
    'true',
  ];
}

/**
 * Answers `res` with `status` and a JSON body saying `message`. With `close`, the connection closes after
 * it, and requests already pipelined on it are never read. When the response has already started
 * (headers sent), nothing sensible can be added: the connection is destroyed, so the client sees an
 * aborted response rather than a complete one.
 */
export function localReply(
  res: DownstreamResponse,
  status: number,
  message: string,
  options: LocalReplyOptions = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = localReplyBody(message);
  if (options.close === true) res.closeConnection();
  res.writeHead(status, localReplyHeaders(Buffer.byteLength(body)));
  res.end(body);
}

/**
 * The same reply as raw HTTP/1.1 with `Connection: close`, for the server to write when it refuses a
 * request before there is a response to it (a malformed or slow head).
 */
export function localReplyHead(status: number, message: string): string {
  const body = localReplyBody(message);
  const headers = [...localReplyHeaders(Buffer.byteLength(body)), 'connection', 'close'];
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n${body}`;
}
