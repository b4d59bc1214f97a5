/**
 * The end-to-end stage of the player tests: the local Discord sandbox, a fixture server with tone
 * tracks, a real Redis, and hiqty instances as real child processes (so they can be SIGKILLed or
 * SIGTERMed like pods). Tracks are identified by their tone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { startSandbox, type GuildSpec, type Sandbox, type SandboxOptions } from '../../src/sandbox';
import type { ToneSegment } from '../../src/sandbox/audio/types';
import { startFixtureServer, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startServiceFakes, type ServiceFakes } from '../../src/sandbox/services';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { silentLogger } from '../../src/log';
import { guildKeys, GUILDS_KEY } from '../../src/state';
import { cleanEnv, spawnHiqty, type HiqtyProcess, type LogLine } from './proc';
import { childProcesses, testRunProcesses } from './procfs';
import type { TestRedis } from './redis';
import { waitFor } from './wait';

export interface Bot {
  readonly instance: string;
  readonly proc: HiqtyProcess;
  readonly httpPort: number;
  /** ffmpeg processes this instance is running now. */
  ffmpegs(): number[];
}

export interface StageOptions {
  readonly sandbox?: SandboxOptions;
  /** Extra environment for every bot. */
  readonly env?: NodeJS.ProcessEnv;
  /** Start the service fakes (YouTube, SoundCloud) and point every bot at them. Default false. */
  readonly services?: boolean;
}

export class Stage {
  readonly bots: Bot[] = [];
  private counter = 0;
  private constructor(
    readonly sandbox: Sandbox,
    readonly fixtures: FixtureServer,
    readonly redis: TestRedis,
    readonly db: Redis,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly fakes: ServiceFakes | undefined,
  ) {}

  static async start(redis: TestRedis, options: StageOptions = {}): Promise<Stage> {
    const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-stage-'));
    const sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), log: silentLogger, ...options.sandbox });
    const fixtures = await startFixtureServer({ dir: path.join(dir, 'tracks') });
    // The fakes' media is cached across suites and runs (SERVICE_MEDIA_CACHE).
    const fakes = options.services === true ? await startServiceFakes() : undefined;
    return new Stage(sandbox, fixtures, redis, redis.client(), dir, options.env ?? {}, fakes);
  }

  /** The service fakes, when the stage was started with `services: true`. */
  get services(): ServiceFakes {
    if (this.fakes === undefined) throw new Error('this stage was started without services: true');
    return this.fakes;
  }

  get guild(): GuildSpec {
    const first = this.sandbox.guilds[0];
    if (!first) throw new Error('the sandbox has no guild');
    return first;
  }

  /** The first voice channel of a guild: where the tests play. */
  voiceChannel(guild: GuildSpec = this.guild): string {
    const channel = guild.voiceChannels[0];
    if (!channel) throw new Error(`guild ${guild.id} has no voice channel`);
    return channel.id;
  }

  /** A URL on the fixture server for a tone track. */
  async tone(hz: number, durationMs: number, format: 'ogg-opus' | 'webm-opus' | 'mp3' | 'wav' = 'ogg-opus'): Promise<string> {
    const file = await makeTone({ hz, durationMs, format, dir: path.join(this.dir, 'tracks') });
    return this.fixtures.url(path.basename(file));
  }

  /** Starts a hiqty instance against the sandbox and waits until it is ready. */
  async startBot(extraEnv: NodeJS.ProcessEnv = {}): Promise<Bot> {
    const instance = this.nextInstance();
    const proc = spawnHiqty(['run'], cleanEnv(this.botEnv(instance, extraEnv)));
    const running = await startedUp(instance, proc);
    const bot: Bot = { instance, proc, httpPort: Number(running.port), ffmpegs: () => (proc.child.pid === undefined ? [] : childProcesses(proc.child.pid, 'ffmpeg')) };
    this.bots.push(bot);
    return bot;
  }

  /** A fresh instance id for a bot of this stage. */
  nextInstance(): string {
    this.counter += 1;
    return `test-${process.pid}-${this.counter}`;
  }

  /** The environment a bot of this stage runs with: for startBot, and for a test that runs the app in its own process. */
  botEnv(instance: string, extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...this.sandbox.botEnv(),
      REDIS_URL: this.redis.url,
      HIQTY_INSTANCE_ID: instance,
      HIQTY_HTTP_PORT: '0',
      // Attachments come from the sandbox's CDN, services from their fakes: both through HIQTY_SERVICE_ORIGINS.
      HIQTY_FETCH_ALLOW: [new URL(this.fixtures.origin).host, ...this.sandbox.cdn.allow, ...(this.fakes?.allow ?? [])].join(','),
      HIQTY_SERVICE_ORIGINS: [serviceOriginsValue([this.sandbox.cdn]), this.fakes?.origins ?? ''].filter((v) => v !== '').join(','),
      HIQTY_LOCK_TTL_MS: '2000',
      HIQTY_RESYNC_INTERVAL_MS: '2000',
      HIQTY_DRAIN_TIMEOUT_MS: '20000',
      HIQTY_LOG_LEVEL: 'info',
      HIQTY_DATA_DIR: path.join(this.dir, instance),
      ...this.env,
      ...extraEnv,
    };
  }

  /** The bot whose instance id is in the guild's lock, once there is one. */
  async owner(guild: GuildSpec = this.guild): Promise<Bot> {
    return waitFor(`a lock holder of guild ${guild.id}`, async () => {
      const lock = await this.db.get(guildKeys(guild.id).player_lock);
      return this.bots.find((b) => lock?.startsWith(`${b.instance}:`));
    });
  }

  /** Writes desired state straight into Redis, the public contract: tracks, channel, `playing`. */
  async play(urls: readonly string[], guild: GuildSpec = this.guild): Promise<string[]> {
    const keys = guildKeys(guild.id);
    const ids = urls.map((_, i) => `t${Date.now().toString(36)}-${i}-${Math.random().toString(36).slice(2, 6)}`);
    const multi = this.db.multi();
    if (urls.length > 0) multi.rpush(keys.playlist, ...urls.map((url, i) => JSON.stringify({ id: ids[i], url })));
    multi.set(keys.channel, this.voiceChannel(guild));
    multi.set(keys.state, 'playing');
    multi.sadd(GUILDS_KEY, guild.id);
    await multi.exec();
    return ids;
  }

  /**
   * The tone segments the sandbox heard in a guild so far. While polling, unfinished 200 ms windows
   * must not be flushed (a flushed short window cannot be decoded); a final read may flush.
   */
  segments(guild: GuildSpec = this.guild, flush = false): readonly ToneSegment[] {
    return this.sandbox.voiceStats(guild.id, { flush }).segments;
  }

  /** Waits until the sandbox has heard these tones in this order (possibly more after them). */
  async heard(tones: readonly number[], timeoutMs: number, guild: GuildSpec = this.guild): Promise<ToneSegment[]> {
    return waitFor(
      `tones ${tones.join(', ')} in guild ${guild.id} (heard so far: ${JSON.stringify(this.segments(guild).map((s) => [Math.round(s.hz), s.frames]))})`,
      () => {
        const segments = this.segments(guild);
        const matched = matchTones(segments, tones);
        return matched ?? undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** The last log lines of every bot, for a failing test's output. */
  dump(lines = 25): string {
    return this.bots
      .map((bot) => `--- ${bot.instance} ---\n${bot.proc.lines.slice(-lines).map((l) => JSON.stringify(l)).join('\n')}\n${bot.proc.other.join('').slice(-2000)}`)
      .join('\n');
  }

  /** Registers an afterEach hook that prints the bots' logs when a test failed. */
  static dumpOnFailure(get: () => Stage | undefined): void {
    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.log(get()?.dump() ?? '(no stage)');
    });
  }

  async stop(): Promise<void> {
    for (const bot of this.bots) {
      if (bot.proc.child.exitCode === null && bot.proc.child.signalCode === null) bot.proc.kill('SIGKILL');
      await bot.proc.exited;
    }
    this.db.disconnect();
    await this.fixtures.stop();
    await this.fakes?.stop();
    await this.sandbox.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Waits for a new instance's "hiqty is running" line. It fails at once, with the exit code or signal,
 * if the process ends first; on a time-out it says what the process was doing, and kills it, so a
 * failed start never leaves a process behind for the next suite.
 */
async function startedUp(instance: string, proc: HiqtyProcess): Promise<LogLine> {
  const pid = proc.child.pid;
  const soFar = (): string => `log so far: ${JSON.stringify(proc.lines.slice(-5))} ${proc.other.join('').slice(-1000)}`;
  let outcome: { line: LogLine } | { exit: string };
  try {
    outcome = await waitFor(
      `${instance} start-up`,
      () => {
        const line = proc.lines.find((l) => l.msg === 'hiqty is running');
        if (line) return { line };
        const { exitCode, signalCode } = proc.child;
        return exitCode !== null || signalCode !== null ? { exit: `exit code ${String(exitCode)}, signal ${String(signalCode)}` } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
  } catch (err) {
    const state = pid === undefined ? 'not started' : (testRunProcesses().find((p) => p.pid === pid)?.state ?? 'gone');
    const children = pid === undefined ? [] : testRunProcesses().filter((p) => p.ppid === pid).map((p) => p.command.slice(0, 80));
    proc.kill('SIGKILL');
    await proc.exited;
    throw new Error(`${String(err)}; process ${String(pid)} was in state ${state}, children ${JSON.stringify(children)}; ${soFar()}`);
  }
  if ('exit' in outcome) throw new Error(`${instance} ended before it was running (${outcome.exit}); ${soFar()}`);
  return outcome.line;
}

/** The segments matching the tones in order, each tone once (±10 Hz), or undefined if not all heard yet. */
export function matchTones(segments: readonly ToneSegment[], tones: readonly number[]): ToneSegment[] | undefined {
  const out: ToneSegment[] = [];
  let next = 0;
  for (const segment of segments) {
    const want = tones[next];
    if (want === undefined) break;
    if (Math.abs(segment.hz - want) <= 10) {
      out.push(segment);
      next += 1;
    }
  }
  return next === tones.length ? out : undefined;
}

/** Frames of one tone across all segments (several sessions after a failover). */
export function framesOf(segments: readonly ToneSegment[], hz: number): number {
  return segments.filter((s) => Math.abs(s.hz - hz) <= 10).reduce((sum, s) => sum + s.frames, 0);
}

/** Gaps over 60 ms that fall inside one segment (a track), as opposed to between tracks. */
export function gapsInsideSegments(stats: { readonly gaps: readonly { atMs: number; ms: number }[]; readonly segments: readonly ToneSegment[] }): { atMs: number; ms: number }[] {
  return stats.gaps.filter((gap) => stats.segments.some((s) => gap.atMs - gap.ms > s.startMs && gap.atMs < s.endMs));
}
