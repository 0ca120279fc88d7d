// Runs the compiled CLI for end-to-end command tests.

import { execFile } from 'node:child_process';
import { join } from 'node:path';

// The compiled CLI, as `npx tessera` runs it (npm test builds first).
const CLI = join(import.meta.dirname, '../../../dist/cli/tessera.js');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI without blocking this process, which serves the control plane it talks to. */
export function tessera(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
