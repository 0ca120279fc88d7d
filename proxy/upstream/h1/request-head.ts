// Writes a request head for the wire, refusing what would let a header or the target inject a line.

import { equalsLowerCase } from '../../http/header-name-set.js';
import { isToken } from '../../http/wire/token.js';
import type { DispatchOptions } from './dispatch.js';
import { UpstreamHttpError } from './errors.js';

/** What may not appear in a header value: NUL, CR, LF (a line break would start a new header). */
const UNSAFE_VALUE = /[\0\r\n]/;
/** A request target: visible ASCII only (no space, no controls). */
const TARGET = /^[\x21-\x7e]+$/;

/** Methods whose requests carry a body by convention: sent with `Content-Length: 0` when they have none. */
const EXPECTS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * `METHOD path HTTP/1.1`, the headers, and the framing the body needs: `Content-Length` for a buffer
 * (or none) unless given, `Transfer-Encoding: chunked` for a stream without a length; `Host` when missing.
 */
export function serializeHead(
  options: DispatchOptions,
  authority: string,
): { readonly head: string; readonly chunked: boolean } {
  const { method, path, headers, body } = options;
  if (!isToken(method)) throw invalid(`the method ${JSON.stringify(method)} is not a token`);
  if (!TARGET.test(path))
    throw invalid(`the target ${JSON.stringify(path)} has a space or control character`);
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let host = false;
  let length = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!isToken(name)) throw invalid(`the header name ${JSON.stringify(name)} is not a token`);
    if (UNSAFE_VALUE.test(value)) throw invalid(`the ${name} header's value has a CR, LF or NUL`);
    if (name.length === 4) host ||= equalsLowerCase(name, 'host');
    else if (name.length === 14) length ||= equalsLowerCase(name, 'content-length');
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head += `host: ${authority}\r\n`;
  let chunked = false;
  if (!length) {
    if (body === null) {
      if (EXPECTS_BODY.has(method)) head += 'content-length: 0\r\n';
    } else if (Buffer.isBuffer(body)) {
      head += `content-length: ${body.length}\r\n`;
    } else {
      head += 'transfer-encoding: chunked\r\n';
      chunked = true;
    }
  }
  return { head: `${head}\r\n`, chunked };
}

function invalid(message: string): UpstreamHttpError {
  return new UpstreamHttpError('UPSTREAM_INVALID_REQUEST', `cannot send the request upstream: ${message}`);
}
