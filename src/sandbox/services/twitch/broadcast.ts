/**
 * One live broadcast of the Twitch fake: the "encoder" publishes the rendition's segments one after the
 * other as the fake's clock passes their durations (looping over the tone's segments, with a
 * discontinuity at each loop), and the live playlist is a sliding window over what is published. Going
 * off the air freezes the window: with EXT-X-ENDLIST (`endlist`), without (`stall`: the playlist stops
 * updating), or with the playlist and its segments answering 404 (`gone`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface SegmentFile {
  readonly file: string;
  readonly durationS: number;
}

export type OfflineHow = 'endlist' | 'stall' | 'gone';

/** A media playlist's segments, as ffmpeg wrote them (`index.m3u8` and its files). */
export async function segmentFiles(playlist: string): Promise<SegmentFile[]> {
  const text = await readFile(playlist, 'utf8');
  const lines = text.split('\n').map((l) => l.trim());
  const out: SegmentFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^#EXTINF:([\d.]+)/.exec(lines[i] ?? '');
    const uri = lines[i + 1];
    if (m === null || uri === undefined || uri === '' || uri.startsWith('#')) continue;
    out.push({ file: path.join(path.dirname(playlist), uri), durationS: Number(m[1]) });
  }
  if (out.length === 0) throw new Error(`${playlist} lists no segments`);
  return out;
}

export interface WindowNow {
  /** Media sequence numbers shown, oldest first. */
  readonly sequences: readonly number[];
  readonly endlist: boolean;
}

export class Broadcast {
  private ended: { readonly published: number; readonly how: OfflineHow } | undefined;
  private readonly loopS: number;

  constructor(
    /** Changes with every goLive: URLs of an earlier broadcast answer 404. */
    readonly id: string,
    readonly startedAtMs: number,
    private readonly segments: readonly SegmentFile[],
    /** Segments already out when the broadcast is first seen, so a window is full from the start. */
    private readonly preroll: number,
  ) {
    this.loopS = segments.reduce((sum, s) => sum + s.durationS, 0);
  }

  /** How it went off the air, or undefined while it is on. */
  get offline(): OfflineHow | undefined {
    return this.ended?.how;
  }

  /** Segments published by `nowMs`. */
  published(nowMs: number): number {
    if (this.ended !== undefined) return this.ended.published;
    const elapsedS = Math.max(0, nowMs - this.startedAtMs) / 1000;
    const loops = Math.floor(elapsedS / this.loopS);
    let within = elapsedS - loops * this.loopS;
    let done = 0;
    for (const segment of this.segments) {
      if (within < segment.durationS) break;
      within -= segment.durationS;
      done++;
    }
    return this.preroll + loops * this.segments.length + done;
  }

  goOffline(nowMs: number, how: OfflineHow): void {
    this.ended ??= { published: this.published(nowMs), how };
  }

  window(nowMs: number, size: number): WindowNow {
    const published = this.published(nowMs);
    const first = Math.max(0, published - size);
    return { sequences: Array.from({ length: published - first }, (_, i) => first + i), endlist: this.ended?.how === 'endlist' };
  }

  isPublished(sequence: number, nowMs: number): boolean {
    return Number.isInteger(sequence) && sequence >= 0 && sequence < this.published(nowMs);
  }

  /** The segment a sequence number plays in a rendition made like the broadcast's timing one (the tone's segments, looped). */
  segment(sequence: number, rendition: readonly SegmentFile[] = this.segments): SegmentFile {
    const segment = rendition[sequence % rendition.length];
    if (segment === undefined) throw new Error(`no segment for sequence ${sequence}`);
    return segment;
  }

  /** Whether a loop of the tone starts at this sequence (after the first): a timestamp discontinuity. */
  startsLoop(sequence: number): boolean {
    return sequence > 0 && sequence % this.segments.length === 0;
  }
}
