/**
 * gql.twitch.tv as the Twitch fake answers it: the Client-ID header checked first (missing: 400, unknown:
 * 401, as Twitch answers), then each persisted query of the batch (a JSON object, or an array answered by
 * an array) by its operation name and hash. A hash Twitch does not hold answers PersistedQueryNotFound;
 * the fake holds the hashes of twitch.tv's web app as maintained clients send them (streamlink, yt-dlp).
 */
import type { FakeChannel, FakeVideo } from './catalog';

/** Client-IDs of Twitch's own first-party clients: the web player's, and the TV app's that yt-dlp sends. */
export const FIRST_PARTY_CLIENT_IDS: ReadonlySet<string> = new Set(['kimne78kx3ncx6brgo4mv6wki5h1ko', 'ue6666qo983tsx6so1t0vnawi233wa']);

/** Operation name → the hashes of its query text the fake knows (more than one: clients lag behind the web app). */
const PERSISTED: Readonly<Record<string, readonly string[]>> = {
  PlaybackAccessToken: ['ed230aa1e33e07eebb8928504583da78a5173989fadfb1ac94be06a04f3cdbe9'],
  ChannelShell: ['fea4573a7bf2644f5b3f2cbbdcbee0d17312e48d2e55f080589d053aad353f11'],
  StreamMetadata: ['b57f9b910f8cd1a4659d894fe7550ccc81ec9052c01e438b290fd66a040b9b93', 'ad022ca32220d5523d03a23cbcb5beaa1e0999889c1f8f78f9f2520dafb5cae6'],
  VideoMetadata: ['45111672eea2e507f8ba44d101a61862f9c56b11dee09a15634cb75cb9b9084d'],
};

export interface SignedToken {
  readonly value: string;
  readonly signature: string;
}

/** What the GQL answers are made of: the fake's world now. */
export interface GqlWorld {
  channel(login: string): FakeChannel | undefined;
  /** The current broadcast's id and start, while the channel is on the air. */
  liveBroadcast(login: string): { readonly id: string; readonly startedAtMs: number } | undefined;
  video(id: string): FakeVideo | undefined;
  streamToken(channel: FakeChannel): SignedToken;
  videoToken(video: FakeVideo): SignedToken;
}

export type GqlReply = { readonly status: number; readonly body: unknown };

function field(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = Reflect.get(at, key);
  }
  return at;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function userOrError(world: GqlWorld, login: string): unknown {
  const channel = world.channel(login);
  if (channel === undefined) return { __typename: 'UserDoesNotExist', key: login, reason: 'UNKNOWN' };
  const live = world.liveBroadcast(login);
  return {
    __typename: 'User',
    id: channel.id,
    login: channel.login,
    displayName: channel.displayName,
    primaryColorHex: '9146FF',
    profileImageURL: `https://static-cdn.jtvnw.net/jtv_user_pictures/${channel.login}-profile_image-70x70.png`,
    stream: live === undefined ? null : { id: live.id, viewersCount: 42, __typename: 'Stream' },
  };
}

function streamMetadata(world: GqlWorld, login: string): unknown {
  const channel = world.channel(login);
  if (channel === undefined) return null;
  const live = world.liveBroadcast(login);
  return {
    id: channel.id,
    primaryColorHex: '9146FF',
    isPartner: false,
    profileImageURL: `https://static-cdn.jtvnw.net/jtv_user_pictures/${channel.login}-profile_image-70x70.png`,
    primaryTeam: null,
    squadStream: null,
    channel: { id: channel.id, chanlets: null, __typename: 'Channel' },
    lastBroadcast: { id: `${channel.id}00`, title: channel.title, __typename: 'Broadcast' },
    stream: live === undefined ? null : { id: live.id, type: 'live', createdAt: new Date(live.startedAtMs).toISOString(), game: { id: '509658', name: 'Just Chatting', __typename: 'Game' }, __typename: 'Stream' },
    __typename: 'User',
  };
}

function videoMetadata(world: GqlWorld, id: string): unknown {
  const video = world.video(id);
  if (video === undefined) return null;
  return {
    id: video.id,
    title: video.title,
    description: null,
    previewThumbnailURL: `https://static-cdn.jtvnw.net/cf_vods/d1m7jfoe9zdc1j/${video.id}/thumb/thumb0-{width}x{height}.jpg`,
    createdAt: '2026-01-02T03:04:05Z',
    publishedAt: '2026-01-02T03:04:05Z',
    lengthSeconds: Math.round(video.durationMs / 1000),
    broadcastType: 'ARCHIVE',
    owner: { id: video.owner.id, login: video.owner.login, displayName: video.owner.displayName, __typename: 'User' },
    game: { id: '509658', name: 'Just Chatting', displayName: 'Just Chatting', __typename: 'Game' },
    __typename: 'Video',
  };
}

function playbackAccessToken(world: GqlWorld, variables: unknown): unknown {
  const data: Record<string, unknown> = {};
  // The web app's query includes each half with @include(if: $isLive) and @include(if: $isVod).
  if (field(variables, 'isLive') === true) {
    const channel = world.channel(text(field(variables, 'login')).toLowerCase());
    data.streamPlaybackAccessToken = channel === undefined ? null : { ...world.streamToken(channel), authorization: { isForbidden: false, forbiddenReasonCode: 'NONE' }, __typename: 'PlaybackAccessToken' };
  }
  if (field(variables, 'isVod') === true) {
    const video = world.video(text(field(variables, 'vodID')));
    data.videoPlaybackAccessToken = video === undefined ? null : { ...world.videoToken(video), __typename: 'PlaybackAccessToken' };
  }
  return data;
}

/** One operation's answer object. */
function answerOne(world: GqlWorld, op: unknown): unknown {
  const name = text(field(op, 'operationName'));
  const hash = text(field(op, 'extensions', 'persistedQuery', 'sha256Hash'));
  if (hash === '' || !(PERSISTED[name] ?? []).includes(hash)) {
    return { errors: [{ message: 'PersistedQueryNotFound' }], extensions: { durationMilliseconds: 1, operationName: name } };
  }
  const variables = field(op, 'variables');
  const extensions = { durationMilliseconds: 3, operationName: name, requestID: '01HIQTYFAKE' };
  switch (name) {
    case 'PlaybackAccessToken':
      return { data: playbackAccessToken(world, variables), extensions };
    case 'ChannelShell':
      return { data: { userOrError: userOrError(world, text(field(variables, 'login')).toLowerCase()) }, extensions };
    case 'StreamMetadata':
      return { data: { user: streamMetadata(world, text(field(variables, 'channelLogin')).toLowerCase()) }, extensions };
    case 'VideoMetadata':
      return { data: { video: videoMetadata(world, text(field(variables, 'videoID'))) }, extensions };
    default:
      return { errors: [{ message: 'PersistedQueryNotFound' }] };
  }
}

/** The reply to one POST /gql: its Client-ID header, then its body (already parsed JSON). */
export function gqlReply(world: GqlWorld, clientId: string | undefined, body: unknown): GqlReply {
  if (clientId === undefined || clientId === '') return { status: 400, body: { error: 'Bad Request', status: 400, message: 'The "Client-ID" header is missing from the request.' } };
  if (!FIRST_PARTY_CLIENT_IDS.has(clientId)) return { status: 401, body: { error: 'Unauthorized', status: 401, message: 'The "Client-ID" header is invalid.' } };
  if (Array.isArray(body)) return { status: 200, body: body.map((op: unknown) => answerOne(world, op)) };
  if (typeof body === 'object' && body !== null) return { status: 200, body: answerOne(world, body) };
  return { status: 400, body: { error: 'Bad Request', status: 400, message: 'The request body is not a GraphQL query.' } };
}
