// Every operation the control plane's HTTP API serves.

import { APP_MESH_OPERATIONS } from './app-mesh-operations.js';
import { DISCOVERY_OPERATIONS } from './discovery-operations.js';
import type { Operation } from './operation.js';
import { SNAPSHOT_OPERATIONS } from './snapshot-operations.js';

export const OPERATIONS: readonly Operation[] = [
  ...APP_MESH_OPERATIONS,
  ...SNAPSHOT_OPERATIONS,
  ...DISCOVERY_OPERATIONS,
];
