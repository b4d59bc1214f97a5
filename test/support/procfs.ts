/** Process facts read from /proc: which children a process has, by command name. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the children of `parentPid` whose executable's base name is `name`. */
export function childProcesses(parentPid: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (after the parenthesised command, which may contain spaces) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (cmd === name || cmd.endsWith(`/${name}`)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
