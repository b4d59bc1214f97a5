/**
 * The synced line in the now-playing message. Shown while the head is the track whose lyrics a member
 * asked for with /lyrics (`lyrics_shown` in Redis), so the instance playing the guild, after a failover
 * too, knows to show it; the lines come from the fleet's lyrics cache (one LRCLIB lookup per song and TTL),
 * and the position from the player's status in Redis, extrapolated with the clock (nowPlayingOf).
 */
import { escapeMarkdown } from 'discord.js';
import type { Logger } from '../../src/log';
import { lineIndexAt, nextLineAtMs, parseLrc, type LrcLine } from '../../src/lyrics/lrc';
import type { LyricsFinder } from '../../src/sources/lrclib/client';
import { lyricsShownFor, type Track } from '../../src/state';
import type { Redis } from 'ioredis';
import { clip, type Body } from './render';

/**
 * The least time between two edits of a guild's message for its lyric line: default 2.5 s. Discord allows
 * 5 message edits per 5 s per channel; this keeps one guild's message at 2 per 5 s, leaving room for
 * pause/skip edits and other messages in the channel (discord.js queues on a 429 anyway). A line shorter
 * than this is passed over: the message shows the line sung when the edit is made.
 */
export const NP_LYRICS_MIN_EDIT_MS = 2500;

/** The synced lines to follow for a guild's head track, or undefined when none are to be shown. */
export type NpLyricsSource = (guild: string, track: Track) => Promise<readonly LrcLine[] | undefined>;

/** Where the message stands in the lyrics: the line sung (-1 before the first) and when the next starts. */
export interface LyricPosition {
  readonly index: number;
  readonly text: string;
  /** Ms from the start of the track; undefined after the last line. */
  readonly nextAtMs: number | undefined;
}

export function lyricPosition(lines: readonly LrcLine[], positionMs: number): LyricPosition {
  const index = lineIndexAt(lines, positionMs);
  return { index: index ?? -1, text: index === undefined ? '' : (lines[index]?.text ?? ''), nextAtMs: nextLineAtMs(lines, positionMs) };
}

/** The message with the line under it: `🎤 *words*`, `🎤 ♪` in a gap, `🎤 …` before the first line. */
export function withLyricLine(body: Body, at: LyricPosition | undefined): Body {
  if (at === undefined) return body;
  const words = at.index < 0 ? '…' : at.text === '' ? '♪' : `*${escapeMarkdown(clip(at.text, 200))}*`;
  return { ...body, content: `${body.content}\n🎤 ${words}` };
}

/**
 * The lines of a guild's head through the finder (the fleet's cache first), memoized per guild and track
 * in this process so a reconcile every few seconds costs one Redis GET.
 */
export function npLyrics(redis: Redis, finder: LyricsFinder, log: Logger): NpLyricsSource {
  const memo = new Map<string, { readonly trackId: string; readonly lines: readonly LrcLine[] | undefined }>();
  return async (guild, track) => {
    const shown = await lyricsShownFor(redis, guild);
    if (shown !== track.id) {
      memo.delete(guild);
      return undefined;
    }
    const known = memo.get(guild);
    if (known?.trackId === track.id) return known.lines;
    const title = track.title?.trim() ?? '';
    if (title === '') return undefined;
    const found = await finder({ title, ...(track.artist === undefined ? {} : { artist: track.artist }), ...(track.durationMs === undefined ? {} : { durationMs: track.durationMs }) });
    if (found.kind === 'cancelled') return undefined;
    if (found.kind === 'failed') log.debug({ guild, reason: found.reason }, 'now-playing: no synced lyrics this time');
    const synced = found.kind === 'found' ? found.lyrics.synced : undefined;
    const lines = synced === undefined ? undefined : parseLrc(synced);
    // A failure is remembered for this track too: the message must not ask LRCLIB at every edit.
    memo.set(guild, { trackId: track.id, lines: lines === undefined || lines.length === 0 ? undefined : lines });
    return memo.get(guild)?.lines;
  };
}
