/** Process facts read from /proc: which children a process has, by command name. */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Marks every process this test run starts: child processes inherit it (cleanEnv passes it on), so
 * a grandchild that outlived its parent and was re-parented to init can still be found.
 */
export const TEST_RUN_MARKER = 'TEST_RUN_PID';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** One letter from /proc/<pid>/stat: R, S, D, Z (exited, not reaped yet), T... */
  readonly state: string;
  readonly command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the parenthesised command (which may contain spaces): field 3 is the state, field 4 the parent pid.
    const [state = '?', ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '').join(' ');
    return { pid, ppid: Number(ppid), state, command: command === '' ? stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) : command };
  } catch {
    // The process ended while we looked.
    return undefined;
  }
}

function allProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) found.push(info);
  }
  return found;
}

/** Pids of the children of `parentPid` whose executable's base name is `name`. */
export function childProcesses(parentPid: number, name: string): number[] {
  return allProcesses()
    .filter((p) => {
      if (p.ppid !== parentPid) return false;
      const executable = p.command.split(' ')[0] ?? '';
      return executable === name || executable.endsWith(`/${name}`);
    })
    .map((p) => p.pid);
}

function carriesMarker(pid: number, value: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${TEST_RUN_MARKER}=${value}`);
  } catch {
    // Gone, or another user's process.
    return false;
  }
}

/**
 * Every process that belongs to the test run of `rootPid`: its descendants, and any process carrying
 * the run's marker (orphans). Empty where /proc is missing (not Linux).
 */
export function testRunProcesses(rootPid: number = process.pid): ProcessInfo[] {
  let processes: ProcessInfo[];
  try {
    processes = allProcesses();
  } catch {
    return [];
  }
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = new Map<number, ProcessInfo>();
  const queue = [...(children.get(rootPid) ?? [])];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  for (const p of processes) {
    if (p.pid !== rootPid && !found.has(p.pid) && carriesMarker(p.pid, String(rootPid))) found.set(p.pid, p);
  }
  return [...found.values()];
}
