/**
 * Starts the programs under measurement as child processes: the hiqty bot and the baseline player.
 * When the bench itself runs compiled (`make bench`: dist/bench/*.js), they run compiled too, so no
 * TypeScript loader (tsx and its esbuild child) sits in the measured RSS and CPU; from the sources
 * (the smoke test under mocha) they run through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { readLogLines, type LogLine, type LogReader } from '../test/support/proc';
import { processTree } from './measure';

export type { LogLine };

const COMPILED = __filename.endsWith('.js');
/** The repository root, from bench/ or from dist/bench/. */
export const ROOT = COMPILED ? path.resolve(__dirname, '..', '..') : path.resolve(__dirname, '..');

/** node arguments that run a program given by its path in the sources, without the extension. */
function programArgs(sourcePath: string): string[] {
  return COMPILED ? [path.join(ROOT, 'dist', `${sourcePath}.js`)] : ['--import', 'tsx', path.join(ROOT, `${sourcePath}.ts`)];
}

export interface Program extends LogReader {
  readonly child: ChildProcess;
  readonly pid: number;
  alive(): boolean;
}

/** Runs `node <program> ...args` and collects its JSON log lines (one per stdout line). */
export function startProgram(sourcePath: string, args: readonly string[], env: NodeJS.ProcessEnv): Program {
  const child = spawn(process.execPath, [...programArgs(sourcePath), ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${sourcePath}`);
  const reader = readLogLines(child);
  return {
    ...reader,
    child,
    pid: child.pid,
    alive: () => child.exitCode === null && child.signalCode === null,
    waitForLine: (what, match, timeoutMs = 30_000) => reader.waitForLine(what, match, timeoutMs),
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
