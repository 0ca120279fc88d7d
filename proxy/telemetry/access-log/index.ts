export {
  type AccessLogger,
  type AccessLogOptions,
  createAccessLog,
} from './access-log.js';
export type { AccessLogEntry } from './access-log-entry.js';
export { type AccessLogFormatter, compileAccessLogFormat } from './access-log-format.js';
export { type AccessLogSink, fileSink, streamSink } from './access-log-sink.js';
export { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_TEXT_FORMAT } from './constants.js';
export { AccessLogFormatError } from './errors.js';
