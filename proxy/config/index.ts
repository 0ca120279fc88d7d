// The proxy's configuration: its type, how it is resolved from flags and environment, and its defaults.

export { type AppMeshResource, parseAppMeshArn } from './appmesh-arn.js';
export * from './constants.js';
export { type EcsTaskMetadata, readEcsTaskMetadata } from './ecs-task-metadata.js';
export { ProxyConfigError } from './errors.js';
export { type ListenerPortsResult, resolveListenerPorts } from './listener-ports.js';
export { localProxyConfig } from './local-proxy-config.js';
export { detectPlatform, type Env, instanceIdOf, type PlatformIdentity } from './platform-identity.js';
export type { ListenerPort, Platform, PortAssignment, ProxyConfig, ProxyIdentity } from './proxy-config.js';
export { type ProxyFlags, resolveProxyConfig, SETTINGS } from './resolve-proxy-config.js';
