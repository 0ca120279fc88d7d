// The control plane's public surface, for the CLI, the Lambda handlers and (later) the CDK constructs.

export { createApiHandler } from './api/api-handler.js';
export type { ApiRequest, ApiResponse } from './api/http.js';
export * from './errors.js';
export type { Kind, ResourceKey } from './model/kinds.js';
export { KINDS } from './model/kinds.js';
export { arnOf, parseArn } from './service/arn.js';
export { MeshService } from './service/mesh-service.js';
export type { Store } from './store/store.js';
