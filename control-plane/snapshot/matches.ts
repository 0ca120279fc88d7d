// Request match conditions in the snapshot, normalized so the proxy evaluates them without knowing App Mesh.

import { z } from 'zod';

/** A TCP port, 1–65535. */
export const portNumber = z.int().min(1).max(65535);

/**
 * How the request path (without the query string) is matched.
 * - `prefix`: the path starts with `value` (plain string comparison, case-sensitive).
 * - `exact`: the path equals `value`.
 * - `regex`: `pattern` matches the whole path, as Envoy's RE2 `safe_regex` does; compile it once per
 *   snapshot as `new RegExp('^(?:' + pattern + ')$')`. The compiler has checked that it compiles.
 */
export const pathMatchSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('prefix'), value: z.string().startsWith('/') }),
  z.strictObject({ kind: z.literal('exact'), value: z.string().min(1) }),
  z.strictObject({ kind: z.literal('regex'), pattern: z.string().min(1) }),
]);
export type PathMatch = z.infer<typeof pathMatchSchema>;

/**
 * How one header (or gRPC metadata) value is matched. When the request has the header several times,
 * the values are joined with `,` first, as Envoy does.
 * - `present`: the header is present, whatever its value.
 * - `exact` | `prefix` | `suffix`: string comparison, case-sensitive.
 * - `regex`: `pattern` matches the whole value (anchor it as for paths).
 * - `range`: the value is an integer `n` with `start <= n < end`.
 */
export const valueMatchSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('present') }),
  z.strictObject({ kind: z.literal('exact'), value: z.string() }),
  z.strictObject({ kind: z.literal('prefix'), value: z.string() }),
  z.strictObject({ kind: z.literal('suffix'), value: z.string() }),
  z.strictObject({ kind: z.literal('regex'), pattern: z.string().min(1) }),
  z.strictObject({ kind: z.literal('range'), start: z.int(), end: z.int() }),
]);
export type ValueMatch = z.infer<typeof valueMatchSchema>;

/** One header (or gRPC metadata) condition. */
export const headerMatchSchema = z.strictObject({
  /** Header name, lowercased (HTTP header names are case-insensitive). */
  name: z
    .string()
    .min(1)
    .refine((name) => name === name.toLowerCase(), { error: 'must be lowercase' }),
  /**
   * When true, the condition holds when `match` does NOT hold (a missing header then satisfies it).
   * @default false
   */
  invert: z.boolean(),
  match: valueMatchSchema,
});
export type HeaderMatch = z.infer<typeof headerMatchSchema>;

/** One query parameter condition: the parameter is present, or present with exactly this (decoded) value. */
export const queryParameterMatchSchema = z.strictObject({
  /** Parameter name, case-sensitive. */
  name: z.string().min(1),
  match: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('present') }),
    z.strictObject({ kind: z.literal('exact'), value: z.string() }),
  ]),
});
export type QueryParameterMatch = z.infer<typeof queryParameterMatchSchema>;

/**
 * What an http, http2 or grpc route (or gateway route) matches. Every present condition must hold.
 * A gRPC service/method is already expressed as a path (`/pkg.Service/` prefix or `/pkg.Service/Method`
 * exact) and its metadata as headers.
 */
export const requestMatchSchema = z.strictObject({
  /** @default { kind: 'prefix', value: '/' } — App Mesh's match when neither prefix nor path is set. */
  path: pathMatchSchema,
  /** All must hold; sorted by name. Empty: no header condition. */
  headers: z.array(headerMatchSchema),
  /** All must hold; sorted by name. Empty: no query condition. */
  queryParameters: z.array(queryParameterMatchSchema),
  /** Upper-case HTTP method, e.g. `GET`. Absent: any method. */
  method: z.string().min(1).optional(),
  /** `:scheme` / the scheme the client used. Absent: any scheme. */
  scheme: z.enum(['http', 'https']).optional(),
  /** The port the request was addressed to (the service listener port). Absent: any port. */
  port: portNumber.optional(),
});
export type RequestMatch = z.infer<typeof requestMatchSchema>;

/** What a tcp route matches: a connection to this service port, or any. */
export const tcpMatchSchema = z.strictObject({
  /** Absent: any port. */
  port: portNumber.optional(),
});
export type TcpMatch = z.infer<typeof tcpMatchSchema>;

/** A gateway route's host condition, compared to the lowercased `Host` without its port. */
export const hostnameMatchSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('exact'), value: z.string().min(1) }),
  z.strictObject({ kind: z.literal('suffix'), value: z.string().min(1) }),
]);
export type HostnameMatch = z.infer<typeof hostnameMatchSchema>;
