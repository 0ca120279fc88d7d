// Translates zod issues into Problems a user reads: field path, rule in plain words, value received.

import type { z } from 'zod';
import type { Problem } from '../errors.js';

type RawIssue = z.core.$ZodRawIssue;

/**
 * Zod error map used for every parse in the model: turns an issue into the rule text of a Problem.
 * A schema may override it with its own `error` (ranges say `must be between 1 and 65535`).
 */
export function ruleText(issue: RawIssue): string {
  if (issue.input === undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'custom') {
    return 'is required';
  }
  switch (issue.code) {
    case 'invalid_type':
      return typeRule(issue.expected, isIntegerSchema(issue));
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return sizeRule('at least', issue.origin, Number(issue.minimum));
    case 'too_big':
      return sizeRule('at most', issue.origin, Number(issue.maximum));
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern
        ? `must match ${issue.pattern}`
        : `must be a valid ${issue.format}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

function isIntegerSchema(issue: RawIssue): boolean {
  const def = (issue.inst as { _zod?: { def?: { format?: string } } } | undefined)?._zod?.def;
  return def?.format === 'safeint' || def?.format === 'int32';
}

function typeRule(expected: string, integer: boolean): string {
  if (integer || expected === 'int') return 'must be an integer';
  switch (expected) {
    case 'object':
      return 'must be an object';
    case 'array':
      return 'must be an array';
    case 'int':
      return 'must be an integer';
    default:
      return `must be a ${expected}`;
  }
}

function sizeRule(bound: 'at least' | 'at most', origin: string, limit: number): string {
  if (origin === 'array') return `must have ${bound} ${limit} ${limit === 1 ? 'item' : 'items'}`;
  if (origin === 'string') {
    if (bound === 'at least' && limit === 1) return 'must not be empty';
    return `must have ${bound} ${limit} ${limit === 1 ? 'character' : 'characters'}`;
  }
  return `must be ${bound} ${limit}`;
}

/** `['listeners', 0, 'portMapping']` under `spec` → `spec.listeners[0].portMapping`. */
export function renderPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The value found at `path` inside `input`, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Every zod issue of a failed parse of `input` as Problems whose paths start with `prefix`. */
export function toProblems(prefix: string, input: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: renderPath(prefix, [...issue.path, key]), rule: 'unknown field' });
      }
      continue;
    }
    const params = issue.code === 'custom' ? (issue.params as { value?: unknown } | undefined) : undefined;
    const value = params && 'value' in params ? params.value : valueAt(input, issue.path);
    const problem: Problem = { path: renderPath(prefix, issue.path), rule: issue.message };
    problems.push(value === undefined ? problem : { ...problem, value });
  }
  return problems;
}
