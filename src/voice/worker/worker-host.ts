/**
 * An engine in a voice worker, as the main thread sees it (EngineHost, src/voice/engine/host.ts). The
 * host spawns the worker, bridges its gateway adapters to the main thread's discord.js client, decodes
 * its events, and restarts it when it dies: one warn line, the restart counted, a respawn after a
 * backoff, then the onRestart listeners (which report the guilds it held as lost, so the reconciler
 * joins and plays them again from their checkpoints, on this instance, without a lease wait).
 */
import * as path from 'node:path';
import { getCACertificates } from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { Client } from 'discord.js';
import { systemClock, type Clock, type Timer } from '../../clock';
import type { Logger, LogLevel } from '../../log';
import type { OriginOverrides } from '../../media/origins';
import type { EngineCommand, EngineEvent, EngineStats } from '../engine/contract';
import type { EngineHost } from '../engine/host';
import { AdapterBridge } from './adapter-bridge';
import { LifetimeStats } from './lifetime-stats';
import { FromWorkerCodec, MessageDrops, type ToWorker } from './messages';
import { DEFAULT_RESTART_POLICY, RestartBackoff, type RestartPolicy } from './restart-backoff';
import { originsText, type SinkKind, type WorkerData, type WorkerMedia } from './worker-data';

/**
 * Default 8 MB: a voice worker's young generation (V8's own grows to 48 MB and more). Nearly everything
 * a worker allocates dies within a frame (packets, ciphers, send requests), so a small nursery costs
 * frequent, short scavenges, which suits a 20 ms clock, and keeps garbage from swelling the thread's
 * memory (measured with heap snapshots and the bench's RSS slope at 100 and 200 tracks).
 */
export const VOICE_WORKER_YOUNG_GENERATION_MB = 8;

/** How long close() waits for the worker to end by itself before it terminates it. */
export const CLOSE_GRACE_MS = 1000;

export interface WorkerHostOptions {
  /** The worker's number: "worker-n". */
  readonly index: number;
  /** The main thread's discord.js client: its gateway carries the worker's voice payloads. */
  readonly client: Client;
  /** The main thread's logger (deaths, restarts, dropped messages). */
  readonly log: Logger;
  /** The worker's own log level (HIQTY_LOG_LEVEL). */
  readonly logLevel: LogLevel;
  /** The worker engine's AudioSink: 'packet' (src/voice/engine/packet-sink.ts) or 'library'. */
  readonly sinks: SinkKind;
  readonly media: Omit<WorkerMedia, 'serviceOrigins'> & { readonly serviceOrigins: OriginOverrides };
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Default DEFAULT_RESTART_POLICY (100 ms doubling to 5 s while workers die within 5 s). */
  readonly restart?: RestartPolicy;
  /** The worker script. Default worker-main next to this file (.ts under tsx, .js from dist); tests may run another. */
  readonly entry?: string;
  /**
   * 'now' (the default) starts the worker at once; 'on-first-command' when the first command comes for it,
   * so an instance with nothing playing (thousands of idle guilds, or a fresh pod) runs no worker and pays
   * nothing for one (each is a V8 isolate with hiqty's media and voice modules, tens of MB).
   */
  readonly start?: 'now' | 'on-first-command';
}

type Life =
  /** Not started yet (start 'on-first-command'). */
  | { readonly kind: 'unborn' }
  | { readonly kind: 'running'; readonly worker: Worker; readonly startedAt: number; error: unknown }
  | { readonly kind: 'restarting'; readonly timer: Timer }
  | { readonly kind: 'closed' };

interface Entry {
  readonly file: string;
  readonly execArgv: string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * How to run a worker script: a .js as it is; a .ts (the sources, in tests) through tsx. Under tsx,
 * esbuild would run its sync service in a nested worker whose esbuild child process nobody reaps once
 * the voice worker ends (a zombie per life); ESBUILD_WORKER_THREADS=0 makes each transform a child
 * that is reaped at once (only files missing from tsx's cache are transformed at all).
 */
function entryFor(file: string): Entry {
  if (path.extname(file) !== '.ts') return { file, execArgv: [], env: process.env };
  return { file, execArgv: ['--require', require.resolve('tsx/cjs')], env: { ...process.env, ESBUILD_WORKER_THREADS: '0' } };
}

/** The worker entry next to this file: .ts under tsx, .js from dist. */
function defaultEntry(): string {
  return path.join(__dirname, `worker-main${path.extname(__filename)}`);
}

export class WorkerEngineHost implements EngineHost {
  readonly name: string;
  private life: Life;
  private readonly bridge: AdapterBridge;
  private readonly drops: MessageDrops;
  private readonly lifetime = new LifetimeStats();
  private readonly backoff: RestartBackoff;
  private readonly clock: Clock;
  private readonly eventListeners: Array<(event: EngineEvent) => void> = [];
  private readonly restartListeners: Array<() => void> = [];
  private restartCount = 0;
  private dropped = 0;
  private closing: Promise<void> | undefined;
  private readonly exited = new Set<() => void>();

  constructor(private readonly options: WorkerHostOptions) {
    this.name = `worker-${options.index}`;
    this.clock = options.clock ?? systemClock;
    this.backoff = new RestartBackoff(options.restart ?? DEFAULT_RESTART_POLICY);
    this.drops = new MessageDrops(options.log, this.name);
    this.bridge = new AdapterBridge(options.client, (message) => this.post(message), options.log.child({ host: this.name }));
    this.life = options.start === 'on-first-command' ? { kind: 'unborn' } : this.spawn();
  }

  send(command: EngineCommand): void {
    if (this.life.kind === 'unborn') this.life = this.spawn();
    if (this.life.kind === 'running') this.life.worker.postMessage(command);
    else this.dropped += 1;
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.eventListeners.push(listener);
  }

  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  stats(): EngineStats {
    return this.lifetime.current();
  }

  restarts(): number {
    return this.restartCount;
  }

  /** A worker thread has been started (with start 'on-first-command', only once a command came). */
  started(): boolean {
    return this.life.kind !== 'unborn';
  }

  /** Commands dropped because the worker was restarting (or closed). */
  commandsDropped(): number {
    return this.dropped;
  }

  /** Messages from the worker that did not decode (each kind logged once). */
  messagesDropped(): number {
    return this.drops.dropped();
  }

  /**
   * Terminates the worker as a crash would, and resolves once it has exited: the host then restarts
   * it like any dead worker. For tests and operators (a wedged worker); a no-op unless running.
   */
  async kill(): Promise<void> {
    if (this.life.kind !== 'running') return;
    const exited = this.nextExit();
    await this.life.worker.terminate();
    await exited;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const life = this.life;
    this.life = { kind: 'closed' };
    if (life.kind === 'restarting') life.timer.cancel();
    if (life.kind === 'running') {
      const exited = this.nextExit();
      life.worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
      let timer: Timer | undefined;
      const late = new Promise<'late'>((resolve) => (timer = this.clock.setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
      if ((await Promise.race([exited, late])) === 'late') await life.worker.terminate();
      timer?.cancel();
      await exited;
    }
    this.bridge.closeAll();
  }

  private nextExit(): Promise<void> {
    return new Promise((resolve) => this.exited.add(resolve));
  }

  private post(message: ToWorker): void {
    if (this.life.kind === 'running') this.life.worker.postMessage(message);
  }

  private spawn(): Life {
    const { options } = this;
    const data: WorkerData = {
      index: options.index,
      logLevel: options.logLevel,
      sinks: options.sinks,
      media: { ...options.media, serviceOrigins: originsText(options.media.serviceOrigins) },
      caCertificates: getCACertificates('default'),
    };
    const entry = entryFor(options.entry ?? defaultEntry());
    const worker = new Worker(entry.file, { workerData: data, execArgv: entry.execArgv, env: entry.env, resourceLimits: { maxYoungGenerationSizeMb: VOICE_WORKER_YOUNG_GENERATION_MB } });
    const life: Life = { kind: 'running', worker, startedAt: this.clock.monotonic(), error: undefined };
    worker.on('message', (raw: unknown) => {
      if (this.life === life) this.receive(raw);
    });
    worker.on('error', (err) => {
      life.error = err;
    });
    worker.on('exit', (code) => this.onExit(life, code));
    return life;
  }

  private receive(raw: unknown): void {
    const message = this.drops.decode(FromWorkerCodec, raw);
    if (message === undefined) return;
    switch (message.type) {
      case 'adapter-open':
        this.bridge.open(message.guild);
        return;
      case 'payload':
        this.bridge.payload(message.guild, message.payload);
        return;
      case 'adapter-close':
        this.bridge.close(message.guild);
        return;
      case 'stats':
        this.lifetime.report(message.stats);
        break;
    }
    for (const listener of this.eventListeners) {
      try {
        listener(message);
      } catch (err) {
        this.options.log.error({ err, host: this.name, event: message.type }, 'an engine event listener threw');
      }
    }
  }

  /*
   * Known limit: a worker that dies abruptly (a crash, kill()) leaves its ffmpeg children (transcoded
   * tracks) orphaned from their thread: their pipes close, so they exit, but libuv reaps a child only
   * in the loop that spawned it, so each stays a zombie until the process ends. Passthrough tracks run
   * no ffmpeg. A clean close() lets the engine stop them first.
   */
  private onExit(life: Extract<Life, { kind: 'running' }>, code: number): void {
    for (const resolve of this.exited) resolve();
    this.exited.clear();
    this.bridge.closeAll();
    if (this.life !== life) return;
    const lifeMs = this.clock.monotonic() - life.startedAt;
    this.lifetime.died();
    this.restartCount += 1;
    const delayMs = this.backoff.next(lifeMs);
    this.options.log.warn(
      { err: life.error, code, host: this.name, restarts: this.restartCount, lifeMs: Math.round(lifeMs), restartInMs: delayMs },
      'a voice worker died: its guilds are lost and it restarts',
    );
    this.life = { kind: 'restarting', timer: this.clock.setTimeout(() => this.respawn(), delayMs) };
  }

  private respawn(): void {
    if (this.life.kind !== 'restarting') return;
    this.life = this.spawn();
    for (const listener of this.restartListeners) {
      try {
        listener();
      } catch (err) {
        this.options.log.error({ err, host: this.name }, 'an engine restart listener threw');
      }
    }
  }
}
