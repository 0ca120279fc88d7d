// One service's app, run as its own process group so that stopping it stops whatever it started too.

import { type ChildProcess, spawn } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** How long an app may take to exit after SIGTERM before its process group gets SIGKILL. */
export const APP_STOP_GRACE_MS = 3_000;

export interface AppProcessOptions {
  /** Shown before each line of output. */
  readonly name: string;
  /** A shell command line, or an argv list run without a shell (`node` means this Node). */
  readonly command: string | readonly string[];
  readonly cwd: string;
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Receives each line the app prints (stdout and stderr). */
  readonly onLine: (line: string) => void;
  /** Called when the app exits without being asked to. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface AppProcess {
  readonly pid: number;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** SIGTERM to the whole group, SIGKILL after the grace time; resolves once the app has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startApp(options: AppProcessOptions): AppProcess {
  // `node` in a command means the Node running tessera, whatever else is on PATH.
  const path = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const env = { ...process.env, PATH: path, ...options.env };
  const [file, args]: [string, string[]] =
    typeof options.command === 'string'
      ? ['/bin/sh', ['-c', options.command]]
      : [options.command[0] === 'node' ? process.execPath : options.command[0]!, options.command.slice(1)];
  const child: ChildProcess = spawn(file, args, {
    cwd: options.cwd,
    env,
    detached: true, // its own process group: `kill(-pid)` reaches the shell and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let exited = false;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) options.onExit?.(code, signal);
      resolve();
    });
    child.once('error', (error) => {
      options.onLine(`failed to start: ${error.message}`);
      exited = true;
      if (!stopping) options.onExit?.(null, null);
      resolve();
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', options.onLine);
  }
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  // Whatever ends this process (an uncaught error, process.exit), the app's group does not outlive it.
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid ?? -1,
    get exited() {
      return exited;
    },
    async stop(graceMs = APP_STOP_GRACE_MS) {
      stopping = true;
      // The group may outlive its leader (a child that ignored the shell's exit), so signal it either way.
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      signalGroup('SIGKILL');
      process.removeListener('exit', killOnExit);
    },
  };
}
