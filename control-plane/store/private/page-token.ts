// Opaque pagination tokens: the base64url of the last key a page returned, checked against the query.

import { BadRequestError } from '../../errors.js';
import type { ItemKey } from '../table.js';

const INVALID_TOKEN = 'nextToken: is not a valid pagination token';

export function encodePageToken(key: ItemKey): string {
  return Buffer.from(JSON.stringify([key.pk, key.sk]), 'utf8').toString('base64url');
}

/**
 * The key to resume after; throws `BadRequestError` unless `token` came from a page of the same list
 * (same partition, sort key inside the list's prefix).
 */
export function decodePageToken(token: string, range: { pk: string; prefix: string }): ItemKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw new BadRequestError(INVALID_TOKEN, { cause: error });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    parsed[0] !== range.pk ||
    typeof parsed[1] !== 'string' ||
    !parsed[1].startsWith(range.prefix) ||
    parsed[1].length === range.prefix.length
  ) {
    throw new BadRequestError(INVALID_TOKEN);
  }
  return { pk: parsed[0], sk: parsed[1] };
}
