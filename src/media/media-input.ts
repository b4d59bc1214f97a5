/**
 * A track's bytes, from whatever its source planned (src/media/plan.ts): a file, a ranged media URL
 * (started at its index's offset for a position), or an HLS stream. open-track probes and plays what
 * comes out; this file only decides where the bytes come from and how much of the position is left
 * for the demuxer or ffmpeg to drop.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../clock';
import type { FetchContext } from './fetch-context';
import { openFile } from './file-input';
import { hlsReader } from './hls/reader';
import type { PlanProvider, StreamPlan } from './plan';
import { rangedReader } from './ranged-reader';
import { describeUrlText } from './safe-fetch';
import { rangedStart } from './seek/ranged-start';

export interface InputRequest {
  readonly url: string;
  readonly plan?: PlanProvider;
  readonly startMs: number;
  readonly isLive: boolean;
  readonly durationMs?: number;
}

export interface InputDeps {
  readonly ctx: FetchContext;
  readonly clock: Clock;
}

export type MediaInput =
  | {
      readonly kind: 'input';
      readonly body: Readable;
      readonly contentType: string | undefined;
      /** What is left of the position for the demuxer or ffmpeg to drop; final once the first byte is out. */
      skipMs(): number;
      /** HLS always goes through ffmpeg: its segments are AAC or TS, never Opus that could pass through. */
      readonly transcodeOnly: boolean;
      readonly live: boolean;
      /** Scheme, host and port, for logs and reasons. */
      readonly where: string;
      /** How the start was found (from-start, webm-cues, mp4-sidx, hls-segments, mp3-toc...), for logs. */
      readonly how: string;
      /** Why a live stream ended on its service's side (it went off the air), once the bytes ended so; else undefined. */
      liveEnd(): string | undefined;
    }
  | { readonly kind: 'unplayable'; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** A link to an HLS playlist, by its extension: such links are played as an `hls` plan. */
export function isHlsLink(url: string): boolean {
  try {
    return new URL(url).pathname.toLowerCase().endsWith('.m3u8');
  } catch {
    return false;
  }
}

/** The plan a plain link stands for: HLS for `.m3u8`, else a file. */
export function planForLink(url: string, live = false): StreamPlan {
  return isHlsLink(url) ? { kind: 'hls', url, ...(live ? { live } : {}) } : { kind: 'file', url, ...(live ? { live } : {}) };
}

const fixed = (ms: number) => (): number => ms;
const never = (): undefined => undefined;

async function fromPlan(plan: StreamPlan, request: InputRequest, deps: InputDeps, signal: AbortSignal): Promise<MediaInput> {
  const { ctx } = deps;
  switch (plan.kind) {
    case 'file': {
      const opened = await openFile(
        {
          url: plan.url,
          live: plan.live === true || request.isLive,
          startMs: request.startMs,
          ...(plan.headers === undefined ? {} : { headers: plan.headers }),
          ...(plan.contentLength === undefined ? {} : { contentLength: plan.contentLength }),
          ...((plan.durationMs ?? request.durationMs) === undefined ? {} : { durationMs: plan.durationMs ?? request.durationMs }),
        },
        ctx,
        signal,
      );
      if (opened.kind !== 'body') return opened;
      const live = plan.live === true || request.isLive;
      return { kind: 'input', body: opened.body, contentType: opened.contentType, skipMs: fixed(opened.skipMs), transcodeOnly: false, live, where: describeUrlText(plan.url), how: opened.how, liveEnd: never };
    }
    case 'ranged': {
      const target = { url: plan.url, rangeParam: plan.rangeParam, ...(plan.headers === undefined ? {} : { headers: plan.headers }) };
      const found = await rangedStart(plan, target, request.startMs, ctx, signal);
      if (found.kind === 'cancelled') return found;
      const { start } = found;
      const body = rangedReader({
        target,
        contentLength: plan.contentLength,
        startByte: start.startByte,
        ...(start.prefix === undefined ? {} : { prefix: start.prefix }),
        ...(plan.chunkBytes === undefined ? {} : { chunkBytes: plan.chunkBytes }),
        ...(request.plan === undefined ? {} : { provider: request.plan }),
        fetch: ctx,
      });
      return { kind: 'input', body, contentType: undefined, skipMs: fixed(start.skipMs), transcodeOnly: false, live: false, where: describeUrlText(plan.url), how: start.how, liveEnd: never };
    }
    case 'hls': {
      let skipMs = 0;
      let live = plan.live === true;
      let liveEnd: string | undefined;
      const body = hlsReader({
        url: plan.url,
        ...(plan.headers === undefined ? {} : { headers: plan.headers }),
        ...(plan.rendition === undefined ? {} : { rendition: plan.rendition }),
        ...(plan.expiresAt === undefined ? {} : { expiresAt: plan.expiresAt }),
        ...(request.plan === undefined ? {} : { provider: request.plan }),
        startMs: request.startMs,
        fetch: ctx,
        clock: deps.clock,
        onStart: (s) => {
          skipMs = s.skipMs;
          live ||= s.live;
        },
        onLiveEnd: (reason) => void (liveEnd = reason),
      });
      return { kind: 'input', body, contentType: undefined, skipMs: () => skipMs, transcodeOnly: true, live, where: describeUrlText(plan.url), how: 'hls-segments', liveEnd: () => liveEnd };
    }
  }
}

/**
 * Where the track's bytes come from. With a plan provider, its attempt 0 is played (the ranged reader
 * asks it again once when a media URL expires; the HLS reader before a plan expires and when it is
 * refused); without, the URL is a plain link.
 */
export async function openInput(request: InputRequest, deps: InputDeps, signal: AbortSignal): Promise<MediaInput> {
  let plan: StreamPlan;
  if (request.plan === undefined) {
    plan = planForLink(request.url, request.isLive);
  } else {
    let outcome;
    try {
      outcome = await request.plan(0, signal);
    } catch (e) {
      return { kind: 'unplayable', reason: `the source failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (signal.aborted || outcome.kind === 'cancelled') return { kind: 'cancelled' };
    if (outcome.kind !== 'plan') return { kind: 'unplayable', reason: outcome.reason };
    plan = outcome.plan;
  }
  const input = await fromPlan(plan, request, deps, signal);
  // The readers fetch with signals of their own: the open's signal reaches them by destroying the body.
  if (input.kind === 'input') signal.addEventListener('abort', () => input.body.destroy(), { once: true });
  return input;
}
