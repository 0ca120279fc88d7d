// Parsers for single configuration values; each returns the value or the rule it broke.

import { isIP } from 'node:net';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../constants.js';
import type { ListenerPort, PortAssignment } from '../proxy-config.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; rule: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(rule: string): Parsed<T> => ({ ok: false, rule });

/** A port; `allowZero` lets 0 ask the system for a free one. */
export function parsePort(text: string, allowZero: boolean): Parsed<number> {
  const min = allowZero ? 0 : 1;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > 65535) {
    return fail(`must be a port number between ${min} and 65535`);
  }
  return ok(n);
}

/** `PORT` (the node's only listener) or `LISTENER:PORT[,LISTENER:PORT…]`. */
export function parsePortAssignment(text: string, allowZero: boolean): Parsed<PortAssignment> {
  const rule = `must be a port, or LISTENER:PORT pairs separated by commas (e.g. 8080:3000,9090:3001), with listener ports 1–65535 and ports ${allowZero ? 0 : 1}–65535`;
  if (!text.includes(':')) {
    const single = parsePort(text, allowZero);
    return single.ok ? ok({ kind: 'single', port: single.value }) : fail(rule);
  }
  const ports: ListenerPort[] = [];
  for (const pair of text.split(',')) {
    const [listener, local, extra] = pair.split(':');
    if (listener === undefined || local === undefined || extra !== undefined) return fail(rule);
    const listenerPort = parsePort(listener, false);
    const port = parsePort(local, allowZero);
    if (!listenerPort.ok || !port.ok) return fail(rule);
    if (ports.some((p) => p.listenerPort === listenerPort.value)) {
      return fail(`must name each listener port once (${listenerPort.value} repeats)`);
    }
    ports.push({ listenerPort: listenerPort.value, port: port.value });
  }
  ports.sort((a, b) => a.listenerPort - b.listenerPort);
  return ok({ kind: 'perListener', ports });
}

/** A number of seconds within `[min, max]` (fractions allowed). */
export function parseSeconds(text: string, min: number, max: number): Parsed<number> {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    return fail(`must be a number of seconds between ${min} and ${max}`);
  }
  return ok(n);
}

export function parseName(text: string): Parsed<string> {
  if (text.length === 0 || text.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(text)) {
    return fail(`must be 1–${MAX_NAME_LENGTH} letters, digits, -, _ and ., starting with a letter or digit`);
  }
  return ok(text);
}

/** An http(s) URL; returned without a trailing slash. */
export function parseHttpUrl(text: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('must be an http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must be an http or https URL');
  if (url.search !== '' || url.hash !== '') return fail('must be an http or https URL without ? or #');
  return ok(url.href.replace(/\/+$/, ''));
}

export function parseIp(text: string): Parsed<string> {
  return isIP(text) === 0 ? fail('must be an IPv4 or IPv6 address') : ok(text);
}

/** An address to listen on: an IP address or `localhost`. */
export function parseHost(text: string): Parsed<string> {
  return text === 'localhost' || isIP(text) !== 0 ? ok(text) : fail('must be an IP address or localhost');
}

export function parseText(text: string, max: number): Parsed<string> {
  return text.length === 0 || text.length > max ? fail(`must be 1–${max} characters`) : ok(text);
}

/** One of `choices`. */
export function parseChoice<T extends string>(choices: readonly T[]): (text: string) => Parsed<T> {
  return (text) =>
    (choices as readonly string[]).includes(text)
      ? ok(text as T)
      : fail(`must be one of ${choices.join(', ')}`);
}

/** A fraction between 0 and 1. */
export function parseRate(text: string): Parsed<number> {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    return fail('must be a number between 0 and 1');
  return ok(n);
}
