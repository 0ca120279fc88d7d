// Remembers connections a local reply has condemned, so requests already pipelined behind it are not forwarded.

/**
 * Node parses every request that arrived in the same chunk before the first response is written, and
 * emits each, even once a reply with `Connection: close` has been decided. Those requests must not
 * reach an upstream: `checkRequestHead` rejects them.
 */
const closing = new WeakSet<object>();

/** Marks `socket`: no further request on it is forwarded. */
export function markClosing(socket: object | null | undefined): void {
  if (socket != null) closing.add(socket);
}

/** Whether a reply has already decided to close `socket`. */
export function isClosing(socket: object | null | undefined): boolean {
  return socket != null && closing.has(socket);
}
