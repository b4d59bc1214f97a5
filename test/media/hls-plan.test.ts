import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManualClock } from '../../src/clock';
import { makeHlsTone, type HlsTone } from '../../src/sandbox/fixtures/hls-tones';
import { waitFor } from '../support/wait';
import { collect } from './support';
import { assertAbout, assertPlaying, providerOf, toneOf, totalMs, usePlanStage } from './plan-support';

describe('media/openTrack with HLS plans', function () {
  this.timeout(60_000);
  let fmp4: HlsTone;
  let mpegts: HlsTone;
  let short: HlsTone;
  const stage = usePlanStage('hls', {
    noConnectionsLeft: true,
    fixtures: async (dir) => {
      fmp4 = await makeHlsTone({ hz: 660, durationMs: 20_000, segmentType: 'fmp4', dir });
      mpegts = await makeHlsTone({ hz: 880, durationMs: 20_000, segmentType: 'mpegts', dir });
      short = await makeHlsTone({ hz: 550, durationMs: 12_000, segmentType: 'fmp4', segmentMs: 1000, dir });
      const index = readFileSync(fmp4.playlist, 'utf8');
      // An encrypted copy and a master playlist beside the fMP4 rendition.
      writeFileSync(path.join(fmp4.dir, 'keyed.m3u8'), index.replace('#EXT-X-MAP', '#EXT-X-KEY:METHOD=AES-128,URI="key.bin"\n#EXT-X-MAP'));
      writeFileSync(
        path.join(fmp4.dir, 'master.m3u8'),
        [
          '#EXTM3U',
          '#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720',
          'video-missing.m3u8',
          '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.5"',
          'low-missing.m3u8',
          '#EXT-X-STREAM-INF:BANDWIDTH=140000,CODECS="mp4a.40.2"',
          'index.m3u8',
          '',
        ].join('\n'),
      );
      // One file with byte ranges, as `-hls_flags single_file` writes: the TS segments end to end.
      const pieces = readdirSync(mpegts.dir).filter((f) => f.endsWith('.ts')).sort().map((f) => readFileSync(path.join(mpegts.dir, f)));
      writeFileSync(path.join(mpegts.dir, 'all.ts'), Buffer.concat(pieces));
      const durations = [...readFileSync(mpegts.playlist, 'utf8').matchAll(/#EXTINF:([\d.]+)/g)].map((m) => m[1] ?? '4');
      let offset = 0;
      const ranged = ['#EXTM3U', '#EXT-X-VERSION:4', '#EXT-X-TARGETDURATION:4', '#EXT-X-PLAYLIST-TYPE:VOD'];
      pieces.forEach((piece, i) => {
        ranged.push(`#EXTINF:${durations[i] ?? '4'},`, `#EXT-X-BYTERANGE:${piece.length}@${offset}`, 'all.ts');
        offset += piece.length;
      });
      writeFileSync(path.join(mpegts.dir, 'ranged.m3u8'), `${[...ranged, '#EXT-X-ENDLIST'].join('\n')}\n`);
    },
  });
  const { open, recent } = stage;

  const hlsPlan = (url: string) => providerOf({ kind: 'hls', url }).provide;
  const segmentsAsked = (name: string): string[] =>
    recent().filter((r) => r.path.includes(`${name}/seg`)).map((r) => path.basename(r.path));

  for (const [kind, tone, hz] of [['fMP4 with EXT-X-MAP', () => fmp4, 660], ['MPEG-TS', () => mpegts, 880]] as const) {
    it(`VOD ${kind} plays through one ffmpeg fed by hiqty's own fetches`, async () => {
      const outcome = await open({ url: 'https://soundcloud.com/a/b', plan: hlsPlan(stage.server.url(`${tone().name}/index.m3u8`)) });
      assertPlaying(outcome);
      assert.equal(outcome.path, 'transcoded');
      const packets = await collect(outcome.stream);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
      assertAbout(totalMs(packets), 20_000, 'audio');
      assert.equal(Math.round(toneOf(packets) ?? 0), hz);
      assert.equal(stage.ffmpeg.started, 1);
      assert.deepEqual(segmentsAsked(tone().name), ['seg000', 'seg001', 'seg002', 'seg003', 'seg004', 'seg005'].map((s) => `${s}.${kind === 'MPEG-TS' ? 'ts' : 'm4s'}`));
    });
  }

  it('a seek sums segment durations: the segments before the position are never fetched', async () => {
    const outcome = await open({ url: 'u', plan: hlsPlan(stage.server.url(`${fmp4.name}/index.m3u8`)), startMs: 13_000 });
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assertAbout(totalMs(packets), 7000, 'audio from 13 s');
    assert.equal(Math.round(toneOf(packets) ?? 0), 660);
    assert.deepEqual(segmentsAsked(fmp4.name), ['seg003.m4s', 'seg004.m4s', 'seg005.m4s']);
    assert.ok(recent().some((r) => r.path.endsWith('/init.mp4')), 'the init segment is fetched');
  });

  it('segments as byte ranges of one file are read with Range requests', async () => {
    const outcome = await open({ url: 'u', plan: hlsPlan(stage.server.url(`${mpegts.name}/ranged.m3u8`)), startMs: 9000 });
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assertAbout(totalMs(packets), 11_000, 'audio from 9 s');
    assert.equal(Math.round(toneOf(packets) ?? 0), 880);
    const asked = recent().filter((r) => r.path.endsWith('/all.ts'));
    assert.equal(asked.length, 4, 'segments 2 to 5');
    assert.ok(asked.every((r) => /^bytes=\d+-\d+$/.test(r.range ?? '')));
  });

  it('a master playlist plays its best audio-only variant', async () => {
    const outcome = await open({ url: 'u', plan: hlsPlan(stage.server.url(`${fmp4.name}/master.m3u8`)) });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 20_000, 'audio');
    assert.ok(!recent().some((r) => r.path.includes('missing')));
  });

  it('a plain .m3u8 link (no plan) plays as HLS', async () => {
    const outcome = await open({ url: stage.server.url(`${mpegts.name}/index.m3u8`) });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 20_000, 'audio');
  });

  it('EXT-X-KEY is refused with a clear reason, before any segment or ffmpeg', async () => {
    const outcome = await open({ url: 'u', plan: hlsPlan(stage.server.url(`${fmp4.name}/keyed.m3u8`)) });
    assert.deepEqual(outcome, { kind: 'unplayable', reason: 'encrypted HLS (EXT-X-KEY METHOD=AES-128) cannot be played' });
    assert.deepEqual(segmentsAsked(fmp4.name), []);
    assert.ok(!recent().some((r) => r.path.endsWith('key.bin')));
    assert.equal(stage.ffmpeg.started, 0);
  });

  it('a missing playlist and a page that is not HLS are unplayable', async () => {
    assert.deepEqual(await open({ url: 'u', plan: hlsPlan(stage.server.url('nothing/index.m3u8')) }), {
      kind: 'unplayable',
      reason: 'the HLS playlist could not be fetched: the server answered 404',
    });
    assert.deepEqual(await open({ url: 'u', plan: hlsPlan(stage.server.url(`${fmp4.name}/init.mp4`)) }), { kind: 'unplayable', reason: 'not an HLS playlist (no #EXTM3U)' });
  });

  it('live: the window is reloaded at the target duration and its new segments play', async () => {
    const url = stage.server.url(`live-hls/${short.name}/index.m3u8?window=3`);
    const outcome = await open({ url: 'u', plan: providerOf({ kind: 'hls', url, live: true }).provide });
    assertPlaying(outcome);
    const packets: Buffer[] = [];
    outcome.stream.on('data', (p: Buffer) => packets.push(p));
    const reloads = (): number => recent().filter((r) => r.path.startsWith(`/live-hls/${short.name}/index.m3u8`)).length;
    // The "encoder" publishes one segment per reload, four times.
    for (let published = 1; published <= 4; published++) {
      await waitFor(`reload ${published}`, () => reloads() >= published, { timeoutMs: 10_000 });
      stage.server.advanceLiveHls(short.name);
    }
    await waitFor('the newest segment to be fetched', () => segmentsAsked(`live-hls/${short.name}`).includes('seg006.m4s'), { timeoutMs: 10_000 });
    await waitFor('its audio to play', () => totalMs(packets) >= 6000, { timeoutMs: 10_000 });
    assert.deepEqual(segmentsAsked(`live-hls/${short.name}`).slice(0, 7), ['seg000', 'seg001', 'seg002', 'seg003', 'seg004', 'seg005', 'seg006'].map((s) => `${s}.m4s`));
    assert.equal(Math.round(toneOf(packets) ?? 0), 550);
    outcome.close();
    assert.deepEqual(await outcome.done, { kind: 'closed' });
  });

  it('live: a window that stops updating fails the track cleanly', async () => {
    // The reloads run on the injected clock: this test moves it instead of waiting 4 + 2 + 2 s.
    const clock = new ManualClock();
    const url = stage.server.url(`live-hls/${mpegts.name}/index.m3u8?window=5`);
    const outcome = await open({ url: 'u', plan: hlsPlan(url) }, { clock });
    assertPlaying(outcome);
    const packets = collect(outcome.stream);
    let ended = false;
    void outcome.done.then(() => void (ended = true));
    await waitFor('the track to end', async () => {
      await clock.advance(2000);
      return ended;
    });
    // Joined three segments from the live edge: segments 2 to 4 of the window.
    assertAbout(totalMs(await packets), 12_000, 'the window that was there');
    assert.equal(recent().filter((r) => r.path.includes('/live-hls/') && r.path.includes('index.m3u8')).length, 4, 'the first load and 3 reloads');
    assert.deepEqual(await outcome.done, { kind: 'failed', reason: 'the live stream stopped updating (no new segment after 3 playlist reloads)' });
  });

  it('cancellation while a segment downloads leaves no socket and no ffmpeg', async () => {
    const abort = new AbortController();
    const pending = open({ url: 'u', signal: abort.signal, plan: hlsPlan(stage.server.url(`slow/${fmp4.name}/index.m3u8`)) });
    await waitFor('the playlist request', () => recent().some((r) => r.path.startsWith('/slow/')) && stage.server.openConnections() > 0);
    abort.abort();
    assert.deepEqual(await pending, { kind: 'cancelled' });
    await waitFor('no connection left open', () => stage.server.openConnections() === 0, { timeoutMs: 1000 });
    assert.equal(stage.ffmpeg.started, 0);
  });
});
