// Where access-log bytes go: a file (or `/dev/stdout`) written by libuv's thread pool, or any Writable.
// A sink reports each write's end; the writer in front of it keeps at most one write outstanding.

import { close, open, write } from 'node:fs';
import type { Writable } from 'node:stream';

export interface AccessLogSink {
  /** Writes `chunk`; `done` is called once it is written or failed. */
  write(chunk: string, done: (err: Error | null) => void): void;
  /** Releases the sink once the last write is done. */
  close(): void;
}

/**
 * Appends to `path` through `fs.write` (the thread pool, so a slow disk or a full pipe never stalls the
 * event loop). `/dev/stdout` and `/dev/stderr` fall back to fd 1 / 2 when they cannot be opened (a socket).
 */
export function fileSink(path: string): AccessLogSink {
  const fallback = path === '/dev/stdout' ? 1 : path === '/dev/stderr' ? 2 : undefined;
  let owned = true;
  const fd = new Promise<number>((resolve, reject) => {
    open(path, 'a', (err, fd) => {
      if (!err) return resolve(fd);
      if (fallback === undefined) return reject(err);
      owned = false;
      resolve(fallback);
    });
  });
  fd.catch(() => {}); // reported on each write
  const writeAll = (fd: number, bytes: Buffer, offset: number, done: (err: Error | null) => void) => {
    write(fd, bytes, offset, bytes.length - offset, null, (err, written) => {
      if (err) return done(err);
      if (offset + written < bytes.length) return writeAll(fd, bytes, offset + written, done);
      done(null);
    });
  };
  return {
    write(chunk, done) {
      fd.then(
        (fd) => writeAll(fd, Buffer.from(chunk), 0, done),
        (err: Error) => done(err),
      );
    },
    close() {
      fd.then(
        (fd) => {
          if (owned) close(fd, () => {});
        },
        () => {},
      );
    },
  };
}

/** Writes to a stream (e.g. `process.stdout`, or one a test holds); it is not ended on close. */
export function streamSink(stream: Writable): AccessLogSink {
  return {
    write(chunk, done) {
      try {
        stream.write(chunk, (err) => done(err ?? null));
      } catch (err) {
        done(err as Error);
      }
    },
    close() {},
  };
}
