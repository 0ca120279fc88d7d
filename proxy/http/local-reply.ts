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
  res.writeHead(status, [
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
    LOCAL_REPLY_HEADER,
    'true',
  ]);
  res.end(body);
}

/**
 * The same reply as raw HTTP/1.1 with `Connection: close`, for the server to write when it refuses a
 * request before there is a response to it (a malformed or slow head).
 */
export function localReplyHead(status: number, message: string): string {
  const body = localReplyBody(message);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `${LOCAL_REPLY_HEADER}: true\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}
