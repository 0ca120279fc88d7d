// Request match shapes shared by routes and gateway routes: paths, headers, gRPC metadata, query, hostnames.

import { z } from 'zod';
import {
  HTTP_METHODS,
  MAX_HEADER_MATCH_LENGTH,
  MAX_HEADER_MATCHES,
  MAX_HEADER_NAME_LENGTH,
  MAX_HOSTNAME_MATCH_LENGTH,
  MAX_HTTP_PATH_LENGTH,
  MAX_METADATA_MATCHES,
  MAX_QUERY_PARAMETER_MATCHES,
} from './constants.js';
import { exactlyOne, integer, nonEmpty, text, withRule } from './shared.js';

const headerValue = text(1, MAX_HEADER_MATCH_LENGTH);

/** `range{start, end}`: integers, start below end (end is exclusive). */
const matchRange = withRule(z.strictObject({ start: integer(), end: integer() }), (range, report) => {
  if (typeof range.start === 'number' && typeof range.end === 'number' && range.start >= range.end) {
    report(['end'], `must be greater than start (${range.start})`, range.end);
  }
});

/** How a header or metadata value is matched: one of exact | prefix | suffix | regex | range. */
export const headerMatchMethod = exactlyOne(
  z.strictObject({
    exact: headerValue.optional(),
    prefix: headerValue.optional(),
    suffix: headerValue.optional(),
    regex: headerValue.optional(),
    range: matchRange.optional(),
  }),
  ['exact', 'prefix', 'suffix', 'regex', 'range'],
);

const namedMatch = z.strictObject({
  name: text(1, MAX_HEADER_NAME_LENGTH),
  /** @default false */
  invert: z.boolean().optional(),
  match: headerMatchMethod.optional(),
});

export const headerMatches = z.array(namedMatch).min(1).max(MAX_HEADER_MATCHES);
export const metadataMatches = z.array(namedMatch).min(1).max(MAX_METADATA_MATCHES);

export const queryParameterMatches = z
  .array(
    z.strictObject({ name: nonEmpty, match: z.strictObject({ exact: z.string().optional() }).optional() }),
  )
  .min(1)
  .max(MAX_QUERY_PARAMETER_MATCHES);

/** `path{exact | regex}`. */
export const pathMatch = exactlyOne(
  z.strictObject({
    exact: text(1, MAX_HTTP_PATH_LENGTH).optional(),
    regex: text(1, MAX_HTTP_PATH_LENGTH).optional(),
  }),
  ['exact', 'regex'],
);

/** A path prefix; `/` matches every request. */
export const pathPrefix = z.string().startsWith('/', { error: 'must start with /' });

/** `hostname{exact | suffix}` of a gateway route. */
export const hostnameMatch = exactlyOne(
  z.strictObject({
    exact: text(1, MAX_HOSTNAME_MATCH_LENGTH).optional(),
    suffix: text(1, MAX_HOSTNAME_MATCH_LENGTH).optional(),
  }),
  ['exact', 'suffix'],
);

export const httpMethod = z.enum(HTTP_METHODS);
