import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMeshCommand, DescribeMeshCommand } from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMeshClient } from '../support/control-plane.js';

// The compiled CLI, as `npx tessera` runs it (npm test builds first).
const CLI = join(import.meta.dirname, '../../dist/cli/tessera.js');

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

async function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'control-plane', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within 40 s; output:\n${output}`)),
      40_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^control plane listening on (http:\/\/\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before ready; output:\n${output}`)));
  });
  return { child, url, exited };
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tessera control-plane', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the API, stops cleanly on SIGTERM with DynamoDB Local, and keeps data across restarts in --data-dir', async () => {
    const first = await startCli(['--data-dir', dataDir]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = appMeshClient(first.url);
    const created = await client.send(new CreateMeshCommand({ meshName: 'kept' }));
    client.destroy();

    const dynamoDbLocal = childPids(first.child.pid!);
    expect(dynamoDbLocal.length).toBeGreaterThanOrEqual(1);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    for (const pid of dynamoDbLocal) expect(isAlive(pid)).toBe(false);
    await expect(fetch(`${first.url}/v20190125/meshes`)).rejects.toThrow();

    const second = await startCli(['--data-dir', dataDir]);
    const again = appMeshClient(second.url);
    const described = await again.send(new DescribeMeshCommand({ meshName: 'kept' }));
    again.destroy();
    expect(described.mesh?.metadata?.uid).toBe(created.mesh?.metadata?.uid);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 90_000);

  it('rejects a bad port before starting anything', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'control-plane', '--port', '70000'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(stderr).toContain('must be a port number between 0 and 65535, got "70000"');
  });
});
