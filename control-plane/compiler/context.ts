// What every compile step shares: the mesh's resources, the clusters in use, and the notes taken.

import type { ClusterSet } from './clusters.js';
import type { MeshIndex } from './mesh-index.js';
import type { Notes } from './notes.js';

export interface Context {
  readonly index: MeshIndex;
  readonly clusters: ClusterSet;
  readonly notes: Notes;
}
