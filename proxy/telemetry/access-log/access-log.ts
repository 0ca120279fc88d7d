// The access log: each request's entry formatted by the snapshot's compiled format and written in the
// background, whole lines per write; past a bound of waiting bytes, lines are dropped and counted.

import type { Writable } from 'node:stream';
import type { AccessLog as AccessLogSettings } from '../../../control-plane/snapshot/index.js';
import type { AccessLogEntry } from './access-log-entry.js';
import { type AccessLogFormatter, compileAccessLogFormat } from './access-log-format.js';
import { type AccessLogSink, fileSink, streamSink } from './access-log-sink.js';
import { DEFAULT_MAX_BUFFERED_BYTES, WRITE_BATCH_BYTES } from './constants.js';

export interface AccessLogOptions {
  /** What `/dev/stdout` means. @default - the file /dev/stdout, written from the thread pool */
  readonly stdout?: Writable;
  /** Opens any other path. @default fileSink */
  readonly openSink?: (path: string) => AccessLogSink;
  /** Characters waiting to be written beyond which lines are dropped. @default 1 MiB */
  readonly maxBufferedBytes?: number;
  readonly counters?: {
    /** Lines written. */
    readonly written?: { inc(by?: number): void };
    /** Lines dropped: over the bound, or a failed write. */
    readonly dropped?: { inc(by?: number): void };
  };
  /** Told of each failed write. @default - ignored */
  readonly onError?: (err: Error) => void;
}

export interface AccessLogger {
  /** Whether a log is configured; skip building entries when not. */
  readonly enabled: boolean;
  /** Formats and queues one request's line. Never throws, never blocks. */
  log(entry: AccessLogEntry): void;
  /**
   * Applies a new snapshot's settings (`undefined`: no access log). The format is compiled first; an
   * invalid one throws `AccessLogFormatError` and the current settings stay.
   */
  reconfigure(settings: AccessLogSettings | undefined): void;
  /** Stops logging; lines already queued are still written. */
  close(): void;
}

/** Creates the access log for a snapshot's `accessLog`; throws `AccessLogFormatError` on a bad format. */
export function createAccessLog(
  settings: AccessLogSettings | undefined,
  options: AccessLogOptions = {},
): AccessLogger {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  let format: AccessLogFormatter | undefined;
  let writer: LineWriter | undefined;
  let path: string | undefined;

  const open = (target: string): AccessLogSink => {
    if (target === '/dev/stdout' && options.stdout !== undefined) return streamSink(options.stdout);
    return (options.openSink ?? fileSink)(target);
  };

  const logger: AccessLogger = {
    get enabled() {
      return writer !== undefined;
    },
    log(entry) {
      if (writer === undefined || format === undefined) return;
      let line: string;
      try {
        line = format(entry);
      } catch (err) {
        options.counters?.dropped?.inc();
        options.onError?.(err as Error);
        return;
      }
      writer.push(line);
    },
    reconfigure(next) {
      if (next === undefined) {
        writer?.close();
        writer = undefined;
        format = undefined;
        path = undefined;
        return;
      }
      const compiled = compileAccessLogFormat(next.format);
      if (next.path !== path || writer === undefined) {
        writer?.close();
        writer = new LineWriter(open(next.path), maxBuffered, options);
        path = next.path;
      }
      format = compiled;
    },
    close() {
      logger.reconfigure(undefined);
    },
  };
  logger.reconfigure(settings);
  return logger;
}

/** Whole lines to one sink, one write outstanding, batching what queued meanwhile. */
class LineWriter {
  readonly #sink: AccessLogSink;
  readonly #max: number;
  readonly #options: AccessLogOptions;
  #queue: string[] = [];
  #queued = 0;
  #writing = false;
  #closing = false;

  constructor(sink: AccessLogSink, max: number, options: AccessLogOptions) {
    this.#sink = sink;
    this.#max = max;
    this.#options = options;
  }

  push(line: string): void {
    if (this.#closing) return;
    if (this.#queued + line.length > this.#max) {
      this.#options.counters?.dropped?.inc();
      return;
    }
    this.#queue.push(line);
    this.#queued += line.length;
    if (!this.#writing) this.#flush();
  }

  close(): void {
    this.#closing = true;
    if (!this.#writing && this.#queue.length === 0) this.#sink.close();
  }

  #flush(): void {
    if (this.#queue.length === 0) {
      if (this.#closing) this.#sink.close();
      return;
    }
    let chunk = this.#queue[0]!;
    let count = 1;
    while (count < this.#queue.length && chunk.length + this.#queue[count]!.length <= WRITE_BATCH_BYTES) {
      chunk += this.#queue[count]!;
      count++;
    }
    this.#queue.splice(0, count);
    this.#queued -= chunk.length;
    this.#writing = true;
    try {
      this.#sink.write(chunk, (err) => this.#written(count, err));
    } catch (err) {
      this.#written(count, err as Error);
    }
  }

  #written(count: number, err: Error | null): void {
    this.#writing = false;
    if (err) {
      this.#options.counters?.dropped?.inc(count);
      try {
        this.#options.onError?.(err);
      } catch {
        // an error hook must not break the writer
      }
    } else {
      this.#options.counters?.written?.inc(count);
    }
    this.#flush();
  }
}
