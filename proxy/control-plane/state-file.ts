// What the proxy keeps on disk to start without its control plane (`<stateDir>/snapshot.json`,
// `endpoints.json`): written atomically, its mtime the last time the control plane confirmed it.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export const SNAPSHOT_FILE_NAME = 'snapshot.json';
export const ENDPOINTS_FILE_NAME = 'endpoints.json';

export interface StoredState {
  /** The JSON exactly as the control plane served it (check it before use). */
  readonly text: string;
  /** Epoch ms when the control plane last confirmed it current (the file's mtime). */
  readonly confirmedAt: number;
}

export class StateFile {
  readonly path: string;
  readonly #dir: string;

  constructor(stateDir: string, fileName: string) {
    this.#dir = stateDir;
    this.path = join(stateDir, fileName);
  }

  /** Replaces the file atomically: a temporary file is written and synced, then renamed over it. */
  async write(text: string, confirmedAt: number): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await setTime(temporary, confirmedAt);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Records that the control plane confirmed the stored state at `confirmedAt`. */
  async touch(confirmedAt: number): Promise<void> {
    await setTime(this.path, confirmedAt);
  }

  /** The stored state, or undefined when there is none. */
  async read(): Promise<StoredState | undefined> {
    try {
      const [text, info] = await Promise.all([readFile(this.path, 'utf8'), stat(this.path)]);
      return { text, confirmedAt: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

async function setTime(path: string, epochMs: number): Promise<void> {
  const seconds = epochMs / 1000;
  await utimes(path, seconds, seconds);
}
