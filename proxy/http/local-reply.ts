// Replies the proxy makes itself (rejections, no route, no upstream): a short JSON body marked as local.

import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { markClosing } from './closing-connections.js';

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
 * Answers `res` with `status` and a JSON body saying `message`. With `close`, requests already pipelined
 * on the connection are refused by `checkRequestHead` (never forwarded). When the response has already started
 * (headers sent), nothing sensible can be added: the connection is destroyed, so the client sees an
 * aborted response rather than a complete one.
 */
export function localReply(
  res: ServerResponse,
  status: number,
  message: string,
  options: LocalReplyOptions = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = localReplyBody(message);
  const headers = [
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
    LOCAL_REPLY_HEADER,
    'true',
  ];
  if (options.close === true) {
    headers.push('connection', 'close');
    res.shouldKeepAlive = false;
    markClosing(res.req?.socket);
  }
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The same reply written as raw HTTP/1.1 on a socket that has no `ServerResponse` (a `CONNECT` or
 * `upgrade` request), then the socket is closed.
 */
export function localReplyOnSocket(socket: Duplex, status: number, message: string): void {
  const body = localReplyBody(message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `${LOCAL_REPLY_HEADER}: true\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
