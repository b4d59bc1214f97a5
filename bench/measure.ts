/**
 * RSS and CPU of a process tree, read from /proc (Linux): the bot plus its children (ffmpeg), with
 * ffmpeg's share kept apart. CPU is utime + stime; the root's cutime + cstime adds children it has
 * already reaped, so a child that ends inside a window is still counted.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (100 on every Linux seen; asked once). */
const CLK_TCK = ((): number => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  /** utime + stime, ms. */
  readonly cpuMs: number;
  /** cutime + cstime (reaped children), ms. */
  readonly reapedMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = (i: number): number => (Number(f[i]) * 1000) / CLK_TCK;
    return { pid, ppid: Number(f[1]), name, cpuMs: tick(11) + tick(12), reapedMs: tick(13) + tick(14) };
  } catch {
    return undefined; // it ended while we looked
  }
}

/**
 * Proportional set size: shared pages divided among the processes sharing them. Summed RSS counts
 * every shared library of every ffmpeg in full; summed PSS is what the tree really adds to the machine.
 */
function readPssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function readRssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The root and all its descendants, by one scan of /proc. */
export function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) all.push(s);
  }
  const byParent = new Map<number, ProcStat[]>();
  for (const s of all) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return [];
  const out: ProcStat[] = [rootStat];
  for (let i = 0; i < out.length; i++) {
    const current = out[i];
    if (current) out.push(...(byParent.get(current.pid) ?? []));
  }
  return out;
}

/** One reading of one or more trees. `main` is the root processes; `ffmpeg` every ffmpeg below them; `total` all of it. */
export interface TreeSample {
  readonly atMs: number;
  readonly rssKb: { readonly main: number; readonly ffmpeg: number; readonly total: number };
  readonly pssKb: { readonly ffmpeg: number; readonly total: number };
  readonly cpuMs: { readonly main: number; readonly ffmpeg: number; readonly total: number };
  readonly ffmpegs: number;
}

export function sampleTree(roots: readonly number[]): TreeSample {
  const tree = roots.flatMap((root) => processTree(root));
  let mainRss = 0;
  let ffRss = 0;
  let totalRss = 0;
  let ffPss = 0;
  let totalPss = 0;
  let mainCpu = 0;
  let ffCpu = 0;
  let totalCpu = 0;
  let ffmpegs = 0;
  for (const p of tree) {
    const rss = readRssKb(p.pid);
    const pss = readPssKb(p.pid);
    totalRss += rss;
    totalPss += pss;
    totalCpu += p.cpuMs;
    if (roots.includes(p.pid)) {
      mainRss += rss;
      mainCpu += p.cpuMs;
      totalCpu += p.reapedMs;
    } else if (p.name === 'ffmpeg') {
      ffRss += rss;
      ffPss += pss;
      ffCpu += p.cpuMs;
      ffmpegs += 1;
    }
  }
  return { atMs: performance.now(), rssKb: { main: mainRss, ffmpeg: ffRss, total: totalRss }, pssKb: { ffmpeg: ffPss, total: totalPss }, cpuMs: { main: mainCpu, ffmpeg: ffCpu, total: totalCpu }, ffmpegs };
}

/** Machine-wide busy and total jiffies from /proc/stat, to show how loaded the 2 cores were. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** What a window of sampling found: mean RSS, CPU in % of one core, ffmpeg apart, machine load. */
export interface WindowFigures {
  readonly seconds: number;
  readonly rssKb: { readonly main: number; readonly ffmpeg: number; readonly total: number };
  readonly pssKb: { readonly ffmpeg: number; readonly total: number };
  readonly cpuPct: { readonly main: number; readonly ffmpeg: number; readonly total: number };
  readonly ffmpegs: number;
  /** The sandbox in % of one core: its own process when it runs apart, else this (bench) process. */
  readonly sandboxCpuPct: number;
  /** All cores busy, in % of the whole machine (100 = every core busy). */
  readonly machineBusyPct: number;
}

/** Samples the trees' RSS every `everyMs` for `windowMs`, and their CPU over the whole window. */
export async function measureWindow(roots: readonly number[], windowMs: number, everyMs: number, sandboxPid?: number): Promise<WindowFigures> {
  const machine0 = machineTicks();
  const self0 = process.cpuUsage();
  const sandboxCpuMs = (): number => (sandboxPid === undefined ? 0 : (processTree(sandboxPid)[0]?.cpuMs ?? 0));
  const sandbox0 = sandboxCpuMs();
  const first = sampleTree(roots);
  const samples: TreeSample[] = [first];
  const end = first.atMs + windowMs;
  for (;;) {
    const wait = Math.min(everyMs, end - performance.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    samples.push(sampleTree(roots));
    if (performance.now() >= end) break;
  }
  const last = samples[samples.length - 1] ?? first;
  const self = process.cpuUsage(self0);
  const sandboxMs = sandboxPid === undefined ? (self.user + self.system) / 1000 : sandboxCpuMs() - sandbox0;
  const machine1 = machineTicks();
  const ms = last.atMs - first.atMs;
  const mean = (pick: (s: TreeSample) => number): number => samples.reduce((a, s) => a + pick(s), 0) / samples.length;
  const pct = (pick: (s: TreeSample) => number): number => (ms > 0 ? ((pick(last) - pick(first)) / ms) * 100 : 0);
  return {
    seconds: ms / 1000,
    rssKb: { main: mean((s) => s.rssKb.main), ffmpeg: mean((s) => s.rssKb.ffmpeg), total: mean((s) => s.rssKb.total) },
    pssKb: { ffmpeg: mean((s) => s.pssKb.ffmpeg), total: mean((s) => s.pssKb.total) },
    cpuPct: { main: pct((s) => s.cpuMs.main), ffmpeg: pct((s) => s.cpuMs.ffmpeg), total: pct((s) => s.cpuMs.total) },
    ffmpegs: Math.round(mean((s) => s.ffmpegs)),
    sandboxCpuPct: ms > 0 ? (sandboxMs / ms) * 100 : 0,
    machineBusyPct: machine1.total > machine0.total ? ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100 : 0,
  };
}
