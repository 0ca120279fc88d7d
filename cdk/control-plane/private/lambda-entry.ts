// Where a Lambda handler's source is, for esbuild: `lambda/<name>.ts` when the constructs run from their
// TypeScript sources (vitest, ts-node), `dist/lambda/<name>.js` when they run compiled from `dist/cdk/`.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `lambda/` seen from this module: cdk/control-plane/private → ../../../lambda (also under dist/). */
const LAMBDA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lambda');

/** The entry file of `lambda/<name>`: the compiled `.js` beside this module if built, else the `.ts` source. */
export function lambdaEntry(name: string, lambdaDir = LAMBDA_DIR): string {
  const compiled = join(lambdaDir, `${name}.js`);
  if (existsSync(compiled)) return compiled;
  const source = join(lambdaDir, `${name}.ts`);
  if (existsSync(source)) return source;
  throw new Error(`no Lambda entry for "${name}": neither ${compiled} nor ${source} exists`);
}
