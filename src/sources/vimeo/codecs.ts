/**
 * io-ts codecs for the player config JSON (`player.vimeo.com/video/ID/config`, the same object the
 * player page embeds as `window.playerConfig`), as maintained clients read it (yt-dlp's vimeo
 * extractor, lavaplayer's Vimeo source): `video` for the metadata, `request.files` for the streams.
 * Only the fields hiqty uses are checked; everything else passes untouched.
 */
import * as t from 'io-ts';
import { urlString } from '../../codecs';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

const mediaUrl = urlString(['https', 'http']);

/** One MP4 with video and audio (`quality` "360p", `width` 640). Often none are offered nowadays. */
export const ProgressiveFile = t.intersection([
  t.type({ url: mediaUrl }),
  t.partial({ quality: t.string, width: t.number, height: t.number, mime: t.string }),
]);
export type ProgressiveFile = t.TypeOf<typeof ProgressiveFile>;

/** The same stream on several CDNs (`akfire_interconnect_quic`, `fastly_skyfire`), the player's choice named. */
export const CdnSet = t.intersection([
  t.type({ cdns: t.record(t.string, t.type({ url: mediaUrl })) }),
  t.partial({ default_cdn: t.string }),
]);
export type CdnSet = t.TypeOf<typeof CdnSet>;

export const Files = t.partial({
  progressive: nullable(t.array(ProgressiveFile)),
  hls: nullable(CdnSet),
});
export type Files = t.TypeOf<typeof Files>;

export const Video = t.intersection([
  t.type({ id: t.number, title: t.string }),
  t.partial({
    /** Seconds. */
    duration: nullable(t.number),
    owner: nullable(t.partial({ name: nullable(t.string), url: nullable(t.string) })),
    /** Thumbnail URLs by width ("640", "960", "1280") and "base". */
    thumbs: nullable(t.record(t.string, t.string)),
  }),
]);
export type Video = t.TypeOf<typeof Video>;

export const PlayerConfig = t.intersection([
  t.type({ video: Video }),
  t.partial({ request: nullable(t.partial({ files: nullable(Files) })) }),
]);
export type PlayerConfig = t.TypeOf<typeof PlayerConfig>;

/**
 * What every answer of the player may carry: `view` (4: the video needs its password, as yt-dlp
 * observes) and, on an error, Vimeo's own `title` and `message` ("Because of its privacy settings,
 * this video cannot be played here.").
 */
export const PlayerNotice = t.partial({ view: t.number, title: t.string, message: t.string });
export type PlayerNotice = t.TypeOf<typeof PlayerNotice>;

/** `view` of a config that asks for the video's password instead of playing it. */
export const PASSWORD_VIEW = 4;
