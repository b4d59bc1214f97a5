/**
 * io-ts codecs for the player config JSON (`player.vimeo.com/video/ID/config`, the same object the
 * player page embeds as `window.playerConfig`), as maintained clients read it (yt-dlp's vimeo
 * extractor, lavaplayer's Vimeo source): `video` for the metadata, `request.files` for the streams.
 * Only the fields hiqty uses are checked; everything else passes untouched.
 */
import * as t from 'io-ts';
import { urlString } from '../../codecs';

/**
 * A field the player may leave out or send as null (it does both): read as undefined. Failures keep
 * the field's own path (`request.files.hls`), not a union's or an intersection's branch numbers, so
 * a reason names what Vimeo changed.
 */
function maybe<A, O>(codec: t.Type<A, O, unknown>): t.Type<A | undefined, O | undefined, unknown> {
  return new t.Type<A | undefined, O | undefined, unknown>(
    `${codec.name} or nothing`,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined || u === null ? t.success(undefined) : codec.validate(u, c)),
    (a) => (a === undefined ? undefined : codec.encode(a)),
  );
}

const mediaUrl = urlString(['https', 'http']);

/** One MP4 with video and audio (`quality` "360p", `width` 640). Often none are offered nowadays. */
export const ProgressiveFile = t.type({
  url: mediaUrl,
  quality: maybe(t.string),
  width: maybe(t.number),
  height: maybe(t.number),
});
export type ProgressiveFile = t.TypeOf<typeof ProgressiveFile>;

/** The same stream on several CDNs (`akfire_interconnect_quic`, `fastly_skyfire`), the player's choice named. */
export const CdnSet = t.type({
  cdns: t.record(t.string, t.type({ url: mediaUrl })),
  default_cdn: maybe(t.string),
});
export type CdnSet = t.TypeOf<typeof CdnSet>;

export const Files = t.type({
  progressive: maybe(t.array(ProgressiveFile)),
  hls: maybe(CdnSet),
});
export type Files = t.TypeOf<typeof Files>;

export const Video = t.type({
  id: t.number,
  title: t.string,
  /** Seconds. */
  duration: maybe(t.number),
  owner: maybe(t.type({ name: maybe(t.string) })),
  /** Thumbnail URLs by width ("640", "960", "1280") and "base". */
  thumbs: maybe(t.record(t.string, t.string)),
});
export type Video = t.TypeOf<typeof Video>;

export const PlayerConfig = t.type({
  video: Video,
  request: maybe(t.type({ files: maybe(Files) })),
});
export type PlayerConfig = t.TypeOf<typeof PlayerConfig>;

/**
 * What every answer of the player may carry: `view` (4: the video needs its password, as yt-dlp
 * observes) and, on an error, Vimeo's own `title` and `message` ("Because of its privacy settings,
 * this video cannot be played here.").
 */
export const PlayerNotice = t.type({ view: maybe(t.number), title: maybe(t.string), message: maybe(t.string) });
export type PlayerNotice = t.TypeOf<typeof PlayerNotice>;

/** `view` of a config that asks for the video's password instead of playing it. */
export const PASSWORD_VIEW = 4;
