/** Runs the real `hiqty` CLI (app/bin/hiqty.ts through tsx) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { cleanEnv } from '../support/proc';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: { stdout: string; stderr: string }; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'app/bin/hiqty.ts'), ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, ...output })));
  return { child, output, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}
