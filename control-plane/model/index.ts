// The App Mesh resource model: spec schemas and types, validation of names, tags and specs, and references.

export * from './constants.js';
export type { GatewayRouteSpec } from './gateway-route.js';
export type { Kind, ResourceKey } from './kinds.js';
export { describeKey, KIND_LABEL, KINDS, PARENT_KIND, parentKey } from './kinds.js';
export type { MeshSpec } from './mesh.js';
export { NAME_RULE, validateName } from './names.js';
export { type SpecReference, specReferences } from './references.js';
export type { RouteSpec } from './route.js';
export type { Duration } from './shared.js';
export { validateTags } from './tags.js';
export { SPEC_SCHEMAS, type SpecOf, type SpecResult, validateSpec } from './validate.js';
export type { VirtualGatewaySpec } from './virtual-gateway.js';
export type { VirtualNodeSpec } from './virtual-node.js';
export type { VirtualRouterSpec } from './virtual-router.js';
export type { VirtualServiceSpec } from './virtual-service.js';
