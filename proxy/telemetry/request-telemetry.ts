// One request's telemetry, joined in one place: metrics, the X-Ray segment (a subsegment and trace header
// per upstream attempt) and the access log line. Listeners hand it to `forwardRequest`.

import type { DownstreamRequest } from '../http/server/index.js';
import type { AttemptObserver, ForwardOutcome } from '../upstream/index.js';
import type { AccessLogger } from './access-log/index.js';
import type { MetricKey, MetricsRecorder } from './metrics/index.js';
import { type Tracer, withTraceHeader } from './tracing/index.js';

/** What a request is, for its metrics, trace annotations and log line; resolved once per route. */
export interface RequestLabels {
  readonly metricKey?: MetricKey;
  readonly virtualService?: string;
  readonly route?: string;
  readonly gatewayRoute?: string;
  /** The target virtual node (subsegment name, `target` annotation). */
  readonly target?: string;
}

export interface RequestObservation {
  readonly observeAttempt?: (
    endpoint: string,
    attempt: number,
    headers: string[],
  ) => AttemptObserver | undefined;
  readonly done: (outcome: ForwardOutcome) => void;
}

export class RequestTelemetry {
  readonly #recorder: MetricsRecorder;
  readonly #tracer: Tracer;
  readonly #accessLog: AccessLogger;

  constructor(parts: { recorder: MetricsRecorder; tracer: Tracer; accessLog: AccessLogger }) {
    this.#recorder = parts.recorder;
    this.#tracer = parts.tracer;
    this.#accessLog = parts.accessLog;
  }

  /** Starts observing `req` (call when it arrives); `path` is what was routed on. */
  start(
    req: DownstreamRequest,
    path: string,
    head: { readonly hostHeader: string; readonly bodyLength: number },
    labels: RequestLabels,
  ): RequestObservation {
    const authority = head.hostHeader;
    const started = performance.now();
    const startTime = Date.now();
    const tracer = this.#tracer;
    const trace = tracer.enabled ? tracer.begin(req) : undefined;
    const observeAttempt =
      trace === undefined
        ? undefined
        : (endpoint: string, n: number, headers: string[]): AttemptObserver => {
            const span = tracer.attempt(trace, { endpoint, n, name: labels.target || undefined });
            const header = tracer.traceHeaderFor(trace, span);
            // Plain literals of one shape, not conditional spreads: these are built per request.
            return {
              headers: header === undefined ? undefined : withTraceHeader(headers, header),
              end: (result) => span.end(result),
            };
          };
    const done = (outcome: ForwardOutcome): void => {
      const latencyMs = performance.now() - started;
      const bytesIn = Math.max(0, head.bodyLength);
      if (labels.metricKey !== undefined) {
        this.#recorder.record(labels.metricKey, {
          status: outcome.status,
          latencyMs,
          bytesIn,
          bytesOut: outcome.bytesSent,
          retries: outcome.retries,
          timedOut: outcome.timedOut,
        });
      }
      // Only a sampled trace has a segment to end: the rest (most) build nothing here.
      if (trace?.sampled === true) {
        tracer.end(trace, {
          status: outcome.status,
          bytesSent: outcome.bytesSent,
          aborted: outcome.aborted,
          ...labels,
        });
      }
      if (this.#accessLog.enabled) {
        this.#accessLog.log({
          startTime,
          durationMs: latencyMs,
          method: req.method,
          path,
          authority,
          protocol: `HTTP/${req.httpVersion}`,
          requestHeaders: req.rawHeaders,
          status: outcome.status,
          ...(outcome.localReply !== undefined ? { responseFlags: 'LR' } : {}),
          bytesReceived: bytesIn,
          bytesSent: outcome.bytesSent,
          ...(outcome.endpoint !== undefined ? { upstreamHost: outcome.endpoint } : {}),
          ...(labels.route !== undefined ? { routeName: labels.route } : {}),
          downstreamRemoteAddress: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? 0}`,
        });
      }
    };
    return { observeAttempt, done };
  }
}
