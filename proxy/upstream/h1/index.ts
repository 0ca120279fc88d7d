export type { DispatchHandler, DispatchOptions } from './dispatch.js';
export { type UpstreamErrorCode, UpstreamHttpError } from './errors.js';
export { H1Pool, type H1PoolOptions } from './pool.js';
export type { ResponseLimits } from './response-parser.js';
