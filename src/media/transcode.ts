/**
 * One ffmpeg per transcoded track (DESIGN.md §6). ffmpeg only ever reads stdin
 * (`-protocol_whitelist pipe`), so a URL, a playlist or a concat file inside the data cannot make it
 * open anything; the bytes come from safeFetch.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../clock';
import { chainTrims, filterSteps, NO_FILTERS, type Filters } from '../filters';

/** Live ffmpeg children, for the `ffmpeg processes` gauge and for tests that must see none left. */
export class FfmpegProcesses {
  private readonly live = new Set<number>();
  private total = 0;
  private readonly listeners = new Set<(live: number) => void>();

  /** Processes running now. */
  get count(): number {
    return this.live.size;
  }

  /** Processes started since this registry was made. */
  get started(): number {
    return this.total;
  }

  pids(): number[] {
    return [...this.live];
  }

  /** Called with the new count at every start and exit; returns the unsubscribe function. */
  subscribe(listener: (live: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(pid: number): void {
    this.total++;
    this.live.add(pid);
    this.emit();
  }

  remove(pid: number): void {
    if (this.live.delete(pid)) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.live.size);
  }
}

/** The process-wide registry, used unless a caller passes its own. */
export const ffmpegProcesses = new FfmpegProcesses();

export interface TranscodeSettings {
  /** Position to start at; ffmpeg decodes and discards up to it. */
  readonly startMs: number;
  /** 100 is unchanged. */
  readonly volumePercent: number;
  /** The guild's audio filters (src/filters); default none. */
  readonly filters?: Filters;
}

/** Default wait between SIGTERM and SIGKILL when a transcode is stopped: 2 s. */
export const DEFAULT_KILL_GRACE_MS = 2000;

/**
 * `-ss` after `-i` decodes and discards rather than seeking the input: a pipe cannot seek anyway,
 * and it is sample-accurate. The output is always 48 kHz stereo Opus in Ogg, what Discord wants.
 */
export function ffmpegArgs({ startMs, volumePercent, filters = NO_FILTERS }: TranscodeSettings): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'pipe', '-i', 'pipe:0'];
  // With filters the chain trims in input time itself (see filterSteps): -ss would count output time.
  if (startMs > 0 && !chainTrims(filters)) args.push('-ss', (startMs / 1000).toFixed(3));
  const steps = filterSteps({ filters, volumePercent, skipMs: startMs });
  if (steps.length > 0) args.push('-af', steps.join(','));
  args.push('-vn', '-ac', '2', '-ar', '48000', '-c:a', 'libopus', '-b:a', '128k', '-f', 'ogg', 'pipe:1');
  return args;
}

export type TranscodeExit =
  | { readonly kind: 'ok' }
  /** ffmpeg could not start, exited non-zero or died of a signal nobody sent. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Stopped by kill(). */
  | { readonly kind: 'killed' };

export interface Transcoder {
  /** Ogg Opus bytes. */
  readonly output: Readable;
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its pipes are closed. Never rejects. */
  readonly exited: Promise<TranscodeExit>;
  /** SIGTERM now, SIGKILL after the grace period. Idempotent. */
  kill(): void;
}

export interface TranscodeOptions extends TranscodeSettings {
  readonly ffmpegPath: string;
  /**
   * The encoded input. When it fails, ffmpeg's stdin is closed so ffmpeg finishes with what it has;
   * the failure itself is the caller's to report (it knows why the input failed).
   */
  readonly input: Readable;
  readonly registry?: FfmpegProcesses;
  readonly killGraceMs?: number;
  readonly clock?: Clock;
}

const STDERR_KEEP_BYTES = 4096;

/** ffmpeg's last complaint, without the `pipe:0: ` prefix that only says which input it was about. */
function lastLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((l) => l.trim().replace(/^pipe:0: /, ''))
    .filter((l) => l.length > 0)
    .pop();
}

/**
 * ffmpeg's niceness: 10. A fresh ffmpeg decodes as fast as it can until its pipes are full, seconds of
 * audio ahead; at a lower priority that burst takes only the CPU the bot's event loop (and its 20 ms
 * audio cycle) leaves. ffmpegs already playing lose nothing: they run seconds ahead of the listener.
 */
export const FFMPEG_NICENESS = 10;

function lowerPriority(pid: number): void {
  try {
    setPriority(pid, FFMPEG_NICENESS);
  } catch {
    // Lowering a child's priority needs no privilege; a platform without it keeps the default.
  }
}

export function transcode(options: TranscodeOptions): Transcoder {
  const registry = options.registry ?? ffmpegProcesses;
  const clock = options.clock ?? systemClock;
  const child = spawn(options.ffmpegPath, ffmpegArgs(options), { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid !== undefined) {
    registry.add(pid);
    lowerPriority(pid);
  }

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_BYTES);
  });

  let killed = false;
  let spawnError: string | undefined;
  const exited = new Promise<TranscodeExit>((resolve) => {
    child.once('error', (e) => {
      spawnError = 'code' in e && typeof e.code === 'string' ? e.code : e.message;
      // A child that never started emits no 'close' on some platforms.
      if (pid === undefined) resolve({ kind: 'failed', reason: `ffmpeg could not be started (${spawnError})` });
    });
    child.once('exit', () => {
      if (pid !== undefined) registry.remove(pid);
    });
    child.once('close', (code, signal) => {
      if (killed) return resolve({ kind: 'killed' });
      if (spawnError !== undefined) return resolve({ kind: 'failed', reason: `ffmpeg could not be started (${spawnError})` });
      if (code === 0) return resolve({ kind: 'ok' });
      const line = lastLine(stderr);
      if (line !== undefined) return resolve({ kind: 'failed', reason: `ffmpeg could not decode it: ${line}` });
      resolve({ kind: 'failed', reason: signal !== null ? `ffmpeg was killed by ${signal}` : `ffmpeg exited with code ${code}` });
    });
  });

  const { input } = options;
  // EPIPE here means ffmpeg stopped reading (it exited); its exit status tells why.
  child.stdin.on('error', () => input.destroy());
  input.on('error', () => child.stdin.end());
  input.pipe(child.stdin);

  let graceTimer: { cancel(): void } | undefined;
  const kill = (): void => {
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    killed = true;
    input.unpipe(child.stdin);
    input.destroy();
    child.stdin.destroy();
    child.kill('SIGTERM');
    graceTimer = clock.setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  void exited.then(() => graceTimer?.cancel());

  return { output: child.stdout, pid, exited, kill };
}
