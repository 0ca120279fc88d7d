// Every operation the control plane's HTTP API serves.

import { APP_MESH_OPERATIONS } from './app-mesh-operations.js';
import type { Operation } from './operation.js';

export const OPERATIONS: readonly Operation[] = [...APP_MESH_OPERATIONS];
