// What one request contributes to the access log: plain data the listener fills once, when it is over.

export interface AccessLogEntry {
  /** When the request's headers arrived, epoch ms. */
  readonly startTime: number;
  /** From request start to the last byte sent, ms. */
  readonly durationMs: number;
  readonly method: string;
  /** Path and query as received (`:PATH`). */
  readonly path: string;
  /** The path before a gateway rewrite (`X-ENVOY-ORIGINAL-PATH`). @default - none */
  readonly originalPath?: string;
  /** `:AUTHORITY`: the Host the request was routed on. */
  readonly authority: string;
  /** `:SCHEME`. @default 'http' */
  readonly scheme?: string;
  /** `HTTP/1.1`, `HTTP/2`… */
  readonly protocol: string;
  /** The downstream request's raw headers (`req.rawHeaders`), for `%REQ(X)%`. */
  readonly requestHeaders: readonly string[];
  /** The response's raw headers as sent downstream, for `%RESP(X)%`. @default - none */
  readonly responseHeaders?: readonly string[];
  /** Status sent downstream; 0 when none was. */
  readonly status: number;
  /** Envoy response flags (`UH`, `UF`, `UT`, `URX`, `UC`, `DC`, `NR`, `UO`, `LR`…), comma-separated. @default '-' */
  readonly responseFlags?: string;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** `address:port` of the last upstream endpoint tried. @default - none */
  readonly upstreamHost?: string;
  /** @default - none */
  readonly upstreamCluster?: string;
  /** Time from the upstream request to its response headers, ms (`X-ENVOY-UPSTREAM-SERVICE-TIME`). */
  readonly upstreamServiceTimeMs?: number;
  /** @default - none */
  readonly routeName?: string;
  /** The downstream peer, `address:port`. */
  readonly downstreamRemoteAddress: string;
  /** The listener's address, `address:port`. @default - none */
  readonly downstreamLocalAddress?: string;
}
