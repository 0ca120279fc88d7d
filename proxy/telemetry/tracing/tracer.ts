// X-Ray tracing for the proxy: a segment per downstream request (continuing or starting its trace), a
// subsegment per upstream attempt, and the `X-Amzn-Trace-Id` each attempt carries to the next hop.
// Unsampled and disabled requests build no segment objects.

import type { DownstreamRequest } from '../../http/server/index.js';
import {
  DEFAULT_DAEMON_ADDRESS,
  DEFAULT_RESERVOIR_PER_SECOND,
  DEFAULT_SAMPLING_RATE,
  MAX_ATTEMPT_SUBSEGMENTS,
  SEGMENT_ORIGIN,
  TRACE_HEADER,
} from './constants.js';
import { TracingConfigError } from './errors.js';
import { LocalSampler } from './local-sampler.js';
import {
  addSubsegment,
  flagStatus,
  newSegment,
  remoteCause,
  type SegmentDocument,
  type SubsegmentDocument,
} from './segment-document.js';
import { parseDaemonAddress, type SegmentCounters, SegmentSender } from './segment-sender.js';
import { formatTraceHeader, newTraceId, parseTraceHeader } from './trace-header.js';

export interface TracerOptions {
  /** `false`: every method is a no-op and the trace header crosses the proxy untouched. */
  readonly enabled: boolean;
  readonly mesh: string;
  readonly proxy: { readonly kind: 'virtualNode' | 'virtualGateway'; readonly name: string };
  /** @default `${mesh}/${proxy.name}`, as App Mesh's Envoy named its segments */
  readonly segmentName?: string;
  /** Fraction 0–1 of requests sampled once the second's reservoir is used. @default 0.05 */
  readonly samplingRate?: number;
  /** @default 1 */
  readonly reservoirPerSecond?: number;
  /** X-Ray's centralized sampling rules (GetSamplingRules through the daemon). Not supported yet. @default false */
  readonly centralizedSampling?: boolean;
  /** `host:port` of the daemon (UDP). @default AWS_XRAY_DAEMON_ADDRESS, else 127.0.0.1:2000 */
  readonly daemonAddress?: string;
  readonly counters?: SegmentCounters;
  /** Told of each send failure. @default - ignored */
  readonly onError?: (err: Error) => void;
  /** For the sampler's per-second reservoir. @default Date.now */
  readonly now?: () => number;
  /** For the sampler's rate. @default Math.random */
  readonly random?: () => number;
}

/** One downstream request's place in its trace. Opaque: pass it back to the tracer. */
export interface TraceContext {
  readonly root: string | undefined;
  readonly sampled: boolean;
}

/** One upstream attempt's subsegment (a shared no-op when the request is not sampled). */
export interface AttemptSpan {
  /** The subsegment id, the next hop's `Parent`; `undefined` when not recorded. */
  readonly id: string | undefined;
  /** Closes the subsegment. `status` 4xx → error (429 also throttle), 5xx → fault; `error` → fault. */
  end(result: AttemptResult): void;
}

export interface AttemptResult {
  /** The upstream's status; absent when no response came. */
  readonly status?: number;
  /** Why no (usable) response came: refused, reset, timeout… */
  readonly error?: Error | string;
}

export interface AttemptInfo {
  /** `address:port` of the endpoint tried. */
  readonly endpoint: string;
  /** 1 for the first try, 2 for the first retry… */
  readonly n: number;
  /** Subsegment name: the service called. @default endpoint */
  readonly name?: string;
}

export interface TraceResult {
  /** Status sent downstream; 0 when none was (client gone first). */
  readonly status: number;
  /** Route name (annotation `route`). */
  readonly route?: string;
  /** Target virtual node (annotation `target`). */
  readonly target?: string;
  /** Annotation `virtual_service`. */
  readonly virtualService?: string;
  /** A gateway's gateway route (annotation `gateway_route`). */
  readonly gatewayRoute?: string;
  /** Response body bytes sent downstream (`http.response.content_length`). */
  readonly bytesSent?: number;
  /** The response was cut short after it began: marked as a fault. */
  readonly aborted?: boolean;
}

export interface Tracer {
  readonly enabled: boolean;
  /** Continues the request's `X-Amzn-Trace-Id`, or starts a trace with a local sampling decision. */
  begin(req: DownstreamRequest): TraceContext;
  /**
   * The `X-Amzn-Trace-Id` value to send upstream, `Parent` = the attempt's subsegment (or the segment);
   * `undefined` when tracing is disabled (leave the request's own header as it is).
   */
  traceHeaderFor(ctx: TraceContext, attempt?: AttemptSpan): string | undefined;
  /** Opens a subsegment for one upstream attempt. */
  attempt(ctx: TraceContext, info: AttemptInfo): AttemptSpan;
  /** Closes the request's segment and sends it to the daemon. Once per context; later calls are ignored. */
  end(ctx: TraceContext, result: TraceResult): void;
  /** Closes the daemon socket. */
  close(): void;
}

const NOOP_ATTEMPT: AttemptSpan = { id: undefined, end() {} };
const DISABLED_CONTEXT: TraceContext = { root: undefined, sampled: false };

/** Sampled or not, what `begin` learned; sampled ones also carry the segment. */
class Context implements TraceContext {
  readonly root: string;
  readonly sampled: boolean;
  /** Header for the next hop when not sampled, built once. */
  readonly header: string | undefined;
  readonly extra: string;
  readonly segment: SegmentDocument | undefined;
  method = '';
  path = '';
  attempts = 0;
  ended = false;

  constructor(
    root: string,
    sampled: boolean,
    header: string | undefined,
    extra: string,
    segment?: SegmentDocument,
  ) {
    this.root = root;
    this.sampled = sampled;
    this.header = header;
    this.extra = extra;
    this.segment = segment;
  }
}

class Attempt implements AttemptSpan {
  readonly #sub: SubsegmentDocument;
  readonly #now: () => number;

  constructor(sub: SubsegmentDocument, now: () => number) {
    this.#sub = sub;
    this.#now = now;
  }

  get id(): string {
    return this.#sub.id;
  }

  end(result: AttemptResult): void {
    const sub = this.#sub;
    if (sub.end_time !== undefined) return;
    const { status, error } = result;
    if (status !== undefined && status > 0) {
      sub.http.response = { status };
      flagStatus(sub, status);
    }
    if (error !== undefined) {
      sub.fault = true;
      sub.cause = remoteCause(error);
    }
    sub.end_time = this.#now() / 1000;
  }
}

export function createTracer(options: TracerOptions): Tracer {
  if (!options.enabled) return disabledTracer();
  const problems: string[] = [];
  const rate = options.samplingRate ?? DEFAULT_SAMPLING_RATE;
  if (!(rate >= 0 && rate <= 1)) problems.push(`samplingRate: must be 0–1, got ${rate}`);
  const reservoir = options.reservoirPerSecond ?? DEFAULT_RESERVOIR_PER_SECOND;
  if (!(Number.isInteger(reservoir) && reservoir >= 0)) {
    problems.push(`reservoirPerSecond: must be a whole number ≥ 0, got ${reservoir}`);
  }
  if (options.centralizedSampling === true) {
    problems.push('centralizedSampling: X-Ray sampling rules are not supported yet, got true');
  }
  const name = options.segmentName ?? `${options.mesh}/${options.proxy.name}`;
  if (name.length === 0 || name.length > 200) {
    problems.push(`segmentName: must be 1–200 characters, got "${name}"`);
  }
  let address: ReturnType<typeof parseDaemonAddress> | undefined;
  try {
    address = parseDaemonAddress(
      options.daemonAddress ?? (process.env.AWS_XRAY_DAEMON_ADDRESS || DEFAULT_DAEMON_ADDRESS),
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length > 0 || address === undefined) throw new TracingConfigError(problems.join('; '));
  const now = options.now ?? Date.now;
  const sampler = new LocalSampler({
    reservoirPerSecond: reservoir,
    rate,
    now,
    ...(options.random !== undefined ? { random: options.random } : {}),
  });
  const sender = new SegmentSender(address, {
    ...(options.counters !== undefined ? { counters: options.counters } : {}),
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
  const nodeKey = options.proxy.kind === 'virtualGateway' ? 'gateway' : 'node';

  return {
    enabled: true,

    begin(req) {
      const value = req.header(TRACE_HEADER);
      const incoming = value === undefined ? undefined : parseTraceHeader(value);
      const sampledFlag = incoming?.sampled;
      const sampled = sampledFlag === '1' ? true : sampledFlag === '0' ? false : sampler.sample();
      const root = incoming?.root ?? newTraceId(now());
      const parent = incoming?.root === undefined ? undefined : incoming.parent;
      const extra = incoming?.extra ?? '';
      if (!sampled) {
        // An explicit `Sampled=0` travels on as it came; otherwise the decision is written in.
        const header =
          sampledFlag === '0' && incoming?.root !== undefined
            ? value
            : formatTraceHeader(root, parent, false, extra);
        return new Context(root, false, header, extra);
      }
      const method = req.method;
      const path = req.url;
      const xff = req.header('x-forwarded-for');
      const forwardedFor = xff === undefined ? undefined : xff.split(',')[0]!.trim();
      const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const request: Record<string, string | boolean | undefined> = {
        method,
        url: `${scheme}://${req.header('host') ?? ''}${path}`,
        client_ip: forwardedFor || req.socket.remoteAddress,
      };
      if (forwardedFor) request.x_forwarded_for = true;
      const agent = req.header('user-agent');
      if (agent !== undefined) request.user_agent = agent;
      const segment = newSegment({
        name,
        traceId: root,
        parentId: parent,
        startMs: now(),
        origin: SEGMENT_ORIGIN,
        request,
      });
      const ctx = new Context(root, true, undefined, extra, segment);
      ctx.method = method;
      ctx.path = path;
      return ctx;
    },

    traceHeaderFor(ctx, attempt) {
      if (!(ctx instanceof Context)) return undefined;
      if (!ctx.sampled) return ctx.header;
      return formatTraceHeader(ctx.root, attempt?.id ?? ctx.segment!.id, true, ctx.extra);
    },

    attempt(ctx, info) {
      if (!(ctx instanceof Context) || !ctx.sampled || ctx.ended) return NOOP_ATTEMPT;
      if (ctx.attempts >= MAX_ATTEMPT_SUBSEGMENTS) return NOOP_ATTEMPT;
      ctx.attempts++;
      const sub = addSubsegment(
        ctx.segment!,
        info.name ?? info.endpoint,
        now(),
        { method: ctx.method, url: `http://${info.endpoint}${ctx.path}` },
        { attempt: info.n, endpoint: info.endpoint },
      );
      return new Attempt(sub, now);
    },

    end(ctx, result) {
      if (!(ctx instanceof Context) || !ctx.sampled || ctx.ended) return;
      ctx.ended = true;
      try {
        const segment = ctx.segment!;
        const end = now() / 1000;
        for (const sub of segment.subsegments ?? []) sub.end_time ??= end;
        const response: { status?: number; content_length?: number } = {};
        if (result.status > 0) response.status = result.status;
        if (result.bytesSent !== undefined) response.content_length = result.bytesSent;
        segment.http.response = response;
        if (result.status === 0) segment.error = true;
        else flagStatus(segment, result.status);
        if (result.aborted) segment.fault = true;
        const annotations: Record<string, string> = { mesh: options.mesh, [nodeKey]: options.proxy.name };
        if (result.route !== undefined) annotations.route = result.route;
        if (result.target !== undefined) annotations.target = result.target;
        if (result.virtualService !== undefined) annotations.virtual_service = result.virtualService;
        if (result.gatewayRoute !== undefined) annotations.gateway_route = result.gatewayRoute;
        segment.annotations = annotations;
        segment.end_time = end;
        sender.send(JSON.stringify(segment));
      } catch (err) {
        options.counters?.dropped?.inc();
        options.onError?.(err as Error);
      }
    },

    close() {
      sender.close();
    },
  };
}

function disabledTracer(): Tracer {
  return {
    enabled: false,
    begin: () => DISABLED_CONTEXT,
    traceHeaderFor: () => undefined,
    attempt: () => NOOP_ATTEMPT,
    end() {},
    close() {},
  };
}
