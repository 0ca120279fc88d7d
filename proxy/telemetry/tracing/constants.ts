// Defaults and limits of X-Ray tracing, in one place.

/** The request header X-Ray propagates (lower-case, as Node presents it). */
export const TRACE_HEADER = 'x-amzn-trace-id';

/** App Mesh's default sampling: the first request each second, then 5% of the rest. */
export const DEFAULT_SAMPLING_RATE = 0.05;
export const DEFAULT_RESERVOIR_PER_SECOND = 1;

/** Where the X-Ray daemon listens in an App Mesh task (also the SDK's default). */
export const DEFAULT_DAEMON_ADDRESS = '127.0.0.1:2000';

/** The daemon protocol's header line, sent before each segment document. */
export const DAEMON_PROTOCOL_HEADER = '{"format":"json","version":1}\n';

/** A UDP datagram's payload limit (65,507 bytes over IPv4), less a margin: larger segments are dropped. */
export const MAX_SEGMENT_BYTES = 64_000;

/** Sends not yet acknowledged by the socket beyond which new segments are dropped, not queued. */
export const MAX_SENDS_IN_FLIGHT = 512;

/** Segments held while the socket connects (the first moments only). */
export const MAX_SEGMENTS_WHILE_CONNECTING = 64;

/**
 * Attempt subsegments recorded per segment. The X-Ray SDK streams subsegments on its own (global) emitter
 * past 100 open ones; staying under that keeps every byte on this tracer's socket.
 */
export const MAX_ATTEMPT_SUBSEGMENTS = 50;

/** Envoy's X-Ray `segment_fields.origin` for an App Mesh proxy. */
export const SEGMENT_ORIGIN = 'AWS::AppMesh::Proxy';
