// What the proxy bench reads off the machine: CPU pinning, and a process's CPU time and memory from /proc.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/PID/stat's utime and stime (100 on Linux unless rebuilt). */
const CLOCK_TICKS = Number(safeExec('getconf', ['CLK_TCK']) ?? 100) || 100;

function safeExec(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function hasCommand(name: string): boolean {
  return safeExec('sh', ['-c', `command -v ${name}`]) !== undefined;
}

/**
 * The two CPU sets of the bench: the load generator (and the bench's own process) on one core, the
 * system under test — proxy and backend — on the other. Pinning is only possible with `taskset` and at
 * least two cores; without it, everything shares every core and the output says so.
 */
export interface CpuPlan {
  readonly pinned: boolean;
  readonly loadCpu: string;
  readonly systemCpu: string;
  readonly description: string;
}

export function planCpus(cores: number): CpuPlan {
  if (cores >= 2 && hasCommand('taskset')) {
    return {
      pinned: true,
      loadCpu: '0',
      systemCpu: '1',
      description: 'load generator and bench on CPU 0; proxy and backend share CPU 1 (taskset)',
    };
  }
  return {
    pinned: false,
    loadCpu: '',
    systemCpu: '',
    description: 'not pinned (taskset or a 2nd core missing)',
  };
}

/** `[file, ...args]` run on `cpu` when pinning is possible. */
export function pinned(plan: CpuPlan, cpu: string, command: readonly string[]): string[] {
  return plan.pinned ? ['taskset', '-c', cpu, ...command] : [...command];
}

/** Moves an already running process, with all its threads, onto `cpu`. */
export function pinProcess(plan: CpuPlan, cpu: string, pid: number): void {
  if (plan.pinned) execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in MiB, or 0 once the process is gone. */
export function rssMiB(pid: number): number {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(path, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** A process and its descendants (nginx's workers, a shell's child), read from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of (safeExec('ps', ['-e', '-o', 'pid=,ppid=']) ?? '').split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

export function machineSummary(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  return `${model.trim()}, Node ${process.version}`;
}
