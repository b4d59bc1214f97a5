/**
 * Starts the programs under measurement as child processes: the hiqty bot and the baseline player.
 * When the bench itself runs compiled (`make bench`: dist/bench/*.js), they run compiled too, so no
 * TypeScript loader (tsx and its esbuild child) sits in the measured RSS and CPU; from the sources
 * (the smoke test under mocha) they run through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from '../test/support/wait';
import { processTree } from './measure';

const COMPILED = __filename.endsWith('.js');
/** The repository root, from bench/ or from dist/bench/. */
export const ROOT = COMPILED ? path.resolve(__dirname, '..', '..') : path.resolve(__dirname, '..');

/** node arguments that run a program given by its path in the sources, without the extension. */
function programArgs(sourcePath: string): string[] {
  return COMPILED ? [path.join(ROOT, 'dist', `${sourcePath}.js`)] : ['--import', 'tsx', path.join(ROOT, `${sourcePath}.ts`)];
}

export interface LogLine {
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface Program {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: LogLine[];
  /** Non-JSON output, kept for error messages. */
  readonly other: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  alive(): boolean;
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Runs `node <program> ...args` and collects its JSON log lines (one per stdout line). */
export function startProgram(sourcePath: string, args: readonly string[], env: NodeJS.ProcessEnv): Program {
  const child = spawn(process.execPath, [...programArgs(sourcePath), ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${sourcePath}`);
  const lines: LogLine[] = [];
  const other: string[] = [];
  let pending = '';
  const onText = (text: string): void => {
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (isRecord(parsed)) lines.push(parsed);
        else other.push(raw);
      } catch {
        other.push(raw);
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const cut = pending.lastIndexOf('\n');
    if (cut >= 0) {
      onText(pending.slice(0, cut));
      pending = pending.slice(cut + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => other.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      onText(pending);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid,
    lines,
    other,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    waitForLine: (what, match, timeoutMs = 30_000) =>
      waitFor(`${what} (log so far: ${JSON.stringify(lines.slice(-5))} ${other.join('').slice(-800)})`, () => lines.find(match), { timeoutMs, intervalMs: 20 }),
  };
}

/** SIGKILLs a program and the processes it started (ffmpeg reading a URL would outlive it), and waits for it. */
export async function killProgram(p: Program): Promise<void> {
  if (p.alive()) {
    const descendants = processTree(p.pid).filter((s) => s.pid !== p.pid);
    p.child.kill('SIGKILL');
    for (const d of descendants) {
      try {
        process.kill(d.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await p.exited;
}

/** The environment of a child: nothing of the developer's own settings leaks in. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...extra };
}
