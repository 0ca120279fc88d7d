// The control plane's constructs and the contract of the mesh resources it backs.

export * from './mesh-control-plane.js';
export * from './mesh-resource-properties.js';
