// Errors of the tracing configuration: thrown by `createTracer` at startup, never on the request path.

export class TracingConfigError extends Error {
  override readonly name = 'TracingConfigError';
  readonly code = 'TRACING_CONFIG_INVALID';
}
