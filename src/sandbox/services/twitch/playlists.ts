/**
 * The Twitch fake's playlists, as usher, the weaver and the VOD CDN write them (observed through
 * maintained clients): a master with `#EXT-X-TWITCH-INFO`, one `#EXT-X-MEDIA:TYPE=VIDEO` group per
 * variant and `audio_only` among them; live media playlists with Twitch's own tags (live sequence,
 * elapsed seconds, the stream-source date range, a program date-time per segment); VOD playlists of
 * numbered `.ts` files.
 */
import type { SegmentFile } from './broadcast';

export interface Variant {
  /** GROUP-ID: `chunked` for the source quality, `720p30`, `audio_only`. */
  readonly group: string;
  readonly name: string;
  readonly bandwidth: number;
  readonly codecs: string;
  readonly resolution?: string;
  readonly frameRate?: number;
}

/** The variants a channel offers, best first; `audio_only` only when the request allows it. */
export const VIDEO_VARIANTS: readonly Variant[] = [
  { group: 'chunked', name: '1080p60 (source)', bandwidth: 6_000_000, codecs: 'avc1.64002A,mp4a.40.2', resolution: '1920x1080', frameRate: 60 },
  { group: '720p30', name: '720p', bandwidth: 2_373_000, codecs: 'avc1.4D401F,mp4a.40.2', resolution: '1280x720', frameRate: 30 },
  { group: '160p30', name: '160p', bandwidth: 230_000, codecs: 'avc1.4D400C,mp4a.40.2', resolution: '284x160', frameRate: 30 },
];
export const AUDIO_ONLY: Variant = { group: 'audio_only', name: 'audio_only', bandwidth: 160_000, codecs: 'mp4a.40.2' };

export interface MasterInfo {
  readonly nowMs: number;
  readonly broadcastId: string;
  readonly streamTimeS: number;
}

export function masterPlaylist(info: MasterInfo, variants: ReadonlyArray<{ readonly variant: Variant; readonly url: string }>): string {
  const lines = [
    '#EXTM3U',
    `#EXT-X-TWITCH-INFO:NODE="video-edge-hiqty.fra05",MANIFEST-NODE-TYPE="weaver_cluster",MANIFEST-NODE="video-weaver.fra05",SUPPRESS="false",SERVER-TIME="${(info.nowMs / 1000).toFixed(2)}",TRANSCODESTACK="2023-Transcode-QS-V1",USER-IP="127.0.0.1",SERVING-ID="${info.broadcastId}f00d",CLUSTER="fra05",ABS="false",VIDEO-SESSION-ID="${info.broadcastId}",BROADCAST-ID="${info.broadcastId}",STREAM-TIME="${info.streamTimeS.toFixed(1)}",B="false",USER-COUNTRY="DE",MANIFEST-CLUSTER="fra05",ORIGIN="fra05",C="",D="false"`,
  ];
  for (const { variant, url } of variants) {
    const auto = variant.group === 'audio_only' ? 'NO' : 'YES';
    lines.push(`#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="${variant.group}",NAME="${variant.name}",AUTOSELECT=${auto},DEFAULT=${auto}`);
    const attributes = [
      `BANDWIDTH=${variant.bandwidth}`,
      ...(variant.resolution === undefined ? [] : [`RESOLUTION=${variant.resolution}`]),
      `CODECS="${variant.codecs}"`,
      `VIDEO="${variant.group}"`,
      ...(variant.frameRate === undefined ? [] : [`FRAME-RATE=${variant.frameRate.toFixed(3)}`]),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, url);
  }
  return `${lines.join('\n')}\n`;
}

export interface LiveSegment {
  readonly sequence: number;
  readonly durationS: number;
  readonly url: string;
  /** When the encoder published it. */
  readonly atMs: number;
  /** A loop of the tone starts here: its timestamps start again. */
  readonly discontinuity: boolean;
}

export interface LiveWindow {
  readonly broadcastId: string;
  readonly startedAtMs: number;
  readonly elapsedS: number;
  readonly segments: readonly LiveSegment[];
  readonly endlist: boolean;
}

export function livePlaylist(window: LiveWindow): string {
  const first = window.segments[0]?.sequence ?? 0;
  const last = window.segments[window.segments.length - 1]?.sequence ?? first;
  const target = Math.max(1, Math.ceil(Math.max(...window.segments.map((s) => s.durationS), 1)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    `#EXT-X-TWITCH-LIVE-SEQUENCE:${last}`,
    `#EXT-X-TWITCH-ELAPSED-SECS:${window.elapsedS.toFixed(3)}`,
    `#EXT-X-TWITCH-TOTAL-SECS:${window.elapsedS.toFixed(3)}`,
    `#EXT-X-DATERANGE:ID="source-${window.broadcastId}",CLASS="twitch-stream-source",START-DATE="${new Date(window.startedAtMs).toISOString()}",END-ON-NEXT=YES,X-TV-TWITCH-STREAM-SOURCE="live"`,
  ];
  for (const segment of window.segments) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.atMs).toISOString()}`, `#EXTINF:${segment.durationS.toFixed(3)},live`, segment.url);
  }
  if (window.endlist) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** A finished past broadcast: segments `0.ts`, `1.ts`… beside the playlist, as Twitch's VOD CDN names them. */
export function vodPlaylist(segments: readonly SegmentFile[]): string {
  const total = segments.reduce((sum, s) => sum + s.durationS, 0);
  const target = Math.max(1, Math.ceil(Math.max(...segments.map((s) => s.durationS))));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-TWITCH-ELAPSED-SECS:0.000', `#EXT-X-TWITCH-TOTAL-SECS:${total.toFixed(3)}`];
  segments.forEach((segment, i) => lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`, `${i}.ts`));
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
