/**
 * The Twitch source (DESIGN.md §6 "Services"): live channels and past broadcasts (videos), written
 * directly against what twitch.tv's web player calls, as maintained clients observe it (streamlink's
 * twitch plugin, yt-dlp's extractor): GQL persisted queries for metadata and for a playback access
 * token, then usher's HLS master playlist, played from its `audio_only` rendition (AAC in MPEG-TS).
 *
 * A token expires (its JSON value says when): each plan carries the expiry, and the HLS reader asks
 * again for a fresh plan before then, so a stream of hours plays on. Tokens are not shared through Redis:
 * each is made for the viewer that asked (its address is in it) and lives minutes.
 *
 * Known limits: no search (links only); clips are refused; Twitch's ads play as audio, as they do for any
 * logged-out viewer; a video still being recorded plays from its live edge.
 */
import type { Logger } from '../../log';
import type { PlanOutcome } from '../../media/plan';
import type { Fetcher, PlayableTrack, ResolveOutcome, Source, SourceTrack } from '../types';
import { ChannelShell, StreamMetadata, StreamTokenAnswer, TokenValue, VideoMetadata, VideoTokenAnswer } from './codecs';
import { gql, type GqlDeps } from './gql';
import { decodeText, decodeValue } from '../service-api/decode';
import { BROWSER_USER_AGENT } from '../service-api/http';
import { canonicalUrl, classifyLink, isTwitchUrl, linkOfTrack, sourceIdOf, type TwitchLink } from './links';
import { AUDIO_ONLY_RENDITION, channelMasterUrl, checkMaster, videoMasterUrl, type SignedToken } from './usher';
import { malformedAnswer, type FailedAnswer } from '../service-api/answers';

export interface TwitchSourceDeps {
  readonly fetch: Fetcher;
  readonly log: Logger;
  /** Headers and idle timeout of every Twitch request; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
  /** The Client-ID sent to GQL; default WEB_CLIENT_ID (twitch.tv's web player). */
  readonly clientId?: string;
}

type Channel = Extract<TwitchLink, { kind: 'channel' }>;
type Video = Extract<TwitchLink, { kind: 'video' }>;

const NO_VIDEO_REASON = 'This Twitch video does not exist, or is private or for subscribers only';

export const notLiveReason = (login: string): string => `${login} is not live right now`;
const noChannelReason = (login: string): string => `There is no Twitch channel named ${login}`;

const malformed = (error: string): FailedAnswer => malformedAnswer('Twitch', error);

export function twitchSource(deps: TwitchSourceDeps): Source {
  const api: GqlDeps = { fetch: deps.fetch, ...(deps.clientId === undefined ? {} : { clientId: deps.clientId }), ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }) };

  async function resolveChannel(link: Channel, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const answer = await gql(
      api,
      [
        { operationName: 'ChannelShell', variables: { login: link.login } },
        { operationName: 'StreamMetadata', variables: { channelLogin: link.login, includeIsDJ: true } },
      ],
      signal,
    );
    if (answer.kind !== 'ok') return answer;
    const [shellAnswer, metadataAnswer] = answer.answers;
    const shell = decodeValue(ChannelShell, shellAnswer);
    if ('error' in shell) return malformed(shell.error);
    const metadata = decodeValue(StreamMetadata, metadataAnswer);
    if ('error' in metadata) return malformed(metadata.error);
    const displayName = shell.ok.data.userOrError?.displayName;
    const user = metadata.ok.data.user;
    if (displayName === undefined || user === null) return { kind: 'unavailable', reason: noChannelReason(link.login) };
    if (user.stream === null) return { kind: 'unavailable', reason: notLiveReason(link.login) };
    const title = user.lastBroadcast?.title?.trim();
    const track: SourceTrack = {
      url: canonicalUrl(link),
      title: title === undefined || title === '' ? `${displayName} live on Twitch` : title,
      source: 'twitch',
      sourceId: sourceIdOf(link),
      artist: displayName,
      live: true,
    };
    return { kind: 'tracks', tracks: [track] };
  }

  async function resolveVideo(link: Video, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const answer = await gql(api, [{ operationName: 'VideoMetadata', variables: { channelLogin: '', videoID: link.id } }], signal);
    if (answer.kind !== 'ok') return answer;
    const metadata = decodeValue(VideoMetadata, answer.answers[0]);
    if ('error' in metadata) return malformed(metadata.error);
    const video = metadata.ok.data.video;
    if (video === null) return { kind: 'unavailable', reason: NO_VIDEO_REASON };
    const title = video.title?.trim();
    const artist = video.owner?.displayName;
    const track: SourceTrack = {
      url: canonicalUrl(link),
      title: title === undefined || title === '' ? 'Untitled broadcast' : title,
      source: 'twitch',
      sourceId: sourceIdOf(link),
      ...(artist === undefined ? {} : { artist }),
      ...(video.lengthSeconds > 0 ? { durationMs: video.lengthSeconds * 1000 } : {}),
    };
    return { kind: 'tracks', tracks: [track] };
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const link = classifyLink(url);
    switch (link.kind) {
      case 'other':
        return { kind: 'unavailable', reason: `hiqty plays Twitch live channels and videos, and this is ${link.what}` };
      case 'channel':
        return resolveChannel(link, signal);
      case 'video':
        return resolveVideo(link, signal);
    }
  }

  type Token = { readonly kind: 'token'; readonly token: SignedToken; readonly value: TokenValue };

  /** A fresh playback access token for a channel or a video; null from Twitch is `unplayable`. */
  async function accessToken(link: Channel | Video, signal: AbortSignal): Promise<Token | PlanOutcome> {
    const live = link.kind === 'channel';
    const answer = await gql(
      api,
      [
        {
          operationName: 'PlaybackAccessToken',
          variables: { isLive: live, login: live ? link.login : '', isVod: !live, vodID: live ? '' : link.id, playerType: 'embed', platform: 'site' },
        },
      ],
      signal,
    );
    if (answer.kind !== 'ok') return answer;
    const decoded = live ? decodeValue(StreamTokenAnswer, answer.answers[0]) : decodeValue(VideoTokenAnswer, answer.answers[0]);
    if ('error' in decoded) return malformed(decoded.error);
    const data = decoded.ok.data;
    const token = 'streamPlaybackAccessToken' in data ? data.streamPlaybackAccessToken : data.videoPlaybackAccessToken;
    if (token === null) return { kind: 'unplayable', reason: link.kind === 'channel' ? noChannelReason(link.login) : NO_VIDEO_REASON };
    const value = decodeText(TokenValue, token.value);
    if ('error' in value) return malformed(`the access token: ${value.error}`);
    return { kind: 'token', token, value: value.ok };
  }

  async function open(track: PlayableTrack, signal: AbortSignal): Promise<PlanOutcome> {
    const link = linkOfTrack(track.sourceId, track.url);
    if (link.kind === 'other') return { kind: 'unplayable', reason: `this is not a Twitch channel or video (${link.what})` };
    // Fresh every time: tokens expire, and a track may be played on another instance much later.
    const got = await accessToken(link, signal);
    if (got.kind !== 'token') return got;
    const authorization = got.value.authorization;
    if (authorization?.forbidden === true) return { kind: 'unplayable', reason: `Twitch does not let hiqty play this (${authorization.reason || 'forbidden'})` };
    const url = link.kind === 'channel' ? channelMasterUrl(link.login, got.token) : videoMasterUrl(link.id, got.token);
    // Asked here so an offline channel is refused with its name, not with an HTTP status from the reader.
    // Known limit: the reader then fetches the same master again (a few hundred bytes, once per token).
    const check = await checkMaster(deps.fetch, url, signal, deps.timeoutMs);
    switch (check.kind) {
      case 'ok':
        break;
      case 'absent':
        return { kind: 'unplayable', reason: link.kind === 'channel' ? notLiveReason(link.login) : NO_VIDEO_REASON };
      case 'refused':
        return { kind: 'unplayable', reason: check.reason };
      case 'failed':
      case 'cancelled':
        return check;
    }
    return {
      kind: 'plan',
      plan: {
        kind: 'hls',
        url,
        headers: { 'user-agent': BROWSER_USER_AGENT },
        rendition: AUDIO_ONLY_RENDITION,
        expiresAt: got.value.expires * 1000,
        ...(link.kind === 'channel' ? { live: true } : {}),
      },
    };
  }

  /** Belt and braces: a bug below is a failure with a reason, not a crash of the caller. */
  async function guarded<T>(what: string, body: () => Promise<T>, failed: (reason: string) => T): Promise<T> {
    try {
      return await body();
    } catch (err) {
      deps.log.error({ err }, `twitch: ${what} threw`);
      return failed(`Twitch ${what} failed unexpectedly (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  return {
    name: 'twitch',
    label: 'Twitch',
    matches: isTwitchUrl,
    resolve: (url, { signal }) => guarded('resolve', () => resolve(url, signal), (reason) => ({ kind: 'failed', reason })),
    open: (track, { signal }) => guarded('open', () => open(track, signal), (reason) => ({ kind: 'failed', reason })),
  };
}
