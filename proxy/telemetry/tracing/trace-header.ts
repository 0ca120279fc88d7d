// The `X-Amzn-Trace-Id` header: parsed from a request, written for the next hop, and trace/segment ids.

import { randomFillSync } from 'node:crypto';
import { equalsLowerCase } from '../../http/header-name-set.js';
import { TRACE_HEADER } from './constants.js';

export type SampledFlag = '1' | '0' | '?';

/** The fields of an incoming `X-Amzn-Trace-Id`; an invalid `Root` or `Parent` is left out. */
export interface TraceHeader {
  readonly root: string | undefined;
  readonly parent: string | undefined;
  readonly sampled: SampledFlag | undefined;
  /** Other `key=value` fields (e.g. `Lineage`), each with a leading `;`, kept in order; `Self` is dropped. */
  readonly extra: string;
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const PARENT = /^[0-9a-f]{16}$/;

export function parseTraceHeader(value: string): TraceHeader {
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: SampledFlag | undefined;
  let extra = '';
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    switch (key) {
      case 'Root':
        if (ROOT.test(val)) root = val;
        break;
      case 'Parent':
        if (PARENT.test(val)) parent = val;
        break;
      case 'Sampled':
        if (val === '1' || val === '0' || val === '?') sampled = val;
        break;
      case 'Self':
        break;
      default:
        extra += `;${key}=${val}`;
    }
  }
  return { root, parent, sampled, extra };
}

export function formatTraceHeader(
  root: string,
  parent: string | undefined,
  sampled: boolean,
  extra = '',
): string {
  return `Root=${root}${parent === undefined ? '' : `;Parent=${parent}`};Sampled=${sampled ? '1' : '0'}${extra}`;
}

/**
 * `headers` (a flat raw array, as built for the upstream) with `X-Amzn-Trace-Id` set to `value`: a copy
 * without any incoming trace header, the new one appended.
 */
export function withTraceHeader(headers: readonly string[], value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (equalsLowerCase(name, TRACE_HEADER)) continue;
    out.push(name, headers[i + 1]!);
  }
  out.push('X-Amzn-Trace-Id', value);
  return out;
}

// Ids come from a pooled random buffer: one `randomFill` per few hundred ids, not one per id.
const POOL = Buffer.allocUnsafe(4096);
let offset = POOL.length;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const hex = POOL.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** A new X-Ray trace id: `1-<epoch seconds, 8 hex>-<96 random bits>`. */
export function newTraceId(nowMs: number): string {
  return `1-${Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomHex(12)}`;
}

/** A new 64-bit segment id, 16 hex digits. */
export function newSegmentId(): string {
  return randomHex(8);
}
