/**
 * Idle cost: many guilds known to Redis (a queued track, a channel, `stopped`, in hiqty:guilds), one
 * bot with its periodic resync, nothing playing. Measured: the bot's CPU and the Redis commands per
 * second (all clients: the server's total_commands_processed) over a window that starts after the
 * start-up resync and is long enough to hold at least one periodic resync.
 */
import { guildKeys, GUILDS_KEY } from '../src/state';
import { FULL, SMOKE } from './config';
import { measureWindow } from './measure';
import { runProgram } from './program';
import { BenchStage } from './stage';
import { sleep } from './stats';

export interface IdleFigures {
  readonly guilds: number;
  /** Whether the sandbox knew the guilds (so the bot's discord.js caches held them). */
  readonly knownToDiscord: boolean;
  readonly resyncIntervalMs: number;
  readonly seconds: number;
  readonly cpuPct: number;
  readonly rssKb: number;
  /** Mean over the window, resyncs included. */
  readonly redisCommandsPerSecond: number;
  /** The busiest second of the start-up resync, before the window (every guild at once, by design). */
  readonly startupCommandsPerSecondPeak: number;
  /** Per-second rates (each over two readings, about 1 s): the median (a second between resyncs) and the busiest second (a resync). */
  readonly redisCommandsPerSecondMedian: number;
  readonly redisCommandsPerSecondPeak: number;
  /** Every rate of the window in order (about one per 500 ms), to see where the busiest second was. */
  readonly redisCommandsTimeline: readonly number[];
  /** The bot's own account at the end of the window (its /metrics): V8 heap used and total, external memory, in KB. */
  readonly heapUsedKb: number;
  readonly heapTotalKb: number;
  readonly externalKb: number;
}

export interface IdleOptions {
  readonly guilds: number;
  readonly resyncMs: number;
  readonly windowMs: number;
  /** NODE_OPTIONS for the bot, e.g. a V8 heap size to see what it does to RSS. Default: the image's (app/node-options.ts). */
  readonly nodeOptions?: string;
  readonly progress: (line: string) => void;
}

/** Guild ids that the sandbox does not know: nothing is asked of Discord for a stopped guild. */
const idleGuildId = (i: number): string => String(900_000_000_000_000_000n + BigInt(i));

/**
 * The idle guilds: the sandbox's own when it holds enough (then the bot's discord.js caches hold them,
 * as on Discord: `BenchStage.start(10_000)`, about 1 MB of world), else ids it does not know.
 */
function idleGuilds(stage: BenchStage, count: number): { readonly id: string; readonly voice: string }[] {
  const known = stage.guilds;
  if (known.length >= count) return known.slice(0, count).map((g) => ({ id: g.id, voice: g.voiceChannels[0]?.id ?? '1' }));
  return Array.from({ length: count }, (_, i) => ({ id: idleGuildId(i), voice: '1' }));
}

export async function measureIdle(stage: BenchStage, o: IdleOptions): Promise<IdleFigures> {
  await stage.flush();
  const guilds = idleGuilds(stage, o.guilds);
  const batch = 1000;
  for (let start = 0; start < o.guilds; start += batch) {
    const pipe = stage.db.pipeline();
    const ids: string[] = [];
    for (let i = start; i < Math.min(o.guilds, start + batch); i++) {
      const guild = guilds[i];
      if (guild === undefined) continue;
      const keys = guildKeys(guild.id);
      ids.push(guild.id);
      pipe.rpush(keys.playlist, JSON.stringify({ id: `idle-${i}`, url: 'https://example.org/idle.ogg' }));
      pipe.set(keys.channel, guild.voice);
      pipe.set(keys.state, 'stopped');
    }
    pipe.sadd(GUILDS_KEY, ...ids);
    await pipe.exec();
  }
  const bot = await stage.startBot({ HIQTY_RESYNC_INTERVAL_MS: String(o.resyncMs), ...(o.nodeOptions === undefined ? {} : { NODE_OPTIONS: o.nodeOptions }) });
  // The start-up resync of every guild (all at once: it is not idle) must be over before the window opens.
  const startup = await startupBurst(stage, Math.min(3000, o.resyncMs / 2), o.resyncMs / 2);
  const [window, counts] = await Promise.all([measureWindow([bot.program.pid], o.windowMs, 1000), commandTimeline(stage, o.windowMs)]);
  const heap = await heapOf(bot.httpPort);
  await stage.stopBots();
  const first = counts[0];
  const last = counts[counts.length - 1];
  const rates = counts.slice(1).map((c, i) => {
    const prev = counts[i] ?? c;
    return ((c.total - prev.total) * 1000) / Math.max(1, c.atMs - prev.atMs);
  });
  // Seconds, not half-seconds: a 500 ms reading doubled would count a burst of half a second twice.
  const seconds = counts.slice(2).map((c, i) => {
    const prev = counts[i] ?? c;
    return ((c.total - prev.total) * 1000) / Math.max(1, c.atMs - prev.atMs);
  });
  const sorted = [...seconds].sort((a, b) => a - b);
  const figures = {
    guilds: o.guilds,
    knownToDiscord: stage.guilds.length >= o.guilds,
    resyncIntervalMs: o.resyncMs,
    seconds: window.seconds,
    cpuPct: window.cpuPct.total,
    rssKb: window.rssKb.total,
    redisCommandsPerSecond: first && last && last.atMs > first.atMs ? ((last.total - first.total) * 1000) / (last.atMs - first.atMs) : NaN,
    redisCommandsPerSecondMedian: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    redisCommandsPerSecondPeak: sorted[sorted.length - 1] ?? NaN,
    startupCommandsPerSecondPeak: startup,
    redisCommandsTimeline: rates.map(Math.round),
    ...heap,
  };
  o.progress(
    `  ${o.guilds} idle guilds${figures.knownToDiscord ? ' (known to the sandbox)' : ''}: CPU ${figures.cpuPct.toFixed(2)}%, RSS ${(figures.rssKb / 1024).toFixed(1)} MB (heap used ${(figures.heapUsedKb / 1024).toFixed(1)} MB of ${(figures.heapTotalKb / 1024).toFixed(1)}, external ${(figures.externalKb / 1024).toFixed(1)}), Redis commands/s mean ${figures.redisCommandsPerSecond.toFixed(1)}, median second ${figures.redisCommandsPerSecondMedian.toFixed(1)}, peak second ${figures.redisCommandsPerSecondPeak.toFixed(0)} (start-up resync before the window: ${figures.startupCommandsPerSecondPeak.toFixed(0)})`,
  );
  return figures;
}

/**
 * Waits at least minMs and until the start-up burst has passed: two seconds in a row with less than a
 * tenth of the busiest second so far (at most maxMs). Returns the busiest second seen.
 */
async function startupBurst(stage: BenchStage, minMs: number, maxMs: number): Promise<number> {
  const started = performance.now();
  let peak = 0;
  let quiet = 0;
  let prev = { atMs: performance.now(), total: await commandsProcessed(stage) };
  for (;;) {
    await sleep(1000);
    const now = { atMs: performance.now(), total: await commandsProcessed(stage) };
    const rate = ((now.total - prev.total) * 1000) / Math.max(1, now.atMs - prev.atMs);
    prev = now;
    peak = Math.max(peak, rate);
    quiet = rate < peak / 10 ? quiet + 1 : 0;
    const waited = now.atMs - started;
    if ((waited >= minMs && quiet >= 2) || waited >= maxMs) return peak;
  }
}

/** The bot's V8 heap and external memory from its Prometheus default metrics; NaN where absent. */
async function heapOf(httpPort: number): Promise<{ heapUsedKb: number; heapTotalKb: number; externalKb: number }> {
  const text = await fetch(`http://127.0.0.1:${httpPort}/metrics`).then((r) => r.text(), () => '');
  const kb = (name: string): number => {
    const m = new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return { heapUsedKb: kb('nodejs_heap_size_used_bytes'), heapTotalKb: kb('nodejs_heap_size_total_bytes'), externalKb: kb('nodejs_external_memory_bytes') };
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

/**
 * The idle section alone, with the FULL settings (10,000 guilds, 30 s resync, 40 s window) or, with
 * `--smoke`, SMOKE's (`--guilds N` sets the count; `--unknown` keeps them from the sandbox, as in `make
 * bench`; `--node-options '...'` sets the bot's NODE_OPTIONS): `make build && node dist/bench/idle.js` (or `npx tsx bench/idle.ts`, whose bot
 * then runs under tsx too and carries its RSS). Prints the figures as JSON.
 */
async function main(): Promise<void> {
  const config = process.argv.includes('--smoke') ? SMOKE : FULL;
  // `--guilds N` overrides the count, e.g. 0 for the floor of an idle bot.
  const at = process.argv.indexOf('--guilds');
  const guilds = at > 0 ? Number(process.argv[at + 1]) : config.idleGuilds;
  // `--unknown`: guilds the sandbox does not know (as `make bench`, whose stage holds a few hundred).
  const stage = await BenchStage.start(process.argv.includes('--unknown') ? 1 : Math.max(1, guilds));
  try {
    const options = process.argv.indexOf('--node-options');
    const nodeOptions = options > 0 ? process.argv[options + 1] : undefined;
    const figures = await measureIdle(stage, { guilds, resyncMs: config.idleResyncMs, windowMs: config.idleWindowMs, progress: (l) => console.error(l), ...(nodeOptions === undefined ? {} : { nodeOptions }) });
    console.log(JSON.stringify(figures));
  } finally {
    await stage.stop();
  }
}

if (require.main === module) runProgram(main);
