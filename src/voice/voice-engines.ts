/**
 * The voice side of one process, built from the configuration: HIQTY_VOICE_WORKERS engines in voice
 * workers (or one in this thread when it is 0), the Player's VoicePort over them, and their counters
 * for the metrics.
 */
import type { DiscordGatewayAdapterCreator } from '@discordjs/voice';
import type { Client } from 'discord.js';
import type { Clock } from '../clock';
import type { LogLevel, Logger } from '../log';
import { trackOpener } from '../media/open-track';
import { ffmpegProcesses } from '../media/transcode';
import type { OriginOverrides } from '../media/origins';
import type { TrackPlanner } from '../sources/planner';
import { discordGuildView } from '../discord/guild-view';
import type { VoiceTotals } from '../http/voice-metrics';
import type { EngineStats } from './engine/contract';
import { EMPTY_STATS, type EngineHost } from './engine/host';
import { packetSinks } from './engine/packet-sink';
import { hostedVoicePort, type HostedVoicePort } from './hosted-port';
import { localEngineHost } from './local-host';
import { WorkerEngineHost } from './worker';

export interface VoiceEnginesOptions {
  /** HIQTY_VOICE_WORKERS: 0 runs the engine in this thread. */
  readonly workers: number;
  readonly client: Client;
  readonly planner: TrackPlanner;
  readonly media: {
    /** HIQTY_FETCH_ALLOW. */
    readonly allow: readonly string[];
    /** HIQTY_SERVICE_ORIGINS. */
    readonly overrides: OriginOverrides;
    readonly ffmpegPath: string;
    /** HIQTY_MAX_OPENING, for the whole process: each worker gets its share (at least 1). */
    readonly maxOpening: number;
  };
  readonly logLevel: LogLevel;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface VoiceEngines {
  readonly port: HostedVoicePort;
  /** The engines' counters summed, for the metrics (read at scrape time). */
  totals(): VoiceTotals;
  /**
   * Terminates a voice worker as a crash would (its host restarts it, and its guilds start again at their
   * position): for an operator's wedged worker, and for the tests. False when no worker has that name.
   */
  kill(hostName: string): Promise<boolean>;
  close(): Promise<void>;
}

export function startVoiceEngines(o: VoiceEnginesOptions): VoiceEngines {
  const log = o.log.child({ component: 'voice' });
  const workers = Array.from({ length: o.workers }, (_, index) => workerHost(o, index, log));
  const hosts: EngineHost[] = o.workers === 0 ? [inThreadHost(o, log)] : workers;
  const port = hostedVoicePort({ guilds: discordGuildView(o.client), hosts, planner: o.planner, clock: o.clock, log });
  log.info({ workers: o.workers }, o.workers === 0 ? 'voice engine in the main thread' : 'voice engines in worker threads');
  return {
    port,
    totals: () => ({ ...sumStats(hosts.map((h) => h.stats())), workers: workers.filter((w) => w.started()).length, workerRestarts: hosts.reduce((n, h) => n + h.restarts(), 0) }),
    kill: async (hostName) => {
      const worker = workers.find((w) => w.name === hostName);
      if (worker === undefined) return false;
      await worker.kill();
      return true;
    },
    close: async () => {
      await Promise.all(hosts.map((h) => h.close()));
    },
  };
}

function inThreadHost(o: VoiceEnginesOptions, log: Logger): EngineHost {
  return localEngineHost({
    adapterFor: (guild) => o.client.guilds.cache.get(guild)?.voiceAdapterCreator ?? unavailableAdapter,
    openTrack: trackOpener({ ...o.media, log, clock: o.clock, ffmpeg: ffmpegProcesses }),
    ffmpeg: ffmpegProcesses,
    sinks: packetSinks,
    clock: o.clock,
    log,
  });
}

function workerHost(o: VoiceEnginesOptions, index: number, log: Logger): WorkerEngineHost {
  return new WorkerEngineHost({
    index,
    client: o.client,
    log,
    logLevel: o.logLevel,
    sinks: 'packet',
    // A worker starts with the first guild it is given: an idle instance runs none.
    start: 'on-first-command',
    media: { allow: o.media.allow, serviceOrigins: o.media.overrides, ffmpegPath: o.media.ffmpegPath, maxOpening: Math.max(1, Math.ceil(o.media.maxOpening / o.workers)) },
    clock: o.clock,
  });
}

/** For a guild the session no longer has: every payload is refused, so the join fails as on a gone guild. */
const unavailableAdapter: DiscordGatewayAdapterCreator = () => ({ sendPayload: () => false, destroy: () => {} });

const SUMMED: ReadonlyArray<Exclude<keyof EngineStats, 'longestGapMs'>> = [
  'guilds',
  'playing',
  'framesSent',
  'framesLate',
  'ticks',
  'ticksMissed',
  'packetsPrepared',
  'prepareMicros',
  'dispatchMicros',
  'ffmpegProcesses',
];

function sumStats(all: readonly EngineStats[]): EngineStats {
  let total: EngineStats = EMPTY_STATS;
  for (const s of all) {
    const next: Record<keyof EngineStats, number> = { ...total, longestGapMs: Math.max(total.longestGapMs, s.longestGapMs) };
    for (const key of SUMMED) next[key] = total[key] + s[key];
    total = next;
  }
  return total;
}
