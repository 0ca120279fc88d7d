// Finds the folder `proxy/Dockerfile` builds from (the package root), from source or from dist/.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Dockerfile, relative to the build context. */
export const PROXY_DOCKERFILE = 'proxy/Dockerfile';

/**
 * The nearest folder above this file holding `proxy/Dockerfile`: the repository root whether this runs
 * from `cdk/sidecar/private/` (tsx, vitest) or `dist/cdk/sidecar/private/` (compiled).
 */
export function proxyImageContext(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, PROXY_DOCKERFILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
