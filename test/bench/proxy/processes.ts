// Child processes of the bench: started pinned, ready when their output matches (or a probe passes),
// always stopped.

import { type ChildProcess, spawn } from 'node:child_process';

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What matched the ready pattern; empty when readiness was probed. */
  readonly match: RegExpExecArray | readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts `command`; it is ready once stdout or stderr matches `ready`, or once the `ready` probe
 * resolves (for servers that print nothing). Rejects if it exits first or takes over `timeoutMs`.
 */
export function startProcess(
  command: readonly string[],
  ready: RegExp | (() => Promise<void>),
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Started> {
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | undefined, match: RegExpExecArray | readonly string[] = []) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        resolve({ child, pid: child.pid!, match, stop: () => stopProcess(child) });
      }
    };
    const timer = setTimeout(
      () => done(new Error(`${command.join(' ')} not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      // Keep only the start of the output: a proxy's EMF lines would otherwise grow it forever.
      if (output.length < 64_000) output += chunk.toString();
      if (ready instanceof RegExp) {
        const match = ready.exec(output);
        if (match) done(undefined, match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) =>
      done(new Error(`${command.join(' ')} exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
    if (typeof ready === 'function') ready().then(() => done(undefined), done);
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}
