// Compares a resource's spec as stored with the spec a file asks for, and shows the difference as lines.

import { stringify } from 'yaml';
import type { Kind } from './kinds.js';

/** Context lines kept around each change in a diff. */
const DIFF_CONTEXT_LINES = 3;

/**
 * The spec as the control plane will store it: App Mesh fills in a mesh's `egressFilter` (DROP_ALL) when
 * none is given, so a file that leaves it out is not a change.
 */
export function normalizeSpec(
  kind: Kind,
  spec: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out = { ...(spec ?? {}) };
  if (kind === 'mesh' && out.egressFilter === undefined) out.egressFilter = { type: 'DROP_ALL' };
  return out;
}

/** Deep equality of JSON values; the order of object members does not matter, undefined members are absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!sameValue(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** A unified-style diff (`- ` removed, `+ ` added, `  ` kept) of two values as YAML; empty when they are equal. */
export function specDiff(current: unknown, desired: unknown): string {
  if (sameValue(current, desired)) return '';
  const before = toLines(orderLike(current, desired));
  const after = toLines(desired);
  return hunks(lineDiff(before, after)).join('\n');
}

function toLines(value: unknown): string[] {
  if (value === undefined) return [];
  return stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
}

/** `value` with its object members in the order `like` has them, so a diff shows only real changes. */
function orderLike(value: unknown, like: unknown): unknown {
  if (Array.isArray(value))
    return value.map((item, i) => orderLike(item, Array.isArray(like) ? like[i] : undefined));
  if (!isRecord(value)) return value;
  const guide = isRecord(like) ? Object.keys(like) : [];
  const keys = [...guide.filter((k) => k in value), ...Object.keys(value).filter((k) => !guide.includes(k))];
  const out: Record<string, unknown> = {};
  for (const key of keys)
    if (value[key] !== undefined) out[key] = orderLike(value[key], isRecord(like) ? like[key] : undefined);
  return out;
}

type Line = { readonly op: ' ' | '-' | '+'; readonly text: string };

/** Longest-common-subsequence line diff; specs are small, so the quadratic table is fine. */
function lineDiff(a: readonly string[], b: readonly string[]): Line[] {
  const table: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  while (i < a.length) out.push({ op: '-', text: a[i++]! });
  while (j < b.length) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** The changed lines with a little context; `…` marks lines left out. */
function hunks(lines: readonly Line[]): string[] {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (
      let k = Math.max(0, index - DIFF_CONTEXT_LINES);
      k <= Math.min(lines.length - 1, index + DIFF_CONTEXT_LINES);
      k++
    )
      keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push('  …');
    skipped = false;
    out.push(`${line.op} ${line.text}`);
  });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
