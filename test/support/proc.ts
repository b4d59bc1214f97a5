/**
 * Runs `hiqty` as a real child process (through tsx, from the sources) and reads its JSON log lines,
 * so tests can SIGTERM or SIGKILL an instance the way Kubernetes would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { TEST_RUN_MARKER } from './procfs';
import { waitFor } from './wait';

export interface LogLine {
  readonly level?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface HiqtyProcess extends LogReader {
  readonly child: ChildProcess;
  kill(signal: NodeJS.Signals): void;
}

const ROOT = path.resolve(__dirname, '..', '..');

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** What a child's stdout says, one JSON object per line, plus whatever else it printed. */
export interface LogReader {
  readonly lines: LogLine[];
  /** Non-JSON output (stack traces, tool chatter), kept for failure messages. */
  readonly other: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

/** Collects a child process's JSON log lines as they come (hiqty logs one object per line). */
export function readLogLines(child: ChildProcess): LogReader {
  const lines: LogLine[] = [];
  const other: string[] = [];
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
  let pending = '';
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
    lines,
    other,
    exited,
    waitForLine: (what, match, timeoutMs = 20_000) =>
      waitFor(`${what} (log so far: ${JSON.stringify(lines.slice(-5))} ${other.join('').slice(-500)})`, () => lines.find(match), { timeoutMs, intervalMs: 20 }),
  };
}

/** `stdin: 'pipe'` lets a test type into the process (the sandbox console of `make run`); default ignored. */
export function spawnHiqty(args: string[], env: NodeJS.ProcessEnv, options: { readonly stdin?: 'pipe' | 'ignore' } = {}): HiqtyProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'app/bin/hiqty.ts'), ...args], {
    cwd: ROOT,
    env,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  return { child, ...readLogLines(child), kill: (signal) => void child.kill(signal) };
}

/** An environment without the developer's own settings leaking in; it keeps the test run's marker (see procfs). */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', [TEST_RUN_MARKER]: process.env[TEST_RUN_MARKER] };
  // The suite runs once more with the voice engine in the main thread: `HIQTY_VOICE_WORKERS=0 make test`.
  if (process.env.HIQTY_VOICE_WORKERS !== undefined) env.HIQTY_VOICE_WORKERS = process.env.HIQTY_VOICE_WORKERS;
  return { ...env, ...extra };
}
