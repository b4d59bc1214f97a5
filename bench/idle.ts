/**
 * Idle cost: many guilds known to Redis (a queued track, a channel, `stopped`, in hiqty:guilds), one
 * bot with its periodic resync, nothing playing. Measured: the bot's CPU and the Redis commands per
 * second (all clients: the server's total_commands_processed) over a window that starts after the
 * start-up resync and is long enough to hold at least one periodic resync.
 */
import { guildKeys, GUILDS_KEY } from '../src/state';
import { measureWindow } from './measure';
import type { BenchStage } from './stage';
import { sleep } from './stats';

export interface IdleFigures {
  readonly guilds: number;
  readonly resyncIntervalMs: number;
  readonly seconds: number;
  readonly cpuPct: number;
  readonly rssKb: number;
  /** Mean over the window, resyncs included. */
  readonly redisCommandsPerSecond: number;
  /** Per-second rates: the median (a second between resyncs) and the busiest second (a resync). */
  readonly redisCommandsPerSecondMedian: number;
  readonly redisCommandsPerSecondPeak: number;
}

export interface IdleOptions {
  readonly guilds: number;
  readonly resyncMs: number;
  readonly windowMs: number;
  readonly progress: (line: string) => void;
}

/** Guild ids that the sandbox does not know: nothing is asked of Discord for a stopped guild. */
const idleGuildId = (i: number): string => String(900_000_000_000_000_000n + BigInt(i));

export async function measureIdle(stage: BenchStage, o: IdleOptions): Promise<IdleFigures> {
  await stage.flush();
  const batch = 1000;
  for (let start = 0; start < o.guilds; start += batch) {
    const pipe = stage.db.pipeline();
    const ids: string[] = [];
    for (let i = start; i < Math.min(o.guilds, start + batch); i++) {
      const id = idleGuildId(i);
      const keys = guildKeys(id);
      ids.push(id);
      pipe.rpush(keys.playlist, JSON.stringify({ id: `idle-${i}`, url: 'https://example.org/idle.ogg' }));
      pipe.set(keys.channel, '1');
      pipe.set(keys.state, 'stopped');
    }
    pipe.sadd(GUILDS_KEY, ...ids);
    await pipe.exec();
  }
  const bot = await stage.startBot({ HIQTY_RESYNC_INTERVAL_MS: String(o.resyncMs) });
  // Let the start-up resync of every guild finish before the window opens.
  await sleep(Math.min(3000, o.resyncMs / 2));
  const [window, counts] = await Promise.all([measureWindow([bot.program.pid], o.windowMs, 1000), commandTimeline(stage, o.windowMs)]);
  await stage.stopBots();
  const first = counts[0];
  const last = counts[counts.length - 1];
  const rates = counts.slice(1).map((c, i) => {
    const prev = counts[i] ?? c;
    return ((c.total - prev.total) * 1000) / Math.max(1, c.atMs - prev.atMs);
  });
  const sorted = [...rates].sort((a, b) => a - b);
  const figures = {
    guilds: o.guilds,
    resyncIntervalMs: o.resyncMs,
    seconds: window.seconds,
    cpuPct: window.cpuPct.total,
    rssKb: window.rssKb.total,
    redisCommandsPerSecond: first && last && last.atMs > first.atMs ? ((last.total - first.total) * 1000) / (last.atMs - first.atMs) : NaN,
    redisCommandsPerSecondMedian: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    redisCommandsPerSecondPeak: sorted[sorted.length - 1] ?? NaN,
  };
  o.progress(
    `  ${o.guilds} idle guilds: CPU ${figures.cpuPct.toFixed(2)}%, Redis commands/s mean ${figures.redisCommandsPerSecond.toFixed(1)}, median second ${figures.redisCommandsPerSecondMedian.toFixed(1)}, peak second ${figures.redisCommandsPerSecondPeak.toFixed(0)}`,
  );
  return figures;
}

/** Redis's command counter about every 500 ms over the window (the reads themselves add 2 commands/s). */
async function commandTimeline(stage: BenchStage, windowMs: number): Promise<{ atMs: number; total: number }[]> {
  const out: { atMs: number; total: number }[] = [];
  const end = performance.now() + windowMs;
  for (;;) {
    out.push({ atMs: performance.now(), total: await commandsProcessed(stage) });
    if (performance.now() >= end) return out;
    await sleep(Math.min(500, end - performance.now()));
  }
}

async function commandsProcessed(stage: BenchStage): Promise<number> {
  const info = await stage.db.info('stats');
  const m = /total_commands_processed:(\d+)/.exec(info);
  return m ? Number(m[1]) : NaN;
}
