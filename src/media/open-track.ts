/**
 * A Track URL or a source's stream plan in, Opus packets out (DESIGN.md §6). Where the bytes come from
 * (a file, ranged chunks, HLS) is media-input.ts's business; this file probes them and plays them.
 * The caller gets either a stream that has already produced audio, or one short reason why the track
 * cannot be played, fit for a Discord message and a quarantine entry. Nothing here throws for a bad
 * track: bad tracks are ordinary.
 */
import { PassThrough, Readable } from 'node:stream';
import { StreamType } from '@discordjs/voice';
import { systemClock, type Clock } from '../clock';
import type { Logger } from '../log';
import { formatSeconds, isBodyError, TRUNCATED_REASON } from './metered-body';
import { createDemuxer, passthrough } from './passthrough';
import { isBuffer, peek } from './peek';
import { probe, PROBE_WINDOW_BYTES, type ProbeResult } from './probe';
import { isMediaInputError } from './media-error';
import { openInput } from './media-input';
import type { OriginOverrides } from './origins';
import type { PlanProvider } from './plan';
import { isNeutral, NO_FILTERS, type Filters } from '../filters';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_BYTES, describeUrlText, type LookupAll, type RequestFn } from './safe-fetch';
import { OpenGate } from './open-gate';
import { ffmpegProcesses, transcode, type FfmpegProcesses, type TranscodeExit } from './transcode';
import { AUDIO_BYTE_HIGH_WATER_MARK, AUDIO_PACKET_HIGH_WATER_MARK } from './stream-sizes';

export interface TrackRequest {
  /** The link, or for a planned track the page it came from: shown in logs when there is no plan. */
  readonly url: string;
  /**
   * Where a service track's bytes are (src/media/plan.ts): asked with attempt 0 at open, and again
   * mid-stream when a ranged media URL expires or an HLS plan is about to expire or is refused. Absent:
   * `url` is a plain link (a file, or an HLS playlist when it ends in .m3u8).
   */
  readonly plan?: PlanProvider;
  /** The track's length where known: lets a position in a plain MP3 link start from a byte estimate. */
  readonly durationMs?: number;
  /** Default 0. */
  readonly startMs?: number;
  /** Default 100 (unchanged). */
  readonly volumePercent?: number;
  /** The guild's audio filters; default none. Any filter takes the transcode path. */
  readonly filters?: Filters;
  /** A stream without an end (Icecast and the like): no size cap. Default false. */
  readonly isLive?: boolean;
  /**
   * Cancels the open in whatever phase it is (waiting for a gate slot, DNS, connecting, the response,
   * the probe, ffmpeg starting): the connection is closed, any ffmpeg is killed, and the outcome is
   * `cancelled`. It covers the open only: once `playing` is returned, stop the track with close().
   */
  readonly signal?: AbortSignal;
}

export interface OpenTrackDeps {
  /** HIQTY_FETCH_ALLOW. */
  readonly allow: readonly string[];
  readonly ffmpegPath: string;
  readonly log: Logger;
  readonly lookup?: LookupAll;
  readonly request?: RequestFn;
  readonly clock?: Clock;
  readonly ffmpeg?: FfmpegProcesses;
  /** Default 100 MiB (DEFAULT_MAX_BYTES); ignored for live streams. */
  readonly maxBytes?: number;
  /** No bytes from the server for this long fails the track. Default 10 s. */
  readonly idleTimeoutMs?: number;
  /** No first audio packet for this long after the response fails the track. Default 15 s. */
  readonly firstAudioTimeoutMs?: number;
  /** Limits opens running at once (HIQTY_MAX_OPENING); none when absent. */
  readonly gate?: OpenGate;
  /** HIQTY_SERVICE_ORIGINS, applied to every fetch of every track. Default none. */
  readonly overrides?: OriginOverrides;
}

/** Default of OpenTrackDeps.firstAudioTimeoutMs: 15 s, above the idle timeout so a stalled server is reported as such. */
export const DEFAULT_FIRST_AUDIO_TIMEOUT_MS = 15_000;

export type TrackEnd =
  /**
   * The audio ran to its end and was all read. `streamEnded`: a live stream that ended on its service's
   * side (it went off the air), with why, for the members.
   */
  | { readonly kind: 'finished'; readonly streamEnded?: string }
  /** It stopped early or could not go on: the reason is for quarantine. Audio already read was valid. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** close() was called or the consumer destroyed the stream. */
  | { readonly kind: 'closed' };

export type PlayPath = 'passthrough' | 'transcoded';

export type OpenOutcome =
  | {
      readonly kind: 'playing';
      /** Object-mode Opus packets; the first is already there. */
      readonly stream: Readable;
      readonly streamType: StreamType.Opus;
      readonly path: PlayPath;
      /** Stops the download and any ffmpeg. Idempotent. */
      close(): void;
      /** Never rejects. */
      readonly done: Promise<TrackEnd>;
    }
  | { readonly kind: 'unplayable'; readonly reason: string }
  /** The request's signal fired first: nothing is left open, and the track is not at fault. */
  | { readonly kind: 'cancelled' };

const CANCELLED: OpenOutcome = { kind: 'cancelled' };

function describeError(e: unknown, what: string): string {
  if (isBodyError(e) || isMediaInputError(e)) return e.message;
  return `${what}: ${e instanceof Error ? e.message : String(e)}`;
}

function isPacket(u: unknown): u is Buffer {
  return Buffer.isBuffer(u);
}

/**
 * Passthrough needs an Opus container, volume 100 and no filter: neither a gain nor a filter can be
 * applied to Opus packets without decoding them, and decoding belongs to ffmpeg, not to the bot (DESIGN.md §6).
 */
function choosePath(probed: ProbeResult, volumePercent: number, filters: Filters, transcodeOnly: boolean): 'ogg' | 'webm' | 'transcode' {
  if (volumePercent !== 100 || !isNeutral(filters) || transcodeOnly) return 'transcode';
  if (probed.kind === 'ogg-opus') return 'ogg';
  if (probed.kind === 'webm-opus') return 'webm';
  return 'transcode';
}

export async function openTrack(request: TrackRequest, deps: OpenTrackDeps): Promise<OpenOutcome> {
  const { signal } = request;
  if (signal?.aborted) return CANCELLED;
  // The caller's signal reaches the parts only while the open runs: after `playing`, close() is the way.
  const opening = new AbortController();
  const onAbort = (): void => opening.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const slot: Slot = {};
  try {
    return await openSignalled(request, deps, opening.signal, slot);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    slot.release?.();
  }
}

/** The gate slot an open holds, once it has one; openTrack gives it back whatever the outcome. */
interface Slot {
  release?: () => void;
}

async function openSignalled(request: TrackRequest, deps: OpenTrackDeps, signal: AbortSignal, slot: Slot): Promise<OpenOutcome> {
  const clock = deps.clock ?? systemClock;
  const startMs = Math.max(0, request.startMs ?? 0);
  const volumePercent = request.volumePercent ?? 100;
  const filters = request.filters ?? NO_FILTERS;
  const idleTimeoutMs = deps.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  const input = await openInput(
    { url: request.url, startMs, isLive: request.isLive === true, ...(request.plan === undefined ? {} : { plan: request.plan }), ...(request.durationMs === undefined ? {} : { durationMs: request.durationMs }) },
    {
      ctx: {
        allow: deps.allow,
        lookup: deps.lookup,
        request: deps.request,
        clock,
        overrides: deps.overrides,
        maxBytes: request.isLive === true ? null : (deps.maxBytes ?? DEFAULT_MAX_BYTES),
        idleTimeoutMs,
      },
      clock,
    },
    signal,
  );
  const log = deps.log.child({ media: input.kind === 'input' ? input.where : describeUrlText(request.url) });
  if (input.kind === 'cancelled') {
    log.debug('open cancelled before the response');
    return CANCELLED;
  }
  if (input.kind !== 'input') {
    log.debug({ reason: input.reason }, 'track unplayable');
    return { kind: 'unplayable', reason: input.reason };
  }
  const { body, contentType } = input;

  // The first failure is the one worth telling; later ones are usually its consequences.
  let failure: string | undefined;
  const fail = (reason: string): void => {
    failure ??= reason;
  };
  body.on('error', (e) => {
    log.debug({ err: e }, 'the download failed');
    fail(describeError(e, 'the download failed'));
  });

  const head = await peek(body, {
    isChunk: isBuffer,
    enough: (chunks) => {
      const bytes = Buffer.concat(chunks);
      return bytes.length >= PROBE_WINDOW_BYTES || probe(bytes, contentType, false).kind !== 'need-more';
    },
  });
  if (signal.aborted) {
    // safeFetch destroyed the body on the abort, which closed the connection.
    body.destroy();
    log.debug('open cancelled during the probe');
    return CANCELLED;
  }
  if (head.kind === 'failed' || head.kind === 'timeout') {
    body.destroy();
    return { kind: 'unplayable', reason: failure ?? (head.kind === 'timeout' ? 'no data' : describeError(head.error, 'the download failed')) };
  }
  const probed = probe(Buffer.concat(head.chunks), contentType, head.kind === 'ended');
  if (probed.kind === 'not-audio') {
    body.destroy();
    return { kind: 'unplayable', reason: probed.reason };
  }

  // The gate covers what costs CPU: spawning ffmpeg, its first decoding burst, demuxing the first
  // buffer. Waiting for DNS, the server and the probe's bytes took none, and ran without a slot. The
  // probed bytes wait in the body meanwhile (peek put them back).
  if (deps.gate !== undefined) {
    const admission = await deps.gate.acquire(signal);
    if (admission.kind === 'cancelled') {
      body.destroy();
      log.debug('open cancelled while waiting for a slot');
      return CANCELLED;
    }
    slot.release = admission.release;
  }
  const source = head.kind === 'ended' ? Readable.from([Buffer.concat(head.chunks)], { objectMode: false, highWaterMark: AUDIO_BYTE_HIGH_WATER_MARK }) : body;

  const path = choosePath(probed, volumePercent, filters, input.transcodeOnly);
  // Known once the first bytes are out (an HLS reader learns it from the playlist).
  const skipMs = input.skipMs();
  const out = new PassThrough({ objectMode: true, highWaterMark: AUDIO_PACKET_HIGH_WATER_MARK });
  let exit: Promise<TranscodeExit | undefined> = Promise.resolve(undefined);
  let stop: () => void;

  if (path === 'transcode') {
    const ffmpeg = transcode({ ffmpegPath: deps.ffmpegPath, input: source, startMs: skipMs, volumePercent, filters, registry: deps.ffmpeg ?? ffmpegProcesses, clock });
    const demuxer = createDemuxer('ogg');
    demuxer.on('error', (e) => {
      log.debug({ err: e }, "ffmpeg's output could not be demuxed");
      fail(`ffmpeg's output could not be read: ${e.message}`);
      ffmpeg.kill();
      out.end();
    });
    // stdout fails only with the process, whose exit status is the better reason.
    ffmpeg.output.on('error', () => demuxer.end());
    ffmpeg.output.pipe(demuxer).pipe(out);
    exit = ffmpeg.exited.then((result) => {
      if (result.kind === 'failed') fail(result.reason);
      return result;
    });
    stop = () => {
      ffmpeg.kill();
      demuxer.destroy();
    };
    log.debug({ format: probed.kind === 'transcode' ? probed.format : probed.kind, pid: ffmpeg.pid, startMs, skipMs, start: input.how, volumePercent, filters }, 'transcoding');
  } else {
    // A live stream has no end to check; a file without its end-of-stream page was cut short.
    const onOggEnd = input.live ? undefined : (complete: boolean): void => {
      if (!complete) fail(TRUNCATED_REASON);
    };
    const { packets, demuxer } = passthrough(path, source, skipMs, onOggEnd);
    // A download that fails mid-track still lets the packets already received play out.
    source.on('error', () => demuxer.end());
    demuxer.on('error', (e) => {
      log.debug({ err: e, container: path }, 'the Opus container could not be demuxed');
      fail(`not a valid ${path === 'ogg' ? 'Ogg' : 'WebM'} Opus file: ${e.message}`);
      source.destroy();
      out.end();
    });
    packets.pipe(out);
    stop = () => {
      source.destroy();
      demuxer.destroy();
    };
    log.debug({ container: path, startMs, skipMs, start: input.how }, 'passing through');
  }

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    stop();
    body.destroy();
    out.destroy();
  };

  // An abort while ffmpeg starts (or the demuxer waits for its first packet) closes everything at
  // once; the wait below then ends, and the outcome is `cancelled` once ffmpeg has exited.
  const onAbort = (): void => close();
  signal.addEventListener('abort', onAbort, { once: true });
  const firstAudioTimeoutMs = deps.firstAudioTimeoutMs ?? DEFAULT_FIRST_AUDIO_TIMEOUT_MS;
  const first = await peek(out, {
    isChunk: isPacket,
    enough: (packets) => packets.length > 0,
    timeoutMs: firstAudioTimeoutMs,
    clock,
  });
  signal.removeEventListener('abort', onAbort);
  if (signal.aborted) {
    close();
    await exit;
    log.debug('open cancelled before the first audio');
    return CANCELLED;
  }
  if (first.kind !== 'ready') {
    if (first.kind !== 'ended') close();
    // ffmpeg's exit status is usually the best reason a transcode produced nothing.
    await exit;
    close();
    // Seeking past the end of a track is not the track's fault: it simply has nothing left to play.
    if (first.kind === 'ended' && startMs > 0 && failure === undefined) {
      const nothing = Readable.from([], { objectMode: true });
      return playing(nothing, path === 'transcode' ? 'transcoded' : 'passthrough', () => nothing.destroy(), Promise.resolve({ kind: 'finished' }));
    }
    const reason =
      failure ??
      (first.kind === 'timeout' ? `no audio within ${formatSeconds(firstAudioTimeoutMs)}` : first.kind === 'ended' ? 'there is no audio in it' : describeError(first.error, 'the audio could not be read'));
    log.debug({ reason }, 'track unplayable');
    return { kind: 'unplayable', reason };
  }

  const outDone = new Promise<'ended' | 'closed'>((resolve) => {
    out.once('end', () => resolve('ended'));
    out.once('close', () => resolve(out.readableEnded ? 'ended' : 'closed'));
  });
  // The consumer going away (the player destroys the resource on stop) is a close too.
  void outDone.then((how) => {
    if (how === 'closed') close();
  });
  const done = Promise.all([outDone, exit]).then(([how]): TrackEnd => {
    if (closed || how === 'closed') return { kind: 'closed' };
    if (failure !== undefined) return { kind: 'failed', reason: failure };
    const streamEnded = input.liveEnd();
    return streamEnded === undefined ? { kind: 'finished' } : { kind: 'finished', streamEnded };
  });
  log.debug({ path }, 'track playing');
  return playing(out, path === 'transcode' ? 'transcoded' : 'passthrough', close, done);
}

function playing(stream: Readable, path: PlayPath, close: () => void, done: Promise<TrackEnd>): OpenOutcome {
  return { kind: 'playing', stream, streamType: StreamType.Opus, path, close, done };
}

/**
 * The player's openTrack for one instance: every open shares one gate of `maxOpening` slots
 * (HIQTY_MAX_OPENING), so a herd of starts runs a few at a time.
 */
export function trackOpener(deps: Omit<OpenTrackDeps, 'gate'> & { readonly maxOpening: number }): (request: TrackRequest) => Promise<OpenOutcome> {
  const { maxOpening, ...rest } = deps;
  const gate = new OpenGate({ limit: maxOpening, clock: deps.clock });
  return (request) => openTrack(request, { ...rest, gate });
}
