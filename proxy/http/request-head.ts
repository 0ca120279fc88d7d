// Checks a downstream request's head beyond its framing (which the parser enforces), and derives where it is addressed.

import { type Authority, formatAuthority, parseAuthority } from './authority.js';
import { equalsLowerCase } from './header-name-set.js';
import { normalizePath } from './normalize-path.js';
import type { DownstreamRequest } from './server/downstream-request.js';

/** A request head that may be routed. */
export interface AcceptedRequestHead {
  readonly ok: true;
  /** Where the request is addressed: the absolute-form target's authority, else the `Host` header's. */
  readonly authority: Authority;
  /** `authority` as the `Host` to forward (rewritten from the absolute-form target when there is one). */
  readonly hostHeader: string;
  /** From the absolute-form target, else `http`. */
  readonly scheme: 'http' | 'https';
  /** Normalized (see `normalizePath`); forward this, so the upstream sees the path that was matched. */
  readonly path: string;
  /** The raw query without `?`; `''` when there is none. */
  readonly query: string;
  /** The body's declared length: 0 for none, -1 for chunked. */
  readonly bodyLength: number;
}

/**
 * A request head the proxy answers itself, forwarding nothing. Every rejection should be answered with
 * `Connection: close`: after a malformed head the rest of the stream cannot be trusted.
 */
export interface RejectedRequestHead {
  readonly ok: false;
  readonly status: 400 | 405 | 505;
  readonly reason: string;
}

export type RequestHeadCheck = AcceptedRequestHead | RejectedRequestHead;

/**
 * Checks what the request parser (`server/request-parser.ts`) does not, which refuses malformed framing:
 * - 400: `Host` twice, or missing/empty/malformed where it is needed (an HTTP/1.1 request always needs
 *   one); asterisk-form (`OPTIONS *`); a target that is neither origin-form (`/…`) nor absolute-form
 *   `http(s)://…`; userinfo; a fragment; a path `normalizePath` refuses.
 * - 405: `CONNECT` (the proxy forwards HTTP requests, it opens no tunnels).
 * - 505: an HTTP version other than 1.0 and 1.1.
 * An absolute-form target (`GET http://svc:8080/p`, the egress port used as `HTTP_PROXY`) is routed on
 * its own authority, which is also the `Host` forwarded; a different `Host` header is ignored.
 */
export function checkRequestHead(req: DownstreamRequest): RequestHeadCheck {
  if (req.httpVersionMajor !== 1 || (req.httpVersionMinor !== 0 && req.httpVersionMinor !== 1)) {
    return reject(505, `HTTP/${req.httpVersion} is not supported; use HTTP/1.1`);
  }
  const host = hostHeader(req.rawHeaders);
  if (host === MANY_HOSTS) return reject(400, 'the request has more than one Host header');
  if (host === undefined && req.httpVersionMinor === 1) return reject(400, 'the request has no Host header');
  if (req.method === 'CONNECT') {
    return reject(405, 'CONNECT is not supported: send plain HTTP requests (Host or absolute-form target)');
  }

  const url = req.url;
  let scheme: 'http' | 'https' = 'http';
  let authorityText: string | undefined;
  let target = url;
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    if (url === '*') return reject(400, 'asterisk-form request target (OPTIONS *) is not supported');
    const absolute = splitAbsoluteForm(url);
    if (absolute === undefined) {
      return reject(400, 'the request target must be a path (/…) or an absolute http(s):// URL');
    }
    ({ scheme, authority: authorityText, target } = absolute);
    if (authorityText.includes('@')) return reject(400, 'the request target has userinfo (user@host)');
  } else {
    authorityText = host;
    if (authorityText === undefined || authorityText === '')
      return reject(400, 'the request has no Host header');
  }
  const authority = parseAuthority(authorityText);
  if (authority === undefined)
    return reject(400, `the authority "${authorityText}" is not a valid host[:port]`);

  if (target.includes('#')) return reject(400, 'the request target has a fragment (#)');
  const questionMark = target.indexOf('?');
  const rawPath = questionMark === -1 ? target : target.slice(0, questionMark);
  const query = questionMark === -1 ? '' : target.slice(questionMark + 1);
  const path = normalizePath(rawPath);
  if (typeof path !== 'string') return reject(400, path.reason);

  return {
    ok: true,
    authority,
    hostHeader: formatAuthority(authority),
    scheme,
    path,
    query,
    bodyLength: req.bodyLength,
  };
}

function reject(status: RejectedRequestHead['status'], reason: string): RejectedRequestHead {
  return { ok: false, status, reason };
}

const MANY_HOSTS = '\0';

/** The `Host` header's value, `undefined` when there is none, `MANY_HOSTS` when there are several. */
function hostHeader(raw: readonly string[]): string | undefined {
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (equalsLowerCase(name, 'host')) {
      if (host !== undefined) return MANY_HOSTS;
      host = raw[i + 1]!;
    }
  }
  return host;
}

/** `http(s)://authority[/path][?query]`, split; `undefined` when `url` is not that. */
function splitAbsoluteForm(
  url: string,
): { scheme: 'http' | 'https'; authority: string; target: string } | undefined {
  const separator = url.indexOf('://');
  if (separator === -1) return undefined;
  const scheme = url.slice(0, separator).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const start = separator + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) break;
    end++;
  }
  const authority = url.slice(start, end);
  const rest = url.slice(end);
  return { scheme, authority, target: rest.charCodeAt(0) === 0x2f ? rest : `/${rest}` };
}
