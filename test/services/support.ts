/**
 * Shared pieces of the end-to-end service tests: the stage with the fakes and one member in voice,
 * the queue as stored, and tones heard after a mark (each test starts where the previous one left
 * the sandbox's monitor).
 */
import { strict as assert } from 'node:assert';
import type { InvokeOptions } from '../../src/sandbox/interactions';
import type { ServiceRequest } from '../../src/sandbox/services/types';
import { guildKeys, npMessageKey, type Track } from '../../src/state';
import { fakeToneOf, storedQueue } from '../support/stored-queue';
import type { Bot, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

/** A queued track as Redis holds it. */
export type StoredTrack = Track;

/** A property of an unknown JSON value, or undefined. */
export function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

/** Commands in these tests come faster than a member's default budget allows. */
export const BOT_ENV = { HIQTY_RATE_LIMIT: '1000/10s' } as const;

export class ServiceScene {
  constructor(readonly stage: Stage) {}

  get guildId(): string {
    return this.stage.guild.id;
  }

  /** The member sitting in the voice channel at the start (alice). */
  get member(): string {
    const id = Object.keys(this.stage.guild.voice ?? {})[0];
    assert.ok(id !== undefined, 'a member in voice');
    return id;
  }

  get textChannel(): string {
    const id = this.stage.guild.textChannels[0]?.id;
    assert.ok(id !== undefined);
    return id;
  }

  get keys() {
    return guildKeys(this.guildId);
  }

  /** Empties the guild's state between tests (the bot leaves the channel once nothing is wanted). */
  async reset(): Promise<void> {
    const k = this.keys;
    await this.stage.db.del(k.playlist, k.state, k.settings, k.text_channel, k.quarantine, npMessageKey(this.guildId));
  }

  play(query: string, invoke?: InvokeOptions) {
    return this.stage.sandbox.command(this.guildId, this.member, 'play', { query }, invoke);
  }

  skip() {
    return this.stage.sandbox.command(this.guildId, this.member, 'skip', {});
  }

  queue(): Promise<StoredTrack[]> {
    return storedQueue(this.stage.db, this.guildId);
  }

  /** Quarantine entries: the track's URL and the reason. */
  async quarantine(): Promise<{ url: string; reason: string }[]> {
    return (await this.stage.db.lrange(this.keys.quarantine, 0, -1)).map((raw) => {
      const entry: unknown = JSON.parse(raw);
      const track: unknown = JSON.parse(String(field(entry, 'raw')));
      return { url: String(field(track, 'url')), reason: String(field(entry, 'reason')) };
    });
  }

  /**
   * Now, on the monitor's clock: tones heard after this mark belong to the current test. (A count of
   * segments would not do: the last test's segment stays open through the quiet between tests, and
   * the same tone played next extends it.)
   */
  mark(): number {
    return performance.now();
  }

  /** Waits for these tones in order after `mark`, the last for at least `frames` frames (200 ms windows of 10). */
  async heardAfter(mark: number, tones: readonly number[], timeoutMs: number, frames = 10): Promise<void> {
    await this.heardWindows(mark, tones, timeoutMs, { windows: Math.max(1, Math.ceil(frames / 10)) });
  }

  /**
   * Waits until the 200 ms windows heard since `sinceMs` (performance.now()) hold these tones in order,
   * each for at least `windows` windows in a row, within ±`toleranceHz`. Finer than segments, which
   * join tones closer than 10 Hz (the long playlist's are 10 Hz apart).
   */
  async heardWindows(sinceMs: number, tones: readonly number[], timeoutMs: number, { windows = 3, toleranceHz = 4 } = {}): Promise<void> {
    const runs = (): [number, number][] => {
      const out: [number, number][] = [];
      for (const w of this.stage.sandbox.voiceStats(this.guildId, { flush: false }).windows) {
        if (w.startMs < sinceMs || w.hz === undefined) continue;
        const last = out[out.length - 1];
        if (last !== undefined && Math.abs(last[0] - w.hz) <= toleranceHz) last[1] += 1;
        else out.push([w.hz, 1]);
      }
      return out;
    };
    await waitFor(
      `tones ${tones.join(', ')} in 200 ms windows (runs so far: ${JSON.stringify(runs().map(([hz, n]) => [Math.round(hz), n]))})`,
      () => {
        let next = 0;
        for (const [hz, n] of runs()) if (next < tones.length && Math.abs(hz - (tones[next] ?? 0)) <= toleranceHz && n >= windows) next += 1;
        return next === tones.length;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Messages the bot posted in the text channel (announcements, now-playing) matching a pattern. */
  channelMessages(pattern: RegExp): string[] {
    return this.stage.sandbox
      .messages(this.textChannel)
      .map((m) => m.content ?? '')
      .filter((c) => pattern.test(c));
  }
}

/** Which tone a queued track of a fake plays. */
export const toneOf = fakeToneOf;

/**
 * Samples a bot's ffmpeg children every few milliseconds until stopped: a transcode of a short tone
 * can finish (and its ffmpeg exit) well before the track is heard, so a single look can miss it.
 */
export function ffmpegSampler(bot: Bot): { seen(): boolean; stop(): void } {
  let seen = false;
  const timer = setInterval(() => {
    if (bot.ffmpegs().length > 0) seen = true;
  }, 5);
  return { seen: () => seen, stop: () => clearInterval(timer) };
}

/** The media path ("passthrough" or "transcoded") the bot logged when it started a track. */
export function startedPath(bot: Bot, trackId: string): Promise<unknown> {
  return waitFor(`track ${trackId} to start`, () => bot.proc.lines.find((l) => l.msg === 'track started' && l.trackId === trackId)?.path);
}

/** A googlevideo request the YouTube fake served: which video, which client's URL, and its byte range. */
export interface MediaRequest {
  readonly videoId: string;
  /** The client the URL was issued to (`c=`). */
  readonly client: string;
  readonly start: number;
  /** Inclusive; undefined for an open range. */
  readonly end: number | undefined;
  /** The file's size, as the URL's `clen=` says. */
  readonly size: number;
  readonly atMs: number;
}

/** The fake's googlevideo requests for one video, oldest first; the range read from `range=` or the Range header. */
export function mediaRequests(requests: readonly ServiceRequest[], videoId: string): MediaRequest[] {
  return requests.flatMap((r) => {
    if (!r.path.startsWith('/videoplayback')) return [];
    const q = new URL(r.path, 'http://fake').searchParams;
    if (q.get('id') !== videoId) return [];
    const range = /^(\d+)-(\d*)$/.exec(q.get('range') ?? r.range?.replace(/^bytes=/, '') ?? '0-');
    const end = range?.[2] === undefined || range[2] === '' ? undefined : Number(range[2]);
    return [{ videoId, client: q.get('c') ?? '', start: Number(range?.[1] ?? 0), end, size: Number(q.get('clen')), atMs: r.atMs }];
  });
}

export const watchUrl = (id: string): string => `https://www.youtube.com/watch?v=${id}`;
export const musicUrl = (id: string): string => `https://music.youtube.com/watch?v=${id}`;
export const playlistUrl = (id: string): string => `https://www.youtube.com/playlist?list=${id}`;
