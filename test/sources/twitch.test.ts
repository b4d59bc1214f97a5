/**
 * The Twitch source against the local fake, through the real safeFetch (address policy, overrides):
 * links, GQL metadata for resolve, and at open a fresh playback access token and usher's master playlist.
 * Also the fake's own checks, as Twitch makes them (Client-ID, token signature and expiry).
 */
import assert from 'node:assert/strict';
import { safeFetch, type FetchOutcome } from '../../src/media/safe-fetch';
import { CHANNEL_ASLEEP, CHANNEL_TONES, VIDEO_TONES, channelUrl, videoUrl, type TwitchFake } from '../../src/sandbox/services/twitch';
import { PERSISTED_QUERIES, WEB_CLIENT_ID } from '../../src/sources/twitch/gql';
import { classifyLink, isTwitchUrl } from '../../src/sources/twitch/links';
import type { PlanOutcome, StreamPlan } from '../../src/media/plan';
import type { ResolveOutcome, Source, SourceTrack } from '../../src/sources/types';
import { fetcherFor, overridesOf, sourceFor, startFake } from './twitch-support';

function tracksOf(outcome: ResolveOutcome): readonly SourceTrack[] {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  return outcome.kind === 'tracks' ? outcome.tracks : [];
}

function planOf(outcome: PlanOutcome): Extract<StreamPlan, { kind: 'hls' }> {
  assert.equal(outcome.kind, 'plan', JSON.stringify(outcome));
  assert.ok(outcome.kind === 'plan' && outcome.plan.kind === 'hls', JSON.stringify(outcome));
  return outcome.plan;
}

async function textOf(outcome: FetchOutcome): Promise<{ status: number; text: string }> {
  assert.equal(outcome.kind, 'ok', JSON.stringify(outcome));
  if (outcome.kind !== 'ok') return { status: 0, text: '' };
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body) chunks.push(Buffer.from(chunk));
  return { status: outcome.status, text: Buffer.concat(chunks).toString('utf8') };
}

describe('Twitch source (GQL and usher, against the fake)', function () {
  this.timeout(60_000);
  let fake: TwitchFake;
  let source: Source;
  const signal = (): AbortSignal => new AbortController().signal;
  const open = (url: string, sourceId?: string): Promise<PlanOutcome> => source.open({ url, ...(sourceId === undefined ? {} : { sourceId }) }, { attempt: 0, signal: signal() });

  before(async () => {
    fake = await startFake();
    source = sourceFor(fake);
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.setTokenLifetime(20 * 60_000);
    fake.goLive(CHANNEL_TONES.login);
  });

  describe('links', () => {
    it('takes twitch.tv, www, m, go, player and clips links, and nothing else', () => {
      for (const link of ['https://twitch.tv/a', 'https://www.twitch.tv/a', 'https://m.twitch.tv/a', 'http://go.twitch.tv/a', 'https://player.twitch.tv/?channel=a', 'https://clips.twitch.tv/Slug']) {
        assert.ok(isTwitchUrl(new URL(link)), link);
      }
      for (const link of ['https://twitch.tv.example.com/a', 'https://www.youtube.com/watch?v=x', 'ftp://twitch.tv/a', 'https://static-cdn.jtvnw.net/x']) {
        assert.ok(!isTwitchUrl(new URL(link)), link);
      }
    });

    it('tells channels, videos and everything else apart', () => {
      const cases: Array<[string, ReturnType<typeof classifyLink>]> = [
        ['https://www.twitch.tv/HiqtyTones', { kind: 'channel', login: 'hiqtytones' }],
        ['https://m.twitch.tv/hiqtytones/', { kind: 'channel', login: 'hiqtytones' }],
        ['https://www.twitch.tv/hiqtytones?sr=a', { kind: 'channel', login: 'hiqtytones' }],
        ['https://www.twitch.tv/videos/2013370001', { kind: 'video', id: '2013370001' }],
        ['https://m.twitch.tv/videos/2013370001?t=1h2m', { kind: 'video', id: '2013370001' }],
        ['https://www.twitch.tv/hiqtytones/v/2013370001', { kind: 'video', id: '2013370001' }],
        ['https://player.twitch.tv/?video=v2013370001&parent=x', { kind: 'video', id: '2013370001' }],
        ['https://player.twitch.tv/?channel=HiqtyTones', { kind: 'channel', login: 'hiqtytones' }],
      ];
      for (const [link, expected] of cases) assert.deepEqual(classifyLink(new URL(link)), expected, link);
      for (const link of ['https://www.twitch.tv/', 'https://www.twitch.tv/directory/game/Music', 'https://www.twitch.tv/hiqtytones/clip/FunnySlug', 'https://clips.twitch.tv/FunnySlug', 'https://www.twitch.tv/hiqtytones/videos', 'https://www.twitch.tv/videos/abc', 'https://www.twitch.tv/not-a-name']) {
        assert.equal(classifyLink(new URL(link)).kind, 'other', link);
      }
    });
  });

  describe('resolve', () => {
    it('a live channel is one live track: the broadcast title by the channel display name', async () => {
      for (const link of [channelUrl(CHANNEL_TONES), 'https://m.twitch.tv/HiqtyTones']) {
        const [track, ...rest] = tracksOf(await source.resolve(new URL(link), { signal: signal() }));
        assert.deepEqual(rest, []);
        assert.deepEqual(track, { url: 'https://www.twitch.tv/hiqtytones', title: CHANNEL_TONES.title, source: 'twitch', sourceId: 'hiqtytones', artist: 'HiqtyTones', live: true });
      }
    });

    it('a channel that is not broadcasting is refused, naming the channel', async () => {
      assert.deepEqual(await source.resolve(new URL(channelUrl(CHANNEL_ASLEEP)), { signal: signal() }), { kind: 'unavailable', reason: 'sleepysines is not live right now' });
      fake.goOffline(CHANNEL_TONES.login);
      assert.deepEqual(await source.resolve(new URL(channelUrl(CHANNEL_TONES)), { signal: signal() }), { kind: 'unavailable', reason: 'hiqtytones is not live right now' });
    });

    it('a channel that does not exist, a clip and a directory page are refused with what they are', async () => {
      assert.deepEqual(await source.resolve(new URL('https://www.twitch.tv/nobodyhere'), { signal: signal() }), { kind: 'unavailable', reason: 'There is no Twitch channel named nobodyhere' });
      const clip = await source.resolve(new URL('https://clips.twitch.tv/FunnySlug'), { signal: signal() });
      assert.deepEqual(clip, { kind: 'unavailable', reason: 'hiqty plays Twitch live channels and videos, and this is a Twitch clip' });
      assert.equal((await source.resolve(new URL('https://www.twitch.tv/directory'), { signal: signal() })).kind, 'unavailable');
    });

    it('a video is a track with its length, by its channel', async () => {
      const [track] = tracksOf(await source.resolve(new URL(videoUrl(VIDEO_TONES)), { signal: signal() }));
      assert.deepEqual(track, { url: videoUrl(VIDEO_TONES), title: VIDEO_TONES.title, source: 'twitch', sourceId: `v${VIDEO_TONES.id}`, artist: 'HiqtyTones', durationMs: 12_000 });
      assert.deepEqual(await source.resolve(new URL('https://www.twitch.tv/videos/999'), { signal: signal() }), {
        kind: 'unavailable',
        reason: 'This Twitch video does not exist, or is private or for subscribers only',
      });
    });

    it('a Client-ID Twitch does not know fails with what Twitch said', async () => {
      const stranger = sourceFor(fake, { clientId: 'abcdefghijklmnopqrstuvwxyz0123' });
      assert.deepEqual(await stranger.resolve(new URL(channelUrl(CHANNEL_TONES)), { signal: signal() }), {
        kind: 'failed',
        reason: 'gql.twitch.tv answered HTTP 401: The "Client-ID" header is invalid.',
      });
    });
  });

  describe('open', () => {
    it('a live channel: a fresh token, then an HLS plan on usher with the audio-only rendition and the token expiry', async () => {
      fake.setTokenLifetime(90_000);
      const before = fake.tokensIssued(CHANNEL_TONES.login);
      const plan = planOf(await open(channelUrl(CHANNEL_TONES), CHANNEL_TONES.login));
      assert.equal(fake.tokensIssued(CHANNEL_TONES.login), before + 1);
      const url = new URL(plan.url);
      assert.equal(url.host, 'usher.ttvnw.net');
      assert.equal(url.pathname, '/api/channel/hls/hiqtytones.m3u8');
      assert.equal(url.searchParams.get('allow_audio_only'), 'true');
      assert.match(url.searchParams.get('sig') ?? '', /^[0-9a-f]{40}$/);
      const token: unknown = JSON.parse(url.searchParams.get('token') ?? '');
      assert.ok(typeof token === 'object' && token !== null && 'channel' in token && token.channel === 'hiqtytones');
      assert.equal(plan.live, true);
      assert.equal(plan.rendition, 'audio_only');
      const expected = Date.now() + 90_000;
      assert.ok(plan.expiresAt !== undefined && Math.abs(plan.expiresAt - expected) <= 2000, `expiresAt ${plan.expiresAt} is the token's expiry, about ${expected}`);
      // The link alone is enough (an entry written straight into Redis has no sourceId).
      assert.equal(planOf(await open('https://m.twitch.tv/hiqtytones')).rendition, 'audio_only');
    });

    it('a channel off the air, or one that does not exist, is unplayable with its reason', async () => {
      assert.deepEqual(await open(channelUrl(CHANNEL_ASLEEP), CHANNEL_ASLEEP.login), { kind: 'unplayable', reason: 'sleepysines is not live right now' });
      assert.deepEqual(await open('https://www.twitch.tv/nobodyhere'), { kind: 'unplayable', reason: 'There is no Twitch channel named nobodyhere' });
    });

    it('a video: a video token and usher /vod/ID.m3u8, not live', async () => {
      const plan = planOf(await open(videoUrl(VIDEO_TONES), `v${VIDEO_TONES.id}`));
      const url = new URL(plan.url);
      assert.equal(url.pathname, `/vod/${VIDEO_TONES.id}.m3u8`);
      assert.equal(plan.live, undefined);
      assert.equal(plan.rendition, 'audio_only');
      assert.equal(fake.tokensIssued(VIDEO_TONES.id) > 0, true);
    });
  });

  describe('the fake checks what Twitch checks', () => {
    const post = (body: unknown, headers: Record<string, string>): Promise<FetchOutcome> =>
      safeFetch('https://gql.twitch.tv/gql', { method: 'POST', body: JSON.stringify(body), headers, anyStatus: true, allow: fake.allow, overrides: overridesOf(fake) });
    const tokenQuery = {
      operationName: 'PlaybackAccessToken',
      extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_QUERIES.PlaybackAccessToken } },
      variables: { isLive: true, login: CHANNEL_TONES.login, isVod: false, vodID: '', playerType: 'embed', platform: 'site' },
    };

    it('GQL: no Client-ID is a 400, an unknown one a 401, an unknown hash PersistedQueryNotFound; a single object is answered by an object', async () => {
      assert.equal((await textOf(await post(tokenQuery, {}))).status, 400);
      assert.equal((await textOf(await post(tokenQuery, { 'client-id': 'nope' }))).status, 401);
      const unknown = await textOf(await post([{ ...tokenQuery, extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }], { 'client-id': WEB_CLIENT_ID }));
      assert.match(unknown.text, /^\[\{"errors":\[\{"message":"PersistedQueryNotFound"\}\]/);
      const single = await textOf(await post(tokenQuery, { 'client-id': WEB_CLIENT_ID }));
      assert.match(single.text, /^\{"data":\{"streamPlaybackAccessToken":\{"value":/);
    });

    it('usher: a token with a wrong signature, or an expired one, is a 403; a live channel is a master with audio_only', async () => {
      const plan = planOf(await open(channelUrl(CHANNEL_TONES), CHANNEL_TONES.login));
      const fetch = fetcherFor(fake);
      const master = await textOf(await fetch(plan.url));
      assert.match(master.text, /#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="audio_only",NAME="audio_only"/);
      assert.match(master.text, /#EXT-X-STREAM-INF:BANDWIDTH=160000,CODECS="mp4a.40.2",VIDEO="audio_only"\nhttps:\/\/video-weaver\.fra05\.hls\.ttvnw\.net\/v1\/playlist\//);
      const forged = new URL(plan.url);
      forged.searchParams.set('sig', 'f'.repeat(40));
      assert.deepEqual(await fetch(forged.href), { kind: 'http-error', status: 403 });
      fake.setTokenLifetime(-1000);
      assert.deepEqual(await open(channelUrl(CHANNEL_TONES), CHANNEL_TONES.login), { kind: 'unplayable', reason: 'Twitch refused the stream: Token expired' });
    });
  });
});
