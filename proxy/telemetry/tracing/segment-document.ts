// X-Ray segment documents as plain data, serialized once with JSON.stringify when the request ends.
// The fields and rules are X-Ray's segment document schema (the SDK's `Segment.format()` writes the same
// shape); building them directly costs a sampled request a few µs instead of the SDK object model's
// ~90 µs (issue #5: measured with `npm run bench`, X-Ray at 100% sampling).

import { newSegmentId } from './trace-header.js';

export type Annotations = Record<string, string | number | boolean>;

export interface HttpFields {
  request?: Record<string, string | boolean | undefined>;
  response?: { status?: number; content_length?: number };
}

interface Flags {
  error?: true;
  fault?: true;
  throttle?: true;
}

/** Why an attempt got no usable response, as X-Ray shows it under the subsegment's Exceptions tab. */
export interface Cause {
  readonly exceptions: readonly {
    readonly id: string;
    readonly message: string;
    readonly type: string;
    readonly remote: true;
  }[];
}

export interface SubsegmentDocument extends Flags {
  readonly id: string;
  readonly name: string;
  readonly start_time: number;
  end_time?: number;
  readonly namespace: 'remote';
  readonly http: HttpFields;
  readonly annotations: Annotations;
  cause?: Cause;
}

export interface SegmentDocument extends Flags {
  readonly name: string;
  readonly id: string;
  readonly trace_id: string;
  readonly parent_id?: string;
  readonly start_time: number;
  end_time?: number;
  readonly origin: string;
  readonly http: HttpFields;
  annotations?: Annotations;
  subsegments?: SubsegmentDocument[];
}

export function newSegment(fields: {
  name: string;
  traceId: string;
  parentId: string | undefined;
  startMs: number;
  origin: string;
  request: Record<string, string | boolean | undefined>;
}): SegmentDocument {
  return {
    name: fields.name,
    id: newSegmentId(),
    trace_id: fields.traceId,
    ...(fields.parentId !== undefined ? { parent_id: fields.parentId } : {}),
    start_time: fields.startMs / 1000,
    origin: fields.origin,
    http: { request: fields.request },
  };
}

export function addSubsegment(
  segment: SegmentDocument,
  name: string,
  startMs: number,
  request: Record<string, string>,
  annotations: Annotations,
): SubsegmentDocument {
  const sub: SubsegmentDocument = {
    id: newSegmentId(),
    name,
    start_time: startMs / 1000,
    namespace: 'remote',
    http: { request },
    annotations,
  };
  segment.subsegments ??= [];
  segment.subsegments.push(sub);
  return sub;
}

/** X-Ray's flags for a status: 4xx error (429 also throttle), 5xx fault. */
export function flagStatus(target: Flags, status: number): void {
  if (status >= 500) target.fault = true;
  else if (status >= 400) {
    target.error = true;
    if (status === 429) target.throttle = true;
  }
}

export function remoteCause(error: Error | string): Cause {
  const message = typeof error === 'string' ? error : error.message;
  const type = typeof error === 'string' ? 'Error' : error.name;
  return { exceptions: [{ id: newSegmentId(), message, type, remote: true }] };
}
