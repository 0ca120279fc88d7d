// Compiles an access-log format (Envoy's command operators, as App Mesh users wrote them) once per snapshot
// into a function from an entry to its line. Per request: no parsing, no regex, only the lookups named.

import type { AccessLog } from '../../../control-plane/snapshot/index.js';
import type { AccessLogEntry } from './access-log-entry.js';
import { DEFAULT_TEXT_FORMAT } from './constants.js';
import { AccessLogFormatError } from './errors.js';

/** One entry rendered as a line, with its trailing newline. */
export type AccessLogFormatter = (entry: AccessLogEntry) => string;

type Value = string | number | undefined;
type Getter = (entry: AccessLogEntry) => Value;

const COMMAND = /%([A-Z][A-Z0-9_]*)(?:\(([^)]*)\))?(?::(\d+))?%/g;

/** The operators supported, by name; those taking an argument read it from the `(…)` part. */
const SIMPLE: Record<string, Getter> = {
  RESPONSE_CODE: (e) => e.status,
  RESPONSE_FLAGS: (e) => e.responseFlags ?? '-',
  BYTES_RECEIVED: (e) => e.bytesReceived,
  BYTES_SENT: (e) => e.bytesSent,
  DURATION: (e) => Math.round(e.durationMs),
  UPSTREAM_HOST: (e) => e.upstreamHost,
  UPSTREAM_CLUSTER: (e) => e.upstreamCluster,
  PROTOCOL: (e) => e.protocol,
  ROUTE_NAME: (e) => e.routeName,
  DOWNSTREAM_REMOTE_ADDRESS: (e) => e.downstreamRemoteAddress,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (e) => withoutPort(e.downstreamRemoteAddress),
  DOWNSTREAM_LOCAL_ADDRESS: (e) => e.downstreamLocalAddress,
  RESPONSE_DURATION: (e) => e.upstreamServiceTimeMs,
};
const NUMERIC = new Set(['RESPONSE_CODE', 'BYTES_RECEIVED', 'BYTES_SENT', 'DURATION', 'RESPONSE_DURATION']);

/** Compiles the snapshot's `accessLog.format` (absent: Envoy's default text format). Throws every problem at once. */
export function compileAccessLogFormat(format: AccessLog['format']): AccessLogFormatter {
  const problems: string[] = [];
  let formatter: AccessLogFormatter;
  if (format === undefined || format.kind === 'text') {
    const pattern = format === undefined ? DEFAULT_TEXT_FORMAT : format.pattern;
    const render = compileText(pattern, 'format.pattern', problems);
    formatter = pattern.endsWith('\n') ? render : (entry) => `${render(entry)}\n`;
  } else {
    const parts = format.fields.map(({ key, value }, i) => {
      const prefix = `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`;
      const single = singleCommand(value, `format.fields[${i}].value`, problems);
      if (single !== undefined) {
        return (e: AccessLogEntry) => {
          const v = single(e);
          return prefix + (v === undefined ? 'null' : JSON.stringify(v));
        };
      }
      const render = compileText(value, `format.fields[${i}].value`, problems);
      return (e: AccessLogEntry) => prefix + JSON.stringify(render(e));
    });
    formatter = (entry) => {
      let line = '';
      for (const part of parts) line += part(entry);
      return parts.length === 0 ? '{}\n' : `${line}}\n`;
    };
  }
  if (problems.length > 0) throw new AccessLogFormatError(problems);
  return formatter;
}

/** A text template: literals and commands; a missing value is written `-`. */
function compileText(pattern: string, field: string, problems: string[]): (e: AccessLogEntry) => string {
  const pieces: Array<string | Getter> = [];
  let last = 0;
  for (const match of pattern.matchAll(COMMAND)) {
    if (match.index > last) pieces.push(pattern.slice(last, match.index));
    const getter = command(match, field, problems);
    if (getter !== undefined) pieces.push(getter);
    last = match.index + match[0].length;
  }
  if (last < pattern.length) pieces.push(pattern.slice(last));
  return (entry) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') out += piece;
      else {
        const v = piece(entry);
        out += v === undefined || v === '' ? '-' : v;
      }
    }
    return out;
  };
}

/** The getter when `value` is exactly one command (JSON then keeps numbers as numbers and a missing value null). */
function singleCommand(value: string, field: string, problems: string[]): Getter | undefined {
  const matches = [...value.matchAll(COMMAND)];
  if (matches.length !== 1 || matches[0]![0] !== value) return undefined;
  const getter = command(matches[0]!, field, problems);
  if (getter === undefined) return () => undefined;
  const name = matches[0]![1]!;
  if (NUMERIC.has(name)) return getter;
  return (e) => {
    const v = getter(e);
    return v === undefined || v === '' ? undefined : String(v);
  };
}

function command(match: RegExpMatchArray, field: string, problems: string[]): Getter | undefined {
  const [text, name, arg, max] = match as unknown as [string, string, string | undefined, string | undefined];
  let getter: Getter | undefined;
  if (name === 'START_TIME') {
    getter = startTime(arg, field, problems);
  } else if (name === 'REQ' || name === 'RESP') {
    if (arg === undefined || arg === '') {
      problems.push(`${field}: ${text} needs a header name, as %${name}(X-HEADER)%`);
      return undefined;
    }
    const [main, alternative] = arg.toLowerCase().split('?') as [string, string | undefined];
    const one = name === 'REQ' ? requestHeader(main) : responseHeader(main);
    const other =
      alternative === undefined
        ? undefined
        : name === 'REQ'
          ? requestHeader(alternative)
          : responseHeader(alternative);
    getter = other === undefined ? one : (e) => one(e) ?? other(e);
  } else {
    getter = SIMPLE[name];
    if (getter === undefined) {
      problems.push(`${field}: unknown command operator ${text}`);
      return undefined;
    }
    if (arg !== undefined) problems.push(`${field}: ${name} takes no argument, got ${text}`);
  }
  if (getter === undefined || max === undefined) return getter;
  const limit = Number(max);
  const inner = getter;
  return (e) => {
    const v = inner(e);
    return typeof v === 'string' && v.length > limit ? v.slice(0, limit) : v;
  };
}

function requestHeader(name: string): Getter {
  switch (name) {
    case ':method':
      return (e) => e.method;
    case ':path':
      return (e) => e.path;
    case ':authority':
      return (e) => e.authority;
    case ':scheme':
      return (e) => e.scheme ?? 'http';
    case 'x-envoy-original-path':
      return (e) => e.originalPath;
    default:
      return (e) => headerValue(e.requestHeaders, name);
  }
}

function responseHeader(name: string): Getter {
  if (name === 'x-envoy-upstream-service-time') return (e) => e.upstreamServiceTimeMs;
  return (e) => (e.responseHeaders === undefined ? undefined : headerValue(e.responseHeaders, name));
}

/** The first value of `lower` in a flat raw header array. */
function headerValue(raw: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lower.length && name.toLowerCase() === lower) return raw[i + 1];
  }
  return undefined;
}

function withoutPort(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

/**
 * `%START_TIME%` is ISO 8601 with milliseconds in UTC (Envoy's default); `%START_TIME(FORMAT)%` takes the
 * strftime subset `%Y %m %d %H %M %S %s %z %Z %3f %6f %9f %%`.
 */
function startTime(arg: string | undefined, field: string, problems: string[]): Getter {
  if (arg === undefined || arg === '') return (e) => new Date(e.startTime).toISOString();
  const pieces: Array<string | ((d: Date, ms: number) => string)> = [];
  let literal = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c !== '%') {
      literal += c;
      continue;
    }
    let spec = arg[++i] ?? '';
    if (spec === '3' || spec === '6' || spec === '9') spec += arg[++i] ?? '';
    const part = STRFTIME[spec];
    if (part === undefined) {
      problems.push(`${field}: START_TIME format %${spec} is not supported`);
      continue;
    }
    if (typeof part === 'string') literal += part;
    else {
      if (literal) pieces.push(literal);
      literal = '';
      pieces.push(part);
    }
  }
  if (literal) pieces.push(literal);
  return (e) => {
    const d = new Date(e.startTime);
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(d, e.startTime);
    return out;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const STRFTIME: Record<string, string | ((d: Date, ms: number) => string)> = {
  Y: (d) => String(d.getUTCFullYear()),
  m: (d) => pad(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  H: (d) => pad(d.getUTCHours()),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  s: (_d, ms) => String(Math.floor(ms / 1000)),
  z: '+0000',
  Z: 'UTC',
  '3f': (d) => pad(d.getUTCMilliseconds(), 3),
  '6f': (d) => `${pad(d.getUTCMilliseconds(), 3)}000`,
  '9f': (d) => `${pad(d.getUTCMilliseconds(), 3)}000000`,
  '%': '%',
};
