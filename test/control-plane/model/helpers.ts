// Test helpers for the model: validate and read problems as a user sees them, and patch deep copies of specs.

import { formatProblem } from '../../../control-plane/errors.js';
import { type Kind, type SpecOf, validateSpec } from '../../../control-plane/model/index.js';

/** The formatted problems of validating `spec` as `kind` (empty when valid). */
export function problems(kind: Kind, spec: unknown): string[] {
  const result = validateSpec(kind, spec);
  return result.ok ? [] : result.problems.map(formatProblem);
}

/** The validated spec; fails the test with every problem when invalid. */
export function accepted<K extends Kind>(kind: K, spec: unknown): SpecOf<K> {
  const result = validateSpec(kind, spec);
  if (!result.ok) throw new Error(`expected a valid spec:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.spec;
}

/** A deep copy of `base` with the value at `path` replaced (or removed when `value` is undefined). */
export function patch(base: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
