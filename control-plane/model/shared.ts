// Building blocks shared by every kind's schema: bounded numbers and strings, durations, ports, and rule helpers.

import { z } from 'zod';
import { DURATION_UNITS, MAX_NAME_LENGTH, MAX_PORT, MIN_PORT } from './constants.js';

/**
 * A safe integer. (Not `z.int()`: its failure aborts the parse, which would hide the cross-field
 * problems of enclosing objects; a refinement keeps every problem reported at once.)
 */
export function integer() {
  return z.number().refine(Number.isSafeInteger, { error: 'must be an integer' });
}

/** An integer in `[min, max]`; out of range reads `must be between min and max`. */
export function intBetween(min: number, max: number) {
  const error = `must be between ${min} and ${max}`;
  return integer().min(min, { error }).max(max, { error });
}

/** An integer `>= min`. */
export function intAtLeast(min: number) {
  return integer().min(min);
}

/** A string of `min`–`max` characters. */
export function text(min: number, max?: number) {
  const base = z.string().min(min);
  return max === undefined ? base : base.max(max);
}

/** A string App Mesh models without bounds but that is meaningless when empty. */
export const nonEmpty = z.string().min(1);

/** `ResourceName`: 1–255 characters (the naming rule proper is in names.ts). */
export const resourceName = text(1, MAX_NAME_LENGTH);

export const port = intBetween(MIN_PORT, MAX_PORT);

export const duration = z.strictObject({
  unit: z.enum(DURATION_UNITS),
  value: intAtLeast(0),
});
export type Duration = z.infer<typeof duration>;

/** An object value, the only kind the cross-field rules below look into. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports a broken cross-field rule at `path` (relative to the object checked). */
export type Report = (path: readonly PropertyKey[], rule: string, value?: unknown) => void;

/**
 * Adds a cross-field rule to an object schema. It runs whenever the value is an object, even when
 * members are invalid, so every problem is reported at once; `check` must therefore read defensively.
 */
export function withRule<S extends z.ZodType>(
  schema: S,
  check: (value: Record<string, unknown>, report: Report) => void,
): S {
  return schema.superRefine(
    (value, ctx) => {
      check(value as Record<string, unknown>, (path, rule, received) => {
        ctx.addIssue({ code: 'custom', path: [...path], message: rule, params: { value: received } });
      });
    },
    { when: (payload) => isRecord(payload.value) },
  ) as S;
}

/** Members of `value` among `keys` that are set. */
export function setMembers(value: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => value[key] !== undefined);
}

/** App Mesh's "exactly one member set" union: the object must set exactly one of `keys`. */
export function exactlyOne<S extends z.ZodType>(schema: S, keys: readonly string[]): S {
  return withRule(schema, (value, report) => {
    const set = setMembers(value, keys);
    if (set.length !== 1)
      report([], `must set exactly one of ${keys.join(', ')}`, set.length ? set : undefined);
  });
}

/** The object may set at most one of `keys`. */
export function atMostOne<S extends z.ZodType>(schema: S, keys: readonly string[]): S {
  return withRule(schema, (value, report) => {
    const set = setMembers(value, keys);
    if (set.length > 1) report([], `must set at most one of ${keys.join(', ')}`, set);
  });
}

/** Flags list items whose `field` repeats an earlier item's: `must be unique`. */
export function checkUnique(
  items: unknown,
  path: readonly PropertyKey[],
  field: readonly string[],
  report: Report,
): void {
  if (!Array.isArray(items)) return;
  const seen = new Set<unknown>();
  items.forEach((item, index) => {
    let value: unknown = item;
    for (const key of field) value = isRecord(value) ? value[key] : undefined;
    if (value === undefined) return;
    if (seen.has(value)) report([...path, index, ...field], 'must be unique', value);
    seen.add(value);
  });
}
