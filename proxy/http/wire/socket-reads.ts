// Socket reads without Node's Readable machinery: each read lands in one buffer that every proxy socket
// shares and is handed straight to a callback, instead of a fresh buffer per read, a push, a 'data' event
// and a nextTick. Each read is parsed before the next one is made; what outlives the callback (held
// bytes, body chunks) must be copied.

import { Socket } from 'node:net';

/** Where every proxy socket's reads land, upstream and downstream. */
export const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Told each read: `buffer` holds `nread` new bytes until the callback returns. */
export type OnRead = (nread: number, buffer: Uint8Array) => boolean;

/**
 * `net.Socket` keeps its `onread` option under these symbols (lib/net.js, Node 12 and later). Node offers
 * `onread` only to sockets it connects, not to those a server accepts, so an accepted socket is given the
 * same setup by hand. Found once, on a socket with no handle.
 */
const USER_BUFFER = userBufferSymbols();

function userBufferSymbols(): { buffer: symbol; callback: symbol } | undefined {
  const symbols = Object.getOwnPropertySymbols(new Socket());
  const buffer = symbols.find((symbol) => symbol.description === 'kBuffer');
  const callback = symbols.find((symbol) => symbol.description === 'kBufferCb');
  return buffer && callback ? { buffer, callback } : undefined;
}

interface StreamHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/**
 * Makes an accepted socket that has not started reading (its server has `pauseOnConnect`) deliver its reads
 * to `onRead`, as `onread: { buffer: READ_BUFFER, callback: onRead }` does for a connected one; `pause()`
 * and `resume()` then stop and start the reads themselves. A paused socket reads nothing, not even a FIN;
 * and a `pause()` in the tick of a `resume()` does not hold, as the resume's deferred `read(0)` starts the
 * reads again. Returns `false`, changing nothing, where this Node does not keep `onread` as expected: the
 * caller then reads 'data' events.
 */
export function readAcceptedInto(socket: Socket, onRead: OnRead): boolean {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (USER_BUFFER === undefined || typeof handle?.useUserBuffer !== 'function') return false;
  const slots = socket as unknown as Record<symbol, unknown>;
  if (slots[USER_BUFFER.buffer] !== null || slots[USER_BUFFER.callback] !== null) return false;
  slots[USER_BUFFER.buffer] = READ_BUFFER;
  slots[USER_BUFFER.callback] = onRead;
  handle.useUserBuffer(READ_BUFFER);
  return true;
}
