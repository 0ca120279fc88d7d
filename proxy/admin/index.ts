// The admin port and what it shows.

export * from './admin-server.js';
export * from './config-view.js';
