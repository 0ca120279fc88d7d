// `expect(lines).toHaveEmittedEmf({ namespace, dimensions, metrics })`: every line is a valid CloudWatch
// Embedded Metric Format document, and one of them publishes the given metrics under the given dimension
// set. Register with `expect.extend({ toHaveEmittedEmf })` in the test file.

import 'vitest';

export interface EmfExpectation {
  readonly namespace: string;
  /** The dimension set (names and values), e.g. `{ Mesh: 'm', VirtualNode: 'n' }`. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Each metric's expected value (a number, an array) or a predicate on it. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

const MAX_METRICS = 100;
const MAX_DIMENSIONS = 30;
const MAX_VALUES = 100;

/** The EMF specification's rules for one line; an empty list when it is valid. */
export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [`not JSON: ${line.slice(0, 80)}`];
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return ['root is not an object'];
  const aws = doc._aws as Record<string, unknown> | undefined;
  if (aws === undefined || typeof aws !== 'object') return ['_aws: missing'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) {
    problems.push(`_aws.Timestamp: must be epoch milliseconds, got ${JSON.stringify(aws.Timestamp)}`);
  }
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [...problems, '_aws.CloudWatchMetrics: must be an array'];
  directives.forEach((directive: Record<string, unknown>, i) => {
    const at = `_aws.CloudWatchMetrics[${i}]`;
    if (
      typeof directive.Namespace !== 'string' ||
      directive.Namespace.length === 0 ||
      directive.Namespace.length > 255
    ) {
      problems.push(`${at}.Namespace: must be a string of 1–255 characters`);
    }
    if (!Array.isArray(directive.Dimensions)) problems.push(`${at}.Dimensions: must be an array`);
    else {
      directive.Dimensions.forEach((set: unknown, j) => {
        if (!Array.isArray(set)) {
          problems.push(`${at}.Dimensions[${j}]: must be an array`);
          return;
        }
        if (set.length > MAX_DIMENSIONS) problems.push(`${at}.Dimensions[${j}]: more than ${MAX_DIMENSIONS}`);
        for (const name of set) {
          if (typeof doc[name] !== 'string') {
            problems.push(`${at}.Dimensions[${j}]: "${name}" is not a top-level string member`);
          }
        }
      });
    }
    if (!Array.isArray(directive.Metrics)) {
      problems.push(`${at}.Metrics: must be an array`);
      return;
    }
    if (directive.Metrics.length > MAX_METRICS) problems.push(`${at}.Metrics: more than ${MAX_METRICS}`);
    for (const metric of directive.Metrics as Record<string, unknown>[]) {
      const name = metric.Name;
      if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
        problems.push(`${at}.Metrics: Name must be a string of 1–1024 characters`);
        continue;
      }
      const value = doc[name];
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0 || values.length > MAX_VALUES) {
        problems.push(`${name}: must have 1–${MAX_VALUES} values, got ${values.length}`);
      }
      if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        problems.push(`${name}: the top-level member must be a number or an array of numbers`);
      }
    }
  });
  return problems;
}

export function toHaveEmittedEmf(received: readonly string[], expected: EmfExpectation) {
  const invalid = received.flatMap((line, i) => emfProblems(line).map((p) => `line ${i}: ${p}`));
  if (invalid.length > 0) {
    return { pass: false, message: () => `EMF lines break the specification:\n${invalid.join('\n')}` };
  }
  const wanted = Object.keys(expected.dimensions).sort().join(',');
  const candidates = received
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((doc) => {
      const directives = (doc._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics;
      return directives.some(
        (d) =>
          d.Namespace === expected.namespace &&
          (d.Dimensions as string[][]).some((set) => [...set].sort().join(',') === wanted) &&
          Object.keys(expected.metrics).every((m) =>
            (d.Metrics as { Name: string }[]).some((metric) => metric.Name === m),
          ),
      );
    })
    .filter((doc) => Object.entries(expected.dimensions).every(([k, v]) => doc[k] === v));
  const mismatches: string[] = [];
  const found = candidates.find((doc) => {
    const wrong = Object.entries(expected.metrics).filter(([name, want]) => {
      const got = doc[name];
      if (typeof want === 'function') return !(want as (v: unknown) => boolean)(got);
      return JSON.stringify(got) !== JSON.stringify(want);
    });
    if (wrong.length > 0) mismatches.push(wrong.map(([n]) => `${n}=${JSON.stringify(doc[n])}`).join(', '));
    return wrong.length === 0;
  });
  return {
    pass: found !== undefined,
    message: () =>
      found !== undefined
        ? `expected no EMF document in ${expected.namespace} with ${JSON.stringify(expected.dimensions)} and these values`
        : candidates.length === 0
          ? `no EMF document in namespace ${expected.namespace} has dimension set ${JSON.stringify(expected.dimensions)} with metrics ${Object.keys(expected.metrics).join(', ')}`
          : `EMF documents with ${JSON.stringify(expected.dimensions)} have other values: ${mismatches.join(' | ')}`,
  };
}

interface EmfMatchers<R = unknown> {
  toHaveEmittedEmf(expected: EmfExpectation): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration of Matchers
  interface Matchers<T = any> extends EmfMatchers<T> {}
}
