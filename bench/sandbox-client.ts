/**
 * Starts the sandbox as a process of its own (bench/sandbox-process.ts) and speaks to it over the
 * fork IPC channel: what the bots need to connect (token, REST base, CA certificate, guilds) and an
 * AudioProbe whose answers are converted onto this process's clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { DaveMode, GuildSpec, VerifyMode } from '../src/sandbox';
import type { AudioProbe, GuildAudio } from './audio-probe';
import { ROOT } from './procs';
import { decodeOrThrow, SandboxMessage, type SandboxJob, type WireAudio } from './sandbox-protocol';

const COMPILED = __filename.endsWith('.js');

export interface SandboxProcess extends AudioProbe {
  readonly pid: number;
  readonly token: string;
  readonly apiBase: string;
  readonly caCertPath: string;
  readonly guilds: readonly GuildSpec[];
  stop(): Promise<void>;
}

export interface SandboxProcessOptions {
  readonly guilds: number;
  /** Gateway shards the sandbox recommends (see BENCH_GUILDS_PER_SHARD). */
  readonly shards: number;
  readonly dataDir: string;
  readonly dave: DaveMode;
  readonly verify: VerifyMode;
  /** Decode one 200 ms window in this many (among the verified ones). */
  readonly decodeWindowsOutOf: number;
  /** How long the process may take to listen. Default 30 s. */
  readonly startTimeoutMs?: number;
}

function fromEpoch(t: number | null): number | undefined {
  return t === null ? undefined : t - performance.timeOrigin;
}

function toGuildAudio(w: WireAudio): GuildAudio {
  return { ...w, firstPacketAtMs: fromEpoch(w.firstPacketAtEpochMs), lastPacketAtMs: fromEpoch(w.lastPacketAtEpochMs) };
}

/** Default: a 1 MB semi-space (V8's own grows to 16 MB): short scavenges in the process that times every packet. */
export const SANDBOX_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

export async function startSandboxProcess(o: SandboxProcessOptions): Promise<SandboxProcess> {
  const job: SandboxJob = { guilds: o.guilds, shards: o.shards, dataDir: o.dataDir, dave: o.dave, verify: o.verify, decodeWindowsOutOf: o.decodeWindowsOutOf };
  const entry = COMPILED ? path.join(ROOT, 'dist', 'bench', 'sandbox-process.js') : path.join(ROOT, 'bench', 'sandbox-process.ts');
  const child: ChildProcess = fork(entry, [JSON.stringify(job)], {
    cwd: ROOT,
    // The sandbox stands for Discord: its own pauses (a large young generation's scavenges) would be
    // timed as late frames of every guild at once, so it runs with a small one.
    execArgv: [...SANDBOX_NODE_FLAGS, ...(COMPILED ? [] : ['--import', 'tsx'])],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...(process.env.HIQTY_SANDBOX_DAVE ? { HIQTY_SANDBOX_DAVE: process.env.HIQTY_SANDBOX_DAVE } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the sandbox process');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (audio: WireAudio[]) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let ready: ((m: Extract<SandboxMessage, { type: 'ready' }>) => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  const started = new Promise<Extract<SandboxMessage, { type: 'ready' }>>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.on('message', (raw: unknown) => {
    let m: SandboxMessage;
    try {
      m = decodeOrThrow('a sandbox message', SandboxMessage, raw);
    } catch (err) {
      failed?.(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (m.type === 'ready') return ready?.(m);
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.type === 'reply') p?.resolve(m.audio);
    else p?.reject(new Error(`the sandbox process: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    const err = new Error(`the sandbox process exited (${code ?? signal})`);
    failed?.(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const timeout = setTimeout(() => failed?.(new Error(`the sandbox process did not start in ${(o.startTimeoutMs ?? 30_000) / 1000} s`)), o.startTimeoutMs ?? 30_000);
  let info: Extract<SandboxMessage, { type: 'ready' }>;
  try {
    info = await started;
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  } finally {
    clearTimeout(timeout);
  }
  const ask = (op: 'audio' | 'reset', guilds: readonly string[]): Promise<WireAudio[]> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('the sandbox process is gone'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, guilds: [...guilds] });
    });
  return {
    pid,
    token: info.token,
    apiBase: info.apiBase,
    caCertPath: info.caCertPath,
    guilds: info.guilds,
    audio: async (ids) => (await ask('audio', ids)).map(toGuildAudio),
    reset: async (ids) => {
      await ask('reset', ids);
    },
    stop: async () => {
      // Closing the channel tells the sandbox to stop; a sandbox that does not exit in time is killed.
      if (child.connected) child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
