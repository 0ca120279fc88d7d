export {
  DEFAULT_DAEMON_ADDRESS,
  DEFAULT_RESERVOIR_PER_SECOND,
  DEFAULT_SAMPLING_RATE,
  TRACE_HEADER,
} from './constants.js';
export { TracingConfigError } from './errors.js';
export { LocalSampler, type LocalSamplerOptions } from './local-sampler.js';
export { type DaemonAddress, parseDaemonAddress, type SegmentCounters } from './segment-sender.js';
export {
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseTraceHeader,
  type TraceHeader,
  withTraceHeader,
} from './trace-header.js';
export {
  type AttemptInfo,
  type AttemptResult,
  type AttemptSpan,
  createTracer,
  type TraceContext,
  type TraceResult,
  type Tracer,
  type TracerOptions,
} from './tracer.js';
