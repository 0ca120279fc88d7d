// Defaults and limits of access logging, in one place.

/** Envoy's default format, which App Mesh used when a node named only a path. */
export const DEFAULT_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** Bytes waiting to be written beyond which new lines are dropped (and counted). @default 1 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/** One write carries whole lines up to this size: PIPE_BUF, so lines never interleave on a shared pipe. */
export const WRITE_BATCH_BYTES = 4096;
