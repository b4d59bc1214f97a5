/**
 * InnerTube's `player` answer, decoded with io-ts: the parts hiqty reads to play a video (its
 * playability, its formats, its details). Everything else in the answer is ignored.
 */
import * as t from 'io-ts';

const Range = t.type({ start: t.string, end: t.string });

export const PlayerFormat = t.intersection([
  t.type({ itag: t.number, mimeType: t.string }),
  t.partial({
    url: t.string,
    /** Only YouTube's player JavaScript turns these into a URL. */
    signatureCipher: t.string,
    cipher: t.string,
    bitrate: t.number,
    averageBitrate: t.number,
    contentLength: t.string,
    approxDurationMs: t.string,
    initRange: Range,
    indexRange: Range,
    audioQuality: t.string,
    /** A dubbed or described track; hiqty keeps the original. */
    audioTrack: t.partial({ audioIsDefault: t.boolean }),
    /** Dynamic-range-compressed variants of the same audio. */
    isDrc: t.boolean,
  }),
]);
export type PlayerFormat = t.TypeOf<typeof PlayerFormat>;

const Text = t.partial({ simpleText: t.string, runs: t.array(t.partial({ text: t.string })) });

export const PlayerResponse = t.intersection([
  t.type({
    playabilityStatus: t.intersection([
      t.type({ status: t.string }),
      t.partial({
        reason: t.string,
        messages: t.array(t.string),
        errorScreen: t.partial({ playerErrorMessageRenderer: t.partial({ reason: Text, subreason: Text }) }),
      }),
    ]),
  }),
  t.partial({
    responseContext: t.partial({ visitorData: t.string }),
    streamingData: t.partial({
      expiresInSeconds: t.string,
      adaptiveFormats: t.array(PlayerFormat),
      formats: t.array(PlayerFormat),
      hlsManifestUrl: t.string,
    }),
    videoDetails: t.intersection([
      t.type({ videoId: t.string, title: t.string }),
      t.partial({
        author: t.string,
        channelId: t.string,
        lengthSeconds: t.string,
        isLive: t.boolean,
        isLiveContent: t.boolean,
        thumbnail: t.partial({ thumbnails: t.array(t.type({ url: t.string })) }),
      }),
    ]),
  }),
]);
export type PlayerResponse = t.TypeOf<typeof PlayerResponse>;

function textOf(text: t.TypeOf<typeof Text> | undefined): string | undefined {
  return text?.simpleText ?? (text?.runs?.map((r) => r.text ?? '').join('') || undefined);
}

/** Everything the answer says about why it will not play, for matching and for the reply. */
export function playabilityTexts(response: PlayerResponse): string[] {
  const p = response.playabilityStatus;
  const screen = p.errorScreen?.playerErrorMessageRenderer;
  return [p.reason, ...(p.messages ?? []), textOf(screen?.reason), textOf(screen?.subreason)].filter((s): s is string => s !== undefined && s !== '');
}

/**
 * A friendly reason for a video YouTube will not play, or undefined when it plays (status OK).
 * YouTube's own words follow, since they say which of several causes it is.
 */
export function unplayableReason(response: PlayerResponse): string | undefined {
  const status = response.playabilityStatus.status;
  if (status === 'OK') return undefined;
  // YouTube repeats itself (the status's reason is also the error screen's): each text once.
  const texts = [...new Set(playabilityTexts(response))];
  const said = texts.length > 0 ? ` (YouTube says: ${texts.join(' ')})` : '';
  const all = texts.join(' ').toLowerCase();
  if (/\bcountry\b|\bregion\b/.test(all)) return `this video is not available in the bot's country${said}`;
  switch (status) {
    case 'LOGIN_REQUIRED':
    case 'AGE_CHECK_REQUIRED':
    case 'AGE_VERIFICATION_REQUIRED':
    case 'CONTENT_CHECK_REQUIRED':
      return /\bage\b/.test(all)
        ? `this video is age-restricted and needs a signed-in account, which hiqty does not use${said}`
        : `YouTube wants a signed-in account to play this video (private, members-only, or a bot check)${said}`;
    case 'UNPLAYABLE':
      return `YouTube will not play this video here${said}`;
    case 'ERROR':
      return `this video is unavailable: removed, private, or never existed${said}`;
    case 'LIVE_STREAM_OFFLINE':
      return `this live stream is not live now (not started yet, or ended)${said}`;
    default:
      return `YouTube will not play this video (status ${status})${said}`;
  }
}
