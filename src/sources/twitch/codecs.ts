/**
 * io-ts codecs of the Twitch answers hiqty reads: GQL's persisted queries as twitch.tv's web app sends
 * them (and maintained clients observe them: streamlink's twitch plugin, yt-dlp's extractor), the
 * playback access token's JSON `value`, and usher's error lists. Only the fields hiqty uses are checked;
 * fields Twitch sends as null as often as it leaves them out are `nullable`.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/** A GQL answer that failed as a whole: a persisted query Twitch no longer knows, a bad variable. */
export const GqlErrors = t.type({ errors: t.array(t.type({ message: t.string })) }, 'GQL errors');

/** gql.twitch.tv's refusal of the request itself (a missing or unknown Client-ID): HTTP 400 or 401. */
export const GqlRefusal = t.type({ error: t.string, message: t.string }, 'a GQL refusal');

export const AccessToken = t.type({ value: t.string, signature: t.string }, 'a playback access token');

/** PlaybackAccessToken with isLive: null when there is no such channel. */
export const StreamTokenAnswer = t.type({ data: t.type({ streamPlaybackAccessToken: nullable(AccessToken) }) }, 'a stream access token answer');
/** PlaybackAccessToken with isVod: null when there is no such video, or it is not for this viewer. */
export const VideoTokenAnswer = t.type({ data: t.type({ videoPlaybackAccessToken: nullable(AccessToken) }) }, 'a video access token answer');

/** The token's `value`, itself JSON text: when it expires (unix seconds) and whether it lets this viewer watch. */
export const TokenValue = t.intersection(
  [
    t.type({ expires: t.number }),
    t.partial({
      channel: t.string,
      authorization: t.type({ forbidden: t.boolean, reason: t.string }),
    }),
  ],
  'a playback access token value',
);
export type TokenValue = t.TypeOf<typeof TokenValue>;

/** ChannelShell: the channel's names; `userOrError` has no displayName when there is no such user. */
export const ChannelShell = t.type(
  { data: t.type({ userOrError: nullable(t.partial({ login: t.string, displayName: t.string })) }) },
  'a ChannelShell answer',
);

/** StreamMetadata: the current broadcast's title, and `stream` null while the channel is offline. */
export const StreamMetadata = t.type(
  {
    data: t.type({
      user: nullable(
        t.type({
          lastBroadcast: nullable(t.partial({ title: nullable(t.string) })),
          stream: nullable(t.type({ id: t.string })),
        }),
      ),
    }),
  },
  'a StreamMetadata answer',
);

/** VideoMetadata: a past broadcast (a VOD); null when it does not exist or is not for this viewer. */
export const VideoMetadata = t.type(
  {
    data: t.type({
      video: nullable(
        t.intersection([
          t.type({ id: t.string, lengthSeconds: t.number }),
          t.partial({ title: nullable(t.string), owner: nullable(t.type({ login: t.string, displayName: t.string })) }),
        ]),
      ),
    }),
  },
  'a VideoMetadata answer',
);

/** usher's answer to a playlist it will not give: a list of errors (an offline channel, a region block, a subscriber-only VOD). */
export const UsherErrors = t.array(t.intersection([t.type({ error: t.string }), t.partial({ error_code: t.string })]), 'usher errors');
