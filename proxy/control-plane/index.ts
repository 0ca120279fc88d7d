// The proxy's side of the control plane: the snapshot and endpoint watchers, and self-registration.

export * from './client-options.js';
export * from './control-plane-urls.js';
export * from './endpoint-watcher.js';
export * from './registration.js';
export * from './snapshot-watcher.js';
export * from './state-file.js';
export * from './timers.js';
