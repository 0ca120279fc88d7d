// Active health checks of the local app.

export * from './health-checker.js';
export * from './probe.js';
