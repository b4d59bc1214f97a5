/**
 * Starting a YouTube track at 3:00 against starting it at 0 (issue 12: "resuming at 3:00 into a 4-minute
 * track must start within the same time as starting at 0"). A warm bot, already in the channel, gets the
 * 240 s video written straight into Redis with `startMs` 0 or 180000, alternately; timed from the write
 * to the guild's first packet at the sandbox. Beside it, the byte offset of the first media read after the
 * header and index (0 when the past is downloaded) and the media bytes asked for before the first packet.
 */
import type { GuildSpec } from '../src/sandbox';
import { guildKeys, GUILDS_KEY } from '../src/state';
import { waitFor } from '../test/support/wait';
import type { BenchServices } from './service-fakes';
import type { BenchStage } from './stage';
import { summarize, type Summary } from './stats';

export interface ResumeRow {
  readonly startMs: number;
  readonly firstPacketMs: Summary;
  /** Median over the plays of the first media request's start byte, header and index reads aside. */
  readonly firstMediaOffset: number;
  /** Median over the plays of the bytes the media requests asked for up to the first packet. */
  readonly bytesAsked: number;
}

export interface ResumeOptions {
  readonly plays: number;
  readonly url: string;
  readonly videoId: string;
  readonly progress: (line: string) => void;
}

/** A googlevideo request's byte range, from its `range=` parameter or its Range header. */
function rangeOf(path: string, header: string | undefined): { start: number; end: number } | undefined {
  const param = /[?&]range=(\d+)-(\d+)/.exec(path);
  const head = header === undefined ? null : /bytes=(\d+)-(\d*)/.exec(header);
  const m = param ?? head;
  if (m === null) return undefined;
  const start = Number(m[1]);
  return { start, end: m[2] === undefined || m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function measureResume(stage: BenchStage, fakes: BenchServices, guild: GuildSpec, o: ResumeOptions): Promise<ResumeRow[]> {
  await stage.startBot({ HIQTY_IDLE_TIMEOUT_MS: String(30 * 60_000) });
  const positions = [0, 180_000];
  const times = new Map<number, number[]>(positions.map((p) => [p, []]));
  const offsets = new Map<number, number[]>(positions.map((p) => [p, []]));
  const asked = new Map<number, number[]>(positions.map((p) => [p, []]));
  // One untimed play joins the channel and makes the YouTube session, so every timed play is warm.
  for (let i = -1; i < o.plays; i++) {
    for (const startMs of positions) {
      stage.resetAudio([guild]);
      const before = fakes.youtube.requests.length;
      const keys = guildKeys(guild.id);
      const sentAt = performance.now();
      await stage.db
        .multi()
        .rpush(keys.playlist, JSON.stringify({ id: `resume-${i}-${startMs}-${Date.now().toString(36)}`, url: o.url, source: 'youtube', sourceId: o.videoId, durationMs: 240_000, startMs }))
        .set(keys.channel, guild.voiceChannels[0]?.id ?? '')
        .set(keys.state, 'playing')
        .sadd(GUILDS_KEY, guild.id)
        .exec();
      const first = await waitFor(`the first packet at ${startMs} ms`, () => stage.sandbox.voiceStats(guild.id, { flush: false }).firstPacketAtMs, { timeoutMs: 15_000, intervalMs: 2 });
      const media = fakes.youtube.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/videoplayback') && r.atMs <= Date.now())
        .map((r) => rangeOf(r.path, r.range))
        .filter((r): r is { start: number; end: number } => r !== undefined);
      await stage.stopGuilds([guild]);
      await stage.quiet([guild], 60, 3000);
      if (i < 0) continue;
      times.get(startMs)?.push(first - sentAt);
      // The header and index are small reads near the start or the end; the media read is the big one.
      const reads = media.filter((r) => r.end - r.start > 64 * 1024);
      offsets.get(startMs)?.push(reads[0]?.start ?? Number.NaN);
      asked.get(startMs)?.push(reads.reduce((sum, r) => sum + Math.min(r.end - r.start + 1, 1 << 30), 0));
    }
  }
  await stage.stopBots();
  const rows = positions.map((startMs) => ({
    startMs,
    firstPacketMs: summarize(times.get(startMs) ?? []),
    firstMediaOffset: median(offsets.get(startMs) ?? []),
    bytesAsked: median(asked.get(startMs) ?? []),
  }));
  for (const r of rows) o.progress(`  resume at ${r.startMs / 1000} s: first packet p50 ${r.firstPacketMs.p50.toFixed(0)} ms, first media byte ${r.firstMediaOffset}`);
  return rows;
}
