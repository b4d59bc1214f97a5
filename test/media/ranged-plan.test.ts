import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { StreamPlan } from '../../src/media/plan';
import { makeTone, type ToneFormat } from '../../src/sandbox/fixtures/tones';
import { waitFor } from '../support/wait';
import { collect } from './support';
import { assertAbout, assertPlaying, firstByte, lastByte, providerOf, toneOf, totalMs, usePlanStage } from './plan-support';

const LONG_MS = 240_000;
const CHUNK = 512 * 1024;

describe('media/openTrack with ranged plans', function () {
  this.timeout(60_000);
  const files = new Map<ToneFormat, string>();
  const stage = usePlanStage('ranged', {
    noConnectionsLeft: true,
    fixtures: async (dir) => {
      for (const format of ['webm-opus', 'm4a-aac'] as const) files.set(format, await makeTone({ hz: 440, durationMs: LONG_MS, format, dir }));
    },
  });
  const { open, recent } = stage;

  const sizeOf = (format: ToneFormat): number => statSync(files.get(format) ?? '').size;
  const nameOf = (format: ToneFormat): string => path.basename(files.get(format) ?? '');
  const plan = (format: ToneFormat, extra: Partial<Extract<StreamPlan, { kind: 'ranged' }>> = {}): StreamPlan => ({
    kind: 'ranged',
    url: stage.server.url(`${nameOf(format)}?sig=abc`),
    contentLength: sizeOf(format),
    container: format === 'webm-opus' ? 'webm' : 'mp4',
    codec: format === 'webm-opus' ? 'opus' : 'mp4a.40.2',
    durationMs: LONG_MS,
    chunkBytes: CHUNK,
    rangeParam: true,
    ...extra,
  });
  const requestsFor = (name: string) => recent().filter((r) => r.path.includes(name));

  it('webm-opus plays straight through in ranged chunks (range= parameter), without any ffmpeg', async () => {
    const provider = providerOf(plan('webm-opus'));
    const outcome = await open({ url: 'https://www.youtube.com/watch?v=x', plan: provider.provide });
    assertPlaying(outcome);
    assert.equal(outcome.path, 'passthrough');
    const packets = await collect(outcome.stream);
    assert.deepEqual(await outcome.done, { kind: 'finished' });
    assertAbout(totalMs(packets), LONG_MS, 'audio played');
    assert.equal(Math.round(toneOf(packets) ?? 0), 440);
    assert.equal(stage.ffmpeg.started, 0, 'an ffmpeg was started');
    assert.deepEqual(provider.attempts, [0]);
    const asked = requestsFor(nameOf('webm-opus'));
    assert.equal(asked.length, Math.ceil(sizeOf('webm-opus') / CHUNK));
    assert.ok(asked.every((r) => r.range === undefined && /range=\d+-\d+/.test(r.path)), 'ranges go in the query');
  });

  it('m4a-aac (fMP4 + sidx) reads with Range headers and transcodes in one ffmpeg', async () => {
    const provider = providerOf(plan('m4a-aac', { rangeParam: false, durationMs: LONG_MS }));
    const outcome = await open({ url: 'https://www.youtube.com/watch?v=y', plan: provider.provide, startMs: LONG_MS - 5000 });
    assertPlaying(outcome);
    assert.equal(outcome.path, 'transcoded');
    const packets = await collect(outcome.stream);
    assert.deepEqual(await outcome.done, { kind: 'finished' });
    assertAbout(totalMs(packets), 5000, 'audio left');
    assert.equal(stage.ffmpeg.started, 1);
    assert.ok(requestsFor(nameOf('m4a-aac')).every((r) => r.range !== undefined && !r.path.includes('range=')));
  });

  for (const format of ['webm-opus', 'm4a-aac'] as const) {
    it(`${format}: a resume at 170 s of 240 s fetches from the index's offset, not from 0, and starts at the position`, async () => {
      const startMs = 170_000;
      const size = sizeOf(format);
      const outcome = await open({ url: 'https://www.youtube.com/watch?v=z', plan: providerOf(plan(format)).provide, startMs });
      assertPlaying(outcome);
      assert.equal(outcome.path, format === 'webm-opus' ? 'passthrough' : 'transcoded');
      const packets = await collect(outcome.stream);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
      assertAbout(totalMs(packets), LONG_MS - startMs, 'audio from the position to the end');
      assert.equal(Math.round(toneOf(packets) ?? 0), 440);
      const asked = requestsFor(nameOf(format));
      // One header read from byte 0 (bounded), maybe one index read; every media chunk starts past 60 %.
      const early = asked.filter((r) => firstByte(r) < size * 0.6);
      assert.equal(early.length, 1, `requests before the position: ${early.map((r) => r.path).join(', ')}`);
      const header = early[0];
      assert.ok(header !== undefined && (lastByte(header) ?? Infinity) < 512 * 1024, 'the header read is bounded');
      const fetched = asked.reduce((n, r) => n + (lastByte(r) ?? size - 1) - firstByte(r) + 1, 0);
      assert.ok(fetched < size * 0.5, `fetched ${fetched} of ${size} bytes`);
    });
  }

  it('a declared initRange and indexRange are used as given', async () => {
    // The fixture's layout: ftyp+moov, then one sidx.
    const size = sizeOf('m4a-aac');
    const outcome = await open(
      { url: 'https://www.youtube.com/watch?v=w', plan: providerOf(plan('m4a-aac', { initRange: { start: 0, end: 732 }, indexRange: { start: 733, end: 2212 } })).provide, startMs: 200_000 },
    );
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 40_000, 'audio left');
    const asked = requestsFor(nameOf('m4a-aac'));
    const [first] = asked;
    assert.ok(first !== undefined && firstByte(first) === 0 && lastByte(first) === 2212, 'the header and index in one read');
    assert.ok(asked.slice(1).every((r) => firstByte(r) > size * 0.7));
  });

  it('a 403 mid-stream asks the provider again (attempt 1) and goes on from the same byte, unnoticed', async () => {
    const after = 3 * CHUNK;
    const expiring = plan('webm-opus', { url: stage.server.url(`expire/first/${nameOf('webm-opus')}?after=${after}`) });
    const fresh = plan('webm-opus', { url: stage.server.url(`expire/second/${nameOf('webm-opus')}?sig=new`) });
    const provider = providerOf(expiring, fresh);
    const outcome = await open({ url: 'https://www.youtube.com/watch?v=e', plan: provider.provide });
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assert.deepEqual(await outcome.done, { kind: 'finished' });
    assertAbout(totalMs(packets), LONG_MS, 'the whole track');
    assert.deepEqual(provider.attempts, [0, 1]);
    const resumed = recent().find((r) => r.path.startsWith('/expire/second/'));
    assert.ok(resumed !== undefined && firstByte(resumed) === after, 'the new URL is read from the byte where the old one expired');
    assert.equal(stage.ffmpeg.started, 0);
  });

  it('a second expiry fails the track cleanly, with the audio already read played', async () => {
    const expiring = (n: string, after: number) => plan('webm-opus', { url: stage.server.url(`expire/${n}/${nameOf('webm-opus')}?after=${after}`) });
    const provider = providerOf(expiring('a', 2 * CHUNK), expiring('b', 4 * CHUNK));
    const outcome = await open({ url: 'https://www.youtube.com/watch?v=f', plan: provider.provide });
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assert.deepEqual(await outcome.done, { kind: 'failed', reason: 'the media URL expired twice (HTTP 403)' });
    assert.ok(totalMs(packets) > 0 && totalMs(packets) < LONG_MS);
    assert.deepEqual(provider.attempts, [0, 1]);
  });

  it("the provider's unplayable and failed answers are the track's reason; cancelled is cancelled", async () => {
    assert.deepEqual(await open({ url: 'u', plan: () => Promise.resolve({ kind: 'unplayable', reason: 'this video is private' }) }), {
      kind: 'unplayable',
      reason: 'this video is private',
    });
    assert.deepEqual(await open({ url: 'u', plan: () => Promise.resolve({ kind: 'failed', reason: 'YouTube answered 500' }) }), { kind: 'unplayable', reason: 'YouTube answered 500' });
    assert.deepEqual(await open({ url: 'u', plan: () => Promise.resolve({ kind: 'cancelled' }) }), { kind: 'cancelled' });
    assert.equal(recent().length, 0);
  });

  it('a 404 on the first chunk is unplayable, with nothing left open', async () => {
    const outcome = await open({ url: 'u', plan: providerOf(plan('webm-opus', { url: stage.server.url('missing.webm') })).provide });
    assert.deepEqual(outcome, { kind: 'unplayable', reason: 'the server answered 404' });
  });

  it('cancelling while the provider answers, or while the first chunk downloads, leaves no socket and no ffmpeg', async () => {
    const abort = new AbortController();
    let asked = false;
    const hanging = open(
      {
        url: 'u',
        signal: abort.signal,
        plan: (_attempt, signal) =>
          new Promise((resolve) => {
            asked = true;
            signal.addEventListener('abort', () => resolve({ kind: 'cancelled' }), { once: true });
          }),
      },
    );
    await waitFor('the provider to be asked', () => asked);
    abort.abort();
    assert.deepEqual(await hanging, { kind: 'cancelled' });

    const second = new AbortController();
    const slow = open({ url: 'u', signal: second.signal, plan: providerOf(plan('m4a-aac', { url: stage.server.url(`slow/${nameOf('m4a-aac')}`) })).provide });
    await waitFor('the chunk request to arrive', () => recent().some((r) => r.path.startsWith('/slow/')) && stage.server.openConnections() > 0);
    second.abort();
    assert.deepEqual(await slow, { kind: 'cancelled' });
    await waitFor('no connection left open', () => stage.server.openConnections() === 0, { timeoutMs: 1000 });
    assert.equal(stage.ffmpeg.started, 0);
  });
});
