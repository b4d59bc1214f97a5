/**
 * What every bench section runs against: the local Discord sandbox (in this process, or in a process
 * of its own for the cost, herd and stall steps: `SandboxPlacement`), measuring the audio of every
 * guild with a 40 ms gap threshold, the fixture server with tone tracks, a real redis-server, and
 * hiqty bots as child processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { HIQTY_NODE_OPTIONS } from '../app/node-options';
import { DEFAULT_DAVE_MODE, demoGuilds, startSandbox, type DaveMode, type GuildSpec, type Sandbox, type VerifyMode } from '../src/sandbox';
import type { MonitorOptions } from '../src/sandbox/audio/monitor';
import { startFixtureServer, type FixtureServer } from '../src/sandbox/fixtures/server';
import { makeTone, type ToneFormat } from '../src/sandbox/fixtures/tones';
import { silentLogger } from '../src/log';
import { connectRedis, guildKeys, GUILDS_KEY, urlEndpoint } from '../src/state';
import { freePort, startLocalRedis, type LocalRedisServer } from '../src/state/server';
import { waitFor } from '../test/support/wait';
import { localProbe, type AudioProbe } from './audio-probe';
import { LATE_MS } from './late';
import { cleanEnv, killProgram, startProgram, type Program } from './procs';
import { startSandboxProcess, type SandboxProcess } from './sandbox-client';
import { soundcloudPlaylistFile, startBenchServices, type BenchServices } from './service-fakes';

/**
 * The DAVE mode of every bench stage not told otherwise: the sandbox's own default, 'required' as on Discord
 * since March 2026 (issue 13: `make bench` measures with DAVE on); HIQTY_SANDBOX_DAVE overrides it.
 */
export const BENCH_DAVE_MODE: DaveMode = DEFAULT_DAVE_MODE;

export { LATE_MS };

/**
 * Where a stage's sandbox runs. 'this' (the default): in the bench's process, with the whole Sandbox API
 * (commands, users joining voice, windows) for the sections that need it. 'process': a process of its own
 * (bench/sandbox-process.ts), its CPU measured apart, reached through `stage.audio` only; `verify` says which
 * packets it decrypts (default: 1 s in every 10 s per stream).
 */
export type SandboxPlacement = { readonly in: 'this' } | { readonly in: 'process'; readonly verify?: VerifyMode };

/** The cost steps' sampling: every packet timed, each stream's packets decrypted 1 s in every 10 s, staggered. */
export const BENCH_VERIFY: VerifyMode = { sampleEveryMs: 10_000, windowMs: 1000 };

export interface Bot {
  readonly instance: string;
  readonly program: Program;
  readonly httpPort: number;
}

/**
 * Guilds per gateway shard in the bench's sandbox. Discord lets a shard send 120 payloads a minute
 * (discord.js keeps to 115), and each voice join is one: a herd of 200 joins on one shard would take
 * two minutes whatever the bot does. A bot playing hundreds of guilds at once has thousands of servers
 * and many shards, so the bench gives the sandbox one shard per 100 of its guilds.
 */
export const BENCH_GUILDS_PER_SHARD = 100;

function shardsFor(guildCount: number): number {
  return Math.max(1, Math.ceil(guildCount / BENCH_GUILDS_PER_SHARD));
}

export class BenchStage {
  private bots: Bot[] = [];
  private counter = 0;
  private serviceFakes: BenchServices | undefined;
  /** What the cost, herd and stall steps read: the sandbox's audio per guild, wherever it runs. */
  readonly audio: AudioProbe;
  private constructor(
    private readonly local: Sandbox | undefined,
    private readonly remote: SandboxProcess | undefined,
    readonly fixtures: FixtureServer,
    private readonly redisServer: LocalRedisServer,
    readonly redisUrl: string,
    readonly db: Redis,
    private readonly dir: string,
  ) {
    const probe = local ? localProbe(local) : remote;
    if (!probe) throw new Error('a bench stage needs a sandbox');
    this.audio = probe;
  }

  /**
   * `monitor` overrides the sandbox's audio monitor options (bench/reactions.ts decodes every short
   * window; in-process only); `dave` is the sandbox's DAVE mode, default BENCH_DAVE_MODE ('required');
   * `placement` where the sandbox runs (default in this process).
   */
  static async start(guildCount: number, monitor: MonitorOptions = {}, dave: DaveMode = BENCH_DAVE_MODE, placement: SandboxPlacement = { in: 'this' }): Promise<BenchStage> {
    const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-bench-'));
    // Every packet is counted and timed; decoding one 200 ms window in ten keeps the sandbox cheap at 200 streams.
    const local =
      placement.in === 'this'
        ? await startSandbox({
            guilds: demoGuilds(guildCount),
            shards: shardsFor(guildCount),
            dataDir: path.join(dir, 'sandbox'),
            log: silentLogger,
            monitor: { gapThresholdMs: LATE_MS, decodeEvery: { windowsOutOf: 10 }, ...monitor },
            dave,
          })
        : undefined;
    // Sampled verification decodes only inside verified windows, so every one of those is decoded.
    const remote =
      placement.in === 'process'
        ? await startSandboxProcess({ guilds: guildCount, shards: shardsFor(guildCount), dataDir: path.join(dir, 'sandbox'), dave, verify: placement.verify ?? BENCH_VERIFY, decodeWindowsOutOf: placement.verify === 'all' ? 10 : 1 })
        : undefined;
    const fixtures = await startFixtureServer({ dir: path.join(dir, 'tracks') });
    const redisServer = await startLocalRedis({ dir: path.join(dir, 'redis') });
    const db = connectRedis(urlEndpoint(redisServer.url), { maxRetriesPerRequest: null });
    return new BenchStage(local, remote, fixtures, redisServer, redisServer.url, db, dir);
  }

  /** The in-process sandbox, for the sections that act as users; a stage whose sandbox runs apart has none. */
  get sandbox(): Sandbox {
    if (!this.local) throw new Error('this stage runs its sandbox in a process of its own: use stage.audio');
    return this.local;
  }

  /** What a bot or the baseline needs to connect: token, REST base, the CA certificate to trust. */
  get connection(): { readonly token: string; readonly apiBase: string; readonly caCertPath: string } {
    const s = this.local ?? this.remote;
    if (!s) throw new Error('a bench stage needs a sandbox');
    return { token: s.token, apiBase: s.apiBase, caCertPath: s.caCertPath };
  }

  get guilds(): GuildSpec[] {
    return this.local ? this.local.guilds : [...(this.remote?.guilds ?? [])];
  }

  /** A URL on the fixture server for a tone track (cached across runs in the OS temp directory). */
  async tone(hz: number, durationMs: number, format: ToneFormat): Promise<string> {
    const file = await makeTone({ hz, durationMs, format, dir: path.join(tmpdir(), 'hiqty-bench-tones') });
    const name = path.basename(file);
    // The fixture server serves its own directory: copy the cached file into it.
    await mkdir(path.join(this.dir, 'tracks'), { recursive: true });
    await copyFile(file, path.join(this.dir, 'tracks', name));
    return this.fixtures.url(name);
  }

  /**
   * Starts the YouTube and SoundCloud fakes (once; SoundCloud tones `soundcloudToneMs` long): every
   * bot started from then on reaches them through HIQTY_SERVICE_ORIGINS.
   */
  async services(soundcloudToneMs: number): Promise<BenchServices> {
    this.serviceFakes ??= await startBenchServices(soundcloudToneMs);
    return this.serviceFakes;
  }

  /** A URL on the fixture server for a SoundCloud track's HLS playlist, its hosts moved onto the fakes (for the baseline's ffmpeg). */
  async soundcloudPlaylist(fakes: BenchServices, trackLink: string): Promise<string> {
    await mkdir(path.join(this.dir, 'tracks'), { recursive: true });
    const name = `soundcloud-${this.counter}-${Date.now().toString(36)}.m3u8`;
    await soundcloudPlaylistFile(fakes.soundcloud, trackLink, path.join(this.dir, 'tracks'), name);
    return this.fixtures.url(name);
  }

  /** Starts a hiqty instance against the sandbox and waits until /readyz answers 200. */
  async startBot(env: NodeJS.ProcessEnv = {}): Promise<Bot> {
    this.counter += 1;
    const instance = `bench-${process.pid}-${this.counter}`;
    // A port named by the caller (a dashboard's URL must be known before the bot starts), else a free one.
    const httpPort = env.HIQTY_HTTP_PORT === undefined ? await freePort() : Number(env.HIQTY_HTTP_PORT);
    const program = startProgram(
      'app/bin/hiqty',
      ['run'],
      cleanEnv({
        DISCORD_TOKEN: this.connection.token,
        DISCORD_API_BASE: this.connection.apiBase,
        NODE_EXTRA_CA_CERTS: this.connection.caCertPath,
        REDIS_URL: this.redisUrl,
        HIQTY_INSTANCE_ID: instance,
        HIQTY_HTTP_PORT: String(httpPort),
        HIQTY_FETCH_ALLOW: new URL(this.fixtures.origin).host,
        ...this.serviceFakes?.env([new URL(this.fixtures.origin).host]),
        HIQTY_LOG_LEVEL: 'warn',
        HIQTY_COMMANDS_SCOPE: 'global',
        HIQTY_DATA_DIR: path.join(this.dir, instance),
        // As the image runs it.
        NODE_OPTIONS: HIQTY_NODE_OPTIONS,
        ...env,
      }),
    );
    const bot: Bot = { instance, program, httpPort };
    this.bots.push(bot);
    await waitFor(
      `${instance} /readyz (output: ${program.other.join('').slice(-800)} ${JSON.stringify(program.lines.slice(-3))})`,
      async () => {
        if (!program.alive()) throw new Error(`${instance} exited: ${program.other.join('').slice(-800)}`);
        const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    return bot;
  }

  /** Stops every bot this stage started (SIGKILL: the bench does not measure shutdown). */
  async stopBots(): Promise<void> {
    await Promise.all(this.bots.map((b) => killProgram(b.program)));
    this.bots = [];
  }

  /** Writes desired state for each guild, the public contract: one track each, channel, `playing`. */
  async play(guilds: readonly GuildSpec[], urls: readonly string[]): Promise<void> {
    const multi = this.db.multi();
    for (const guild of guilds) {
      const keys = guildKeys(guild.id);
      const tracks = urls.map((url, i) => JSON.stringify({ id: `b${Date.now().toString(36)}-${i}-${Math.random().toString(36).slice(2, 8)}`, url }));
      multi.rpush(keys.playlist, ...tracks);
      multi.set(keys.channel, voiceChannel(guild));
      multi.set(keys.state, 'playing');
      multi.sadd(GUILDS_KEY, guild.id);
    }
    await multi.exec();
  }

  /** Stops the guilds: empty queue and `stopped`. */
  async stopGuilds(guilds: readonly GuildSpec[]): Promise<void> {
    const multi = this.db.multi();
    for (const guild of guilds) {
      const keys = guildKeys(guild.id);
      multi.del(keys.playlist);
      multi.set(keys.state, 'stopped');
    }
    await multi.exec();
  }

  /** In-process only (sections acting as users); the cost, herd and stall steps use `stage.audio.reset`. */
  resetAudio(guilds: readonly GuildSpec[]): void {
    for (const g of guilds) this.sandbox.resetVoiceStats(g.id);
  }

  /** Waits until every guild has received at least `frames` audio frames; returns how many have. */
  async heardAll(guilds: readonly GuildSpec[], frames: number, timeoutMs: number): Promise<number> {
    const ids = guilds.map((g) => g.id);
    let heard = 0;
    try {
      await waitFor(
        'every guild to be heard',
        async () => {
          heard = (await this.audio.audio(ids)).filter((a) => a.frames >= frames).length;
          return heard === guilds.length;
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch {
      // Reported by the caller as "not every guild was heard".
    }
    return heard;
  }

  /** Waits until no guild has received a packet for `quietMs` (at most `timeoutMs`). */
  async quiet(guilds: readonly GuildSpec[], quietMs = 300, timeoutMs = 10_000): Promise<void> {
    const ids = guilds.map((g) => g.id);
    await waitFor(
      'silence',
      async () => (await this.audio.audio(ids)).every((a) => a.lastPacketAtMs === undefined || performance.now() - a.lastPacketAtMs > quietMs),
      { timeoutMs, intervalMs: 100 },
    ).catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.db.flushall();
  }

  async stop(): Promise<void> {
    await this.stopBots();
    await this.serviceFakes?.stop();
    this.db.disconnect();
    await this.redisServer.stop({ graceful: false });
    await this.fixtures.stop();
    await this.local?.stop();
    await this.remote?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The first voice channel of a guild: where the bench plays. */
export function voiceChannel(guild: GuildSpec): string {
  const channel = guild.voiceChannels[0];
  if (!channel) throw new Error(`guild ${guild.id} has no voice channel`);
  return channel.id;
}
