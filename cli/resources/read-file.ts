// Reads a resource file from disk (or standard input for `-`) and parses it.

import { readFile } from 'node:fs/promises';
import { ResourceFileError } from './errors.js';
import { type ResourceFile, readResourceFile } from './parse-resource-file.js';

/** The resources of the file at `path` (`-` for standard input); a missing file is a `ResourceFileError`. */
export async function loadResourceFile(
  path: string,
  parameters: Readonly<Record<string, string>> = {},
): Promise<ResourceFile> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResourceFileError([
      { location: path, message: code === 'ENOENT' ? 'no such file' : (error as Error).message },
    ]);
  }
  return readResourceFile(text, path === '-' ? '<stdin>' : path, parameters);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
