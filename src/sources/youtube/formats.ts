/**
 * From a `player` answer to a stream plan: Opus in WebM (itag 251) first, since it passes straight
 * through to Discord without ffmpeg; else the best other audio-only format, which transcodes.
 */
import type { ByteRange, PlanContainer, StreamPlan } from '../../media/plan';
import { userAgentOf } from './client-agents';
import type { YoutubeClient } from './clients';
import type { PlayerFormat, PlayerResponse } from './player-response';

/** WebM Opus, about 130 kbit/s: the format Discord takes as it is. */
export const OPUS_ITAG = 251;

export type FormatChoice =
  | { readonly kind: 'plan'; readonly plan: StreamPlan; readonly itag?: number }
  /** Nothing this client can use; another client may do better. */
  | { readonly kind: 'none'; readonly reason: string };

function container(mimeType: string): { readonly container: PlanContainer; readonly codec?: string } {
  const [type = '', ...params] = mimeType.split(';').map((s) => s.trim());
  const codec = params.map((p) => /^codecs="?([^"]*)"?$/.exec(p)?.[1]).find((c) => c !== undefined);
  const kind: PlanContainer = type === 'audio/webm' ? 'webm' : type === 'audio/mp4' ? 'mp4' : type === 'audio/mpeg' ? 'mp3' : 'unknown';
  return codec === undefined ? { container: kind } : { container: kind, codec };
}

function range(r: { readonly start: string; readonly end: string } | undefined): ByteRange | undefined {
  if (r === undefined) return undefined;
  const start = Number(r.start);
  const end = Number(r.end);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start ? { start, end } : undefined;
}

function positiveInt(text: string | undefined): number | undefined {
  const n = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Adds the PO token a client's media URLs need, when the operator gave one. */
function withPoToken(url: string, client: YoutubeClient, poToken: string | undefined): string {
  if (!client.needsPoToken || poToken === undefined) return url;
  try {
    const u = new URL(url);
    u.searchParams.set('pot', poToken);
    return u.toString();
  } catch {
    return url;
  }
}

function rank(f: PlayerFormat): number {
  // Ties go to Opus, the codec Discord speaks.
  const opus = f.mimeType.includes('opus') ? 1 : 0;
  return (f.averageBitrate ?? f.bitrate ?? 0) + opus;
}

function planOf(f: PlayerFormat & { readonly url: string }, client: YoutubeClient, poToken: string | undefined, durationMs: number | undefined): StreamPlan {
  const url = withPoToken(f.url, client, poToken);
  const headers = { 'user-agent': userAgentOf(client) };
  const length = positiveInt(f.contentLength);
  const duration = positiveInt(f.approxDurationMs) ?? durationMs;
  const kind = container(f.mimeType);
  if (length === undefined) {
    return { kind: 'file', url, headers, ...(duration !== undefined ? { durationMs: duration } : {}) };
  }
  const initRange = range(f.initRange);
  const indexRange = range(f.indexRange);
  return {
    kind: 'ranged',
    url,
    headers,
    contentLength: length,
    container: kind.container,
    ...(kind.codec !== undefined ? { codec: kind.codec } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    // googlevideo throttles a plain Range request past the first chunk; the clients put it in the query.
    rangeParam: true,
    ...(initRange !== undefined ? { initRange } : {}),
    ...(indexRange !== undefined ? { indexRange } : {}),
  };
}

/** Picks what to play from one client's answer (already known to be playable). */
export function chooseFormat(response: PlayerResponse, client: YoutubeClient, poToken: string | undefined): FormatChoice {
  const streaming = response.streamingData;
  const details = response.videoDetails;
  const durationS = positiveInt(details?.lengthSeconds);
  const durationMs = durationS === undefined ? undefined : durationS * 1000;
  if (details?.isLive === true) {
    const hls = streaming?.hlsManifestUrl;
    if (hls === undefined) return { kind: 'none', reason: `the ${client.id} client gave no HLS manifest for this live stream` };
    return { kind: 'plan', plan: { kind: 'hls', url: withPoToken(hls, client, poToken), headers: { 'user-agent': userAgentOf(client) }, live: true } };
  }
  const audio = (streaming?.adaptiveFormats ?? []).filter(
    (f) => f.mimeType.startsWith('audio/') && f.isDrc !== true && f.audioTrack?.audioIsDefault !== false,
  );
  if (audio.length === 0) return { kind: 'none', reason: `the ${client.id} client got no audio formats` };
  const direct = audio.filter((f): f is PlayerFormat & { readonly url: string } => f.url !== undefined);
  if (direct.length === 0) {
    // A format with only a signatureCipher needs YouTube's player JavaScript, which hiqty does not run.
    return { kind: 'none', reason: `the ${client.id} client got only signed (signatureCipher) formats, which need YouTube's player JavaScript` };
  }
  const opus = direct.find((f) => f.itag === OPUS_ITAG);
  const best = opus ?? [...direct].sort((a, b) => rank(b) - rank(a))[0];
  if (best === undefined) return { kind: 'none', reason: `the ${client.id} client got no usable audio format` };
  return { kind: 'plan', plan: planOf(best, client, poToken, durationMs), itag: best.itag };
}
