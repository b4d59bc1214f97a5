/**
 * The url and attachment sources behind the resolver: every link is checked before it is queued (the
 * address policy before any connection, the first bytes sniffed, the tags read), against the sandbox's
 * fixture server and real ffmpeg-made files, through the real safeFetch and a real Redis.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { startFixtureServer, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeHlsTone } from '../../src/sandbox/fixtures/hls-tones';
import { runFfmpegOk } from '../../src/sandbox/fixtures/run-ffmpeg';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { createServiceLayer, type QueryOutcome, type ServiceLayer } from '../../src/sources';
import type { SourceRequestOutcome } from '../../src/sources/source-metrics';
import { useRedis } from '../support/redis';
import { serviceConfig } from '../support/services';

type Tracks = Extract<QueryOutcome, { kind: 'tracks' }>;

function assertTracks(outcome: QueryOutcome): asserts outcome is Tracks {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
}

function assertRefused(outcome: QueryOutcome, reason: RegExp): void {
  assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
  if (outcome.kind === 'refused') assert.match(outcome.reason, reason);
}

describe('sources/url: links are checked before they are queued', function () {
  this.timeout(30_000);
  const redis = useRedis();
  let dir: string;
  let fixtures: FixtureServer;
  let layer: ServiceLayer;
  let redisClient: ReturnType<typeof redis.current.client>;
  const requests: Array<{ source: string; outcome: SourceRequestOutcome }> = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hiqty-url-source-'));
    await runFfmpegOk(['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30', '-c:a', 'libmp3lame', '-b:a', '128k', '-metadata', 'title=My Song', '-metadata', 'artist=The Band', path.join(dir, 'tagged.mp3')]);
    await makeTone({ hz: 550, durationMs: 5000, format: 'ogg-opus', dir });
    await makeHlsTone({ hz: 660, durationMs: 9000, segmentType: 'mpegts', dir });
    writeFileSync(path.join(dir, 'empty.mp3'), '');
    writeFileSync(path.join(dir, 'notes.txt'), 'These are my notes, not a song at all.\n');
    fixtures = await startFixtureServer({ dir });
    writeFileSync(path.join(dir, 'list.m3u'), `#EXTM3U\n#EXTINF:30,First\n${fixtures.url('tagged.mp3')}\n#EXTINF:5,Dead\n${fixtures.origin}/status/404\n#EXTINF:5,Later\n${fixtures.url('tone-550hz-5000ms-v1.ogg')}\n`);
    redisClient = redis.current.client();
    const host = new URL(fixtures.origin).host;
    layer = createServiceLayer(
      serviceConfig({ HIQTY_FETCH_ALLOW: host }),
      { redis: redisClient, clock: systemClock, log: silentLogger, metrics: { ...NO_SOURCE_METRICS, request: (source, outcome) => void requests.push({ source, outcome }) } },
    );
  });

  after(async () => {
    redisClient.disconnect();
    await fixtures.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads title, artist and duration from an MP3 before queueing it', async () => {
    const outcome = await layer.resolver.resolve(fixtures.url('tagged.mp3'));
    assertTracks(outcome);
    assert.equal(outcome.source, 'url');
    const [track] = outcome.tracks;
    assert.equal(track?.title, 'My Song');
    assert.equal(track?.artist, 'The Band');
    assert.ok(track?.durationMs !== undefined && Math.abs(track.durationMs - 30_000) < 500, `duration ${track?.durationMs}`);
    assert.ok(requests.some((r) => r.source === 'url' && r.outcome === 'ok'), 'the request is counted under its source');
  });

  it('names an untagged file after its path', async () => {
    const outcome = await layer.resolver.resolve(fixtures.url('tone-550hz-5000ms-v1.ogg'));
    assertTracks(outcome);
    assert.equal(outcome.tracks[0]?.title, 'tone-550hz-5000ms-v1');
  });

  it('refuses an HTTP error, an empty file, a text file and HTML posing as audio in the reply', async () => {
    assertRefused(await layer.resolver.resolve(`${fixtures.origin}/status/404`), /HTTP 404/);
    assertRefused(await layer.resolver.resolve(fixtures.url('empty.mp3')), /empty/);
    assertRefused(await layer.resolver.resolve(fixtures.url('notes.txt')), /not an audio file/);
    assertRefused(await layer.resolver.resolve(`${fixtures.origin}/html.mp3`), /not an audio file/);
  });

  it('refuses a private address without connecting to it', async () => {
    const before = fixtures.requests.length;
    assertRefused(await layer.resolver.resolve('http://127.0.0.1:6379/'), /loopback/);
    assertRefused(await layer.resolver.resolve(`${fixtures.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`), /redirect .*refused.*link-local/);
    assert.ok(requests.some((r) => r.outcome === 'refused'));
    // Only the redirect itself reached the fixture server; nothing reached the refused destinations.
    assert.equal(fixtures.requests.length - before, 1);
  });

  it('refuses links that are not http(s)', async () => {
    assertRefused(await layer.resolver.resolve('file:///etc/passwd'), /only http/);
    assertRefused(await layer.resolver.resolve('ftp://example.com/song.mp3'), /only http/);
  });

  it('takes an HLS playlist as one stream with its length', async () => {
    const outcome = await layer.resolver.resolve(fixtures.url('hls-660hz-9000ms-mpegts-4000/index.m3u8'));
    assertTracks(outcome);
    assert.equal(outcome.tracks.length, 1);
    assert.equal(outcome.tracks[0]?.live, undefined);
    assert.ok(Math.abs((outcome.tracks[0]?.durationMs ?? 0) - 9000) < 500, `duration ${outcome.tracks[0]?.durationMs}`);
  });

  it('checks the first entries of a playlist and leaves the dead ones out, saying why', async () => {
    const outcome = await layer.resolver.resolve(fixtures.url('list.m3u'));
    assertTracks(outcome);
    assert.deepEqual(outcome.tracks.map((t) => t.title), ['My Song', 'Later']);
    assert.deepEqual(outcome.skipped?.map((s) => s.title), ['Dead']);
    assert.match(outcome.skipped?.[0]?.reason ?? '', /404/);
    assert.equal(outcome.playlist?.title, 'list');
  });

  it('takes a Discord attachment through the CDN host, checked like any link', async () => {
    mkdirSync(path.join(dir, 'attachments', '11', '22'), { recursive: true });
    copyFileSync(path.join(dir, 'tagged.mp3'), path.join(dir, 'attachments', '11', '22', 'upload.mp3'));
    const cdn = createServiceLayer(
      serviceConfig({ HIQTY_FETCH_ALLOW: new URL(fixtures.origin).host, HIQTY_SERVICE_ORIGINS: `cdn.discordapp.com=${fixtures.origin}` }),
      { redis: redisClient, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS },
    );
    const outcome = await cdn.resolver.resolve('https://cdn.discordapp.com/attachments/11/22/upload.mp3?ex=1&is=2&hm=3');
    assertTracks(outcome);
    assert.equal(outcome.source, 'attachment');
    assert.equal(outcome.tracks[0]?.title, 'My Song');
    assert.ok(fixtures.requests.some((r) => r.path.startsWith('/attachments/11/22/upload.mp3?')), 'the override sent the request to the CDN stand-in');
    assertRefused(await cdn.resolver.resolve('https://cdn.discordapp.com/attachments/11/22/missing.mp3'), /HTTP 404/);
  });
});
