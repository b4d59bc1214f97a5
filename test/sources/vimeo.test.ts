/**
 * The Vimeo source against the local fake, through the real safeFetch (address policy, overrides):
 * links, metadata, both plan kinds, fresh configs at play time, and every way the player refuses.
 */
import assert from 'node:assert/strict';
import { safeFetch } from '../../src/media/safe-fetch';
import type { PlanOutcome, StreamPlan } from '../../src/media/plan';
import { DEFAULT_CDN, HLS_CDNS, PLAYER_HOST, PROGRESSIVE_HOST, VIMEO_VIDEOS, vimeoPlayerUrl, vimeoUrl, type FakeVimeoVideo, type VimeoFake } from '../../src/sandbox/services/vimeo';
import { NO_STREAM_REASON, NOT_A_VIDEO_REASON, PASSWORD_REASON, parseVimeoLink, REMOVED_REASON, UNLISTED_REASON } from '../../src/sources/vimeo';
import { readConfigAnswer } from '../../src/sources/vimeo/player-config';
import { choosePlan } from '../../src/sources/vimeo/streams';
import type { ResolveOutcome, Source, SourceTrack } from '../../src/sources/types';
import { bytesOf } from './soundcloud-support';
import { overridesOf, sourceFor, startFake } from './vimeo-support';

function tracksOf(outcome: ResolveOutcome): readonly SourceTrack[] {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  return outcome.kind === 'tracks' ? outcome.tracks : [];
}

function reasonOf(outcome: { readonly kind: string; readonly reason?: string }, kind: string): string {
  assert.equal(outcome.kind, kind, JSON.stringify(outcome));
  return outcome.reason ?? '';
}

function planOf(outcome: PlanOutcome): StreamPlan {
  assert.equal(outcome.kind, 'plan', JSON.stringify(outcome));
  if (outcome.kind !== 'plan') throw new Error('no plan');
  return outcome.plan;
}

describe('Vimeo source (player config, against the fake)', function () {
  this.timeout(60_000);
  let fake: VimeoFake;
  let source: Source;
  const signal = (): AbortSignal => new AbortController().signal;
  const resolve = (url: string): Promise<ResolveOutcome> => source.resolve(new URL(url), { signal: signal() });
  const open = (video: FakeVimeoVideo, attempt = 0): Promise<PlanOutcome> => source.open({ url: vimeoUrl(video), source: 'vimeo', sourceId: String(video.id) }, { attempt, signal: signal() });
  const configRequests = (): string[] => fake.requests.filter((r) => r.host === PLAYER_HOST).map((r) => r.path);

  before(async () => {
    fake = await startFake();
    source = sourceFor(fake);
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.setPlayerMode('ok'));

  describe('links', () => {
    it('owns vimeo.com and player.vimeo.com video links, with or without an unlisted hash, and nothing else', () => {
      const owned: Array<[string, { videoId: string; hash?: string }]> = [
        ['https://vimeo.com/76979871', { videoId: '76979871' }],
        ['https://www.vimeo.com/76979871?share=copy', { videoId: '76979871' }],
        ['http://vimeo.com/76979871/', { videoId: '76979871' }],
        ['https://vimeo.com/76979871/8272103f6e', { videoId: '76979871', hash: '8272103f6e' }],
        ['https://player.vimeo.com/video/76979871', { videoId: '76979871' }],
        ['https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0&autopause=0', { videoId: '76979871', hash: '8272103f6e' }],
        ['https://vimeo.com/channels/staffpicks/76979871', { videoId: '76979871' }],
        ['https://vimeo.com/groups/shortfilms/videos/76979871', { videoId: '76979871' }],
      ];
      for (const [url, link] of owned) {
        assert.deepEqual(parseVimeoLink(new URL(url)), link, url);
        assert.equal(source.matches(new URL(url)), true, url);
      }
      const others = [
        'https://vimeo.com/hiqtytones',
        'https://vimeo.com/showcase/10677689',
        'https://vimeo.com/76979871/comments',
        'https://player.vimeo.com/video/76979871/config',
        'https://i.vimeocdn.com/video/1-abc-d_640',
        'https://vimeo.example/76979871',
        'ftp://vimeo.com/76979871',
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      ];
      for (const url of others) assert.equal(source.matches(new URL(url)), false, url);
    });
  });

  describe('reading the player\'s answer', () => {
    it('a config of the wrong shape is a failure naming the field, not a crash', () => {
      const outcome = readConfigAnswer(200, JSON.stringify({ video: { id: 1, title: 7 }, request: { files: { hls: { cdns: { x: { url: 'not a url' } } } } } }));
      const reason = reasonOf(outcome, 'failed');
      assert.match(reason, /video\.title: got 7, expected string/);
      assert.match(reason, /request\.files\.hls\.cdns\.x\.url: got "not a url"/);
    });

    it('a config without streams (null or empty, as the player sends them) has nothing to play', () => {
      const outcome = readConfigAnswer(200, JSON.stringify({ video: { id: 1, title: 'Soon', duration: null, owner: null }, request: { files: { progressive: [], hls: null } } }));
      assert.equal(outcome.kind, 'config', JSON.stringify(outcome));
      if (outcome.kind !== 'config') return;
      assert.deepEqual(choosePlan(outcome.config, 0), { kind: 'unplayable', reason: NO_STREAM_REASON });
    });
  });

  describe('resolve', () => {
    it('a video: one track with its title, the owner as artist, its duration and the widest thumbnail', async () => {
      const video = VIMEO_VIDEOS.progressive;
      const [track] = tracksOf(await resolve(vimeoUrl(video)));
      assert.deepEqual(
        { ...track },
        {
          url: `https://vimeo.com/${video.id}`,
          title: video.title,
          source: 'vimeo',
          sourceId: String(video.id),
          artist: video.owner.name,
          durationMs: 4000,
          artworkUrl: `https://i.vimeocdn.com/video/${video.id}-7f3c9a2b1d-d_1280`,
        },
      );
      assert.equal(configRequests().at(-1), `/video/${video.id}/config`);
    });

    it('an embed link is the same video, stored under its vimeo.com page', async () => {
      const [track] = tracksOf(await resolve(vimeoPlayerUrl(VIMEO_VIDEOS.hls)));
      assert.equal(track?.url, `https://vimeo.com/${VIMEO_VIDEOS.hls.id}`);
      assert.equal(track?.title, VIMEO_VIDEOS.hls.title);
    });

    it('an unlisted video resolves from its private link or embed (the hash sent as ?h=), and is refused without it', async () => {
      const video = VIMEO_VIDEOS.unlisted;
      for (const url of [vimeoUrl(video), vimeoPlayerUrl(video)]) {
        const [track] = tracksOf(await resolve(url));
        assert.equal(track?.url, `https://vimeo.com/${video.id}/${video.hash}`, 'the stored link keeps the hash, for play time');
        assert.equal(configRequests().at(-1), `/video/${video.id}/config?h=${video.hash}`);
      }
      const reason = reasonOf(await resolve(`https://vimeo.com/${video.id}`), 'unavailable');
      assert.ok(reason.startsWith(UNLISTED_REASON), reason);
    });

    it('refuses, with a clear reason, a private, a password-protected and a removed video', async () => {
      const privateReason = reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.private)), 'unavailable');
      assert.match(privateReason, /^this video is private .*\(Vimeo says: "Because of its privacy settings, this video cannot be played here\."\)$/);
      assert.equal(reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.password)), 'unavailable'), PASSWORD_REASON);
      const removed = reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.removed)), 'unavailable');
      assert.ok(removed.startsWith(REMOVED_REASON), removed);
      assert.match(removed, /This video does not exist/);
      assert.ok(reasonOf(await resolve('https://vimeo.com/123'), 'unavailable').startsWith(REMOVED_REASON), 'an id Vimeo does not know');
    });

    it('a malformed config, a failing player and a bare 403 are failures of Vimeo, not of the video', async () => {
      assert.match(reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.malformed)), 'failed'), /player config hiqty does not understand \(not JSON/);
      fake.setPlayerMode('failing');
      assert.equal(reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.hls)), 'failed'), 'Vimeo answered HTTP 503');
      fake.setPlayerMode('blocked');
      assert.match(reasonOf(await resolve(vimeoUrl(VIMEO_VIDEOS.hls)), 'failed'), /HTTP 403\) without saying why/);
    });

    it('a link that names no video is refused without a request', async () => {
      const before = fake.requests.length;
      assert.equal(reasonOf(await resolve('https://vimeo.com/hiqtytones'), 'unavailable'), NOT_A_VIDEO_REASON);
      assert.equal(fake.requests.length, before);
    });
  });

  describe('open', () => {
    it('a video with progressive files: a file plan on the smallest MP4, whose bytes the CDN serves', async () => {
      const video = VIMEO_VIDEOS.progressive;
      const plan = planOf(await open(video));
      assert.equal(plan.kind, 'file');
      const url = new URL(plan.url);
      assert.equal(url.hostname, PROGRESSIVE_HOST);
      assert.match(url.pathname, /\/240p\.mp4$/, 'the 240p file, though 360p is listed first');
      assert.equal(plan.kind === 'file' ? plan.durationMs : undefined, 4000);
      const body = await bytesOf(await safeFetch(plan.url, { allow: fake.allow, overrides: overridesOf(fake), headers: plan.headers }));
      assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4');
    });

    it('a video with HLS only: an hls plan on the default CDN\'s master; a re-ask moves to the next CDN', async () => {
      const video = VIMEO_VIDEOS.hls;
      const first = planOf(await open(video));
      assert.equal(first.kind, 'hls');
      assert.equal(new URL(first.url).hostname, HLS_CDNS[DEFAULT_CDN]);
      assert.match(new URL(first.url).pathname, /\/sep\/playlist\.m3u8$/);
      const second = planOf(await open(video, 1));
      assert.equal(new URL(second.url).hostname, HLS_CDNS.fastly_skyfire);
      const third = planOf(await open(video, 2));
      assert.equal(new URL(third.url).hostname, HLS_CDNS[DEFAULT_CDN], 'round again');
    });

    it('asks the player for a fresh config at every open (media URLs are signed and expire)', async () => {
      const video = VIMEO_VIDEOS.hls;
      const before = configRequests().length;
      planOf(await open(video));
      planOf(await open(video));
      assert.equal(configRequests().length, before + 2);
    });

    it('the CDN refuses a media URL whose token was tampered with: only a config\'s own URLs play', async () => {
      const plan = planOf(await open(VIMEO_VIDEOS.hls));
      const forged = plan.url.replace(/hmac=([0-9a-f])/, (_m, c: string) => `hmac=${c === '0' ? '1' : '0'}`);
      const fetched = await safeFetch(forged, { allow: fake.allow, overrides: overridesOf(fake) });
      assert.deepEqual(fetched.kind === 'http-error' ? fetched.status : fetched.kind, 403);
    });

    it('plays a track stored with its id only (the link lost), and an unlisted one from its stored link', async () => {
      const byId = await source.open({ url: 'https://example.com/not-vimeo', sourceId: String(VIMEO_VIDEOS.hls.id) }, { attempt: 0, signal: signal() });
      assert.equal(planOf(byId).kind, 'hls');
      assert.equal(planOf(await open(VIMEO_VIDEOS.unlisted)).kind, 'hls');
      assert.equal(configRequests().at(-1), `/video/${VIMEO_VIDEOS.unlisted.id}/config?h=${VIMEO_VIDEOS.unlisted.hash}`);
    });

    it('what the player refuses is unplayable with its reason; what Vimeo fails at is a failure', async () => {
      assert.match(reasonOf(await open(VIMEO_VIDEOS.private), 'unplayable'), /^this video is private/);
      assert.equal(reasonOf(await open(VIMEO_VIDEOS.password), 'unplayable'), PASSWORD_REASON);
      assert.ok(reasonOf(await open(VIMEO_VIDEOS.removed), 'unplayable').startsWith(REMOVED_REASON));
      assert.match(reasonOf(await open(VIMEO_VIDEOS.malformed), 'failed'), /does not understand/);
      fake.setPlayerMode('failing');
      assert.equal(reasonOf(await open(VIMEO_VIDEOS.hls), 'failed'), 'Vimeo answered HTTP 503');
    });

    it('a cancelled open answers cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const outcome = await source.open({ url: vimeoUrl(VIMEO_VIDEOS.hls) }, { attempt: 0, signal: controller.signal });
      assert.equal(outcome.kind, 'cancelled');
    });
  });
});
