/**
 * Twitch streams played through the media layer against the fake: the source's plan, hiqty's HLS reader
 * (the master's audio-only rendition, the live window, fresh tokens before the old ones expire, a fresh
 * plan after a 403) and, through openTrack, ffmpeg. The live tests that need stream time run on a
 * ManualClock shared by the fake and the reader, so 30 s of a live stream take a second or two; what
 * the reader hands out is compared byte for byte with the segments the fake published.
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { hlsReader } from '../../src/media/hls/reader';
import { openTrack } from '../../src/media/open-track';
import type { PlanProvider } from '../../src/media/plan';
import { CHANNEL_TONES, VIDEO_TONES, channelUrl, videoUrl, type ServedSegment, type TwitchFake } from '../../src/sandbox/services/twitch';
import type { Source } from '../../src/sources/types';
import { assertAbout, toneOf, totalMs, whilePlaying } from '../media/plan-support';
import { collect } from '../media/support';
import { waitFor } from '../support/wait';
import { assertHears } from './play-support';
import { driveUntil, overridesOf, sourceFor, startFake } from './twitch-support';

const LOGIN = CHANNEL_TONES.login;

/** The source's plans for the tone channel, counted. */
function provider(source: Source): { readonly provide: PlanProvider; readonly attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    provide: (attempt, signal) => {
      attempts.push(attempt);
      return source.open({ url: channelUrl(CHANNEL_TONES), sourceId: LOGIN, live: true }, { attempt, signal });
    },
  };
}

/** The reader's bytes as they come, its live end, and whether it stopped (ended or failed). */
function watch(body: Readable): { readonly chunks: Buffer[]; readonly state: { ended: boolean; error: Error | undefined } } {
  const chunks: Buffer[] = [];
  const state: { ended: boolean; error: Error | undefined } = { ended: false, error: undefined };
  body.on('data', (chunk: Buffer) => chunks.push(chunk));
  body.on('end', () => void (state.ended = true));
  body.on('error', (e) => void (state.error = e));
  return { chunks, state };
}

describe('Twitch streams through the media layer', function () {
  this.timeout(90_000);
  const ffmpegPath = resolveFfmpeg(process.env).path;

  describe('in real time, through openTrack and ffmpeg', () => {
    let fake: TwitchFake;
    let source: Source;

    before(async () => {
      fake = await startFake();
      source = sourceFor(fake);
    });
    after(async () => {
      await fake.stop();
    });
    beforeEach(() => fake.goLive(LOGIN));

    const deps = () => ({ allow: fake.allow, overrides: overridesOf(fake), ffmpegPath, log: silentLogger });

    it("a live channel plays its audio_only rendition's tone; no video variant is fetched", async () => {
      const served = fake.segmentsServed.length;
      const outcome = await openTrack({ url: channelUrl(CHANNEL_TONES), isLive: true, plan: provider(source).provide }, deps());
      await whilePlaying(outcome, (playing) => assertHears(playing.stream, CHANNEL_TONES.hz));
      const renditions = new Set(fake.segmentsServed.slice(served).map((s) => s.rendition));
      assert.deepEqual([...renditions], ['audio_only']);
      assert.ok(!fake.requests.some((r) => r.host.includes('weaver') && r.path.includes('chunked')), 'no video playlist');
    });

    it('a channel going off the air (ENDLIST) finishes the track, saying the broadcast ended', async () => {
      const outcome = await openTrack({ url: channelUrl(CHANNEL_TONES), isLive: true, plan: provider(source).provide }, deps());
      assert.equal(outcome.kind, 'playing', JSON.stringify(outcome));
      if (outcome.kind !== 'playing') return;
      const packets = collect(outcome.stream);
      fake.goOffline(LOGIN, 'endlist');
      assert.deepEqual(await outcome.done, { kind: 'finished', streamEnded: 'the broadcast ended' });
      assert.equal(Math.round(toneOf(await packets) ?? 0), CHANNEL_TONES.hz);
    });

    it('a video plays to its end from the audio-only rendition of its VOD playlist, and is no live stream', async () => {
      const outcome = await openTrack(
        { url: videoUrl(VIDEO_TONES), durationMs: VIDEO_TONES.durationMs, plan: (attempt, signal) => source.open({ url: videoUrl(VIDEO_TONES), sourceId: `v${VIDEO_TONES.id}` }, { attempt, signal }) },
        deps(),
      );
      assert.equal(outcome.kind, 'playing', JSON.stringify(outcome));
      if (outcome.kind !== 'playing') return;
      const packets = await collect(outcome.stream);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
      assertAbout(totalMs(packets), VIDEO_TONES.durationMs, 'the whole video');
      assert.equal(Math.round(toneOf(packets) ?? 0), VIDEO_TONES.hz);
    });
  });

  describe('on a ManualClock, byte for byte', () => {
    let clock: ManualClock;
    let fake: TwitchFake;
    let source: Source;

    before(async () => {
      clock = new ManualClock(Date.now());
      fake = await startFake({ clock });
      source = sourceFor(fake);
    });
    after(async () => {
      await fake.stop();
    });
    beforeEach(() => {
      fake.setTokenLifetime(20 * 60_000);
      fake.refuseSegments(0);
      fake.goLive(LOGIN);
    });

    /** Opens the channel as media does: its plan at attempt 0, then the reader over it with the provider. */
    async function read(options: { readonly onLiveEnd?: (reason: string) => void } = {}) {
      const counted = provider(source);
      const first = await counted.provide(0, new AbortController().signal);
      assert.ok(first.kind === 'plan' && first.plan.kind === 'hls', JSON.stringify(first));
      const plan = first.plan;
      const served = fake.segmentsServed.length;
      const body = hlsReader({
        url: plan.url,
        ...(plan.headers === undefined ? {} : { headers: plan.headers }),
        ...(plan.rendition === undefined ? {} : { rendition: plan.rendition }),
        ...(plan.expiresAt === undefined ? {} : { expiresAt: plan.expiresAt }),
        provider: counted.provide,
        // Fetches time out on the system clock; the reloads, the live window and the expiries move with the test.
        fetch: { allow: fake.allow, overrides: overridesOf(fake), maxBytes: null },
        clock,
        ...options,
      });
      return { body, counted, watched: watch(body), served: () => fake.segmentsServed.slice(served).filter((s) => s.login === LOGIN) };
    }

    /**
     * The sequences served are one run without a gap or a repeat, and the bytes out are exactly theirs, in
     * order. Looked at once the reader is idle (waiting for its next reload, or ended), so no segment is
     * half read.
     */
    async function assertNoGap(watched: ReturnType<typeof watch>, served: () => readonly ServedSegment[]): Promise<void> {
      await waitFor('the reader to be idle', () => clock.pendingTimers() > 0 || watched.state.ended || watched.state.error !== undefined);
      await new Promise((resolve) => setImmediate(resolve));
      const chunks = watched.chunks;
      const sequences = served().map((s) => s.sequence);
      const first = sequences[0] ?? 0;
      assert.deepEqual(sequences, Array.from({ length: sequences.length }, (_, i) => first + i), 'every segment once, in order');
      const expected = Buffer.concat(await Promise.all(sequences.map((s) => fake.segmentBytes(LOGIN, s))));
      const got = Buffer.concat(chunks);
      assert.equal(got.length, expected.length, 'as many bytes as the segments hold');
      assert.ok(got.equals(expected), 'the bytes of the segments, in order');
    }

    it('30 s of a live stream with 6-second tokens: refreshed ahead of expiry, never refused, no gap in the bytes', async () => {
      fake.setTokenLifetime(6000);
      const refusedBefore = fake.refusals();
      const tokensBefore = fake.tokensIssued(LOGIN);
      const { body, counted, watched, served } = await read();
      try {
        const startMs = clock.monotonic();
        await driveUntil(clock, '30 s of stream', () => clock.monotonic() - startMs >= 30_000 || watched.state.ended || watched.state.error !== undefined);
        assert.equal(watched.state.error, undefined);
        assert.equal(watched.state.ended, false, 'the stream goes on');
        // Joined three segments from the edge; then one a second.
        assert.ok(served().length >= 30, `${served().length} segments in 30 s`);
        assert.equal(fake.refusals(), refusedBefore, 'no URL was ever refused');
        const tokens = fake.tokensIssued(LOGIN) - tokensBefore;
        assert.ok(tokens >= 6, `a fresh token every 4 s or so, ${tokens} in 30 s`);
        assert.ok(counted.attempts.every((a) => a === 0), `a refresh is no retry: ${JSON.stringify(counted.attempts)}`);
        await assertNoGap(watched, served);
      } finally {
        body.destroy();
      }
    });

    it('every URL refused (403) mid-stream: the source is asked again and the stream goes on from the next segment', async () => {
      const { body, counted, watched, served } = await read();
      try {
        await driveUntil(clock, '5 segments', () => served().length >= 5);
        const refusedBefore = fake.refusals();
        fake.revokeTokens();
        const before = served().length;
        await driveUntil(clock, '5 more segments', () => served().length >= before + 5 || watched.state.error !== undefined);
        assert.equal(watched.state.error, undefined);
        assert.ok(fake.refusals() > refusedBefore, 'the old URLs were refused');
        assert.deepEqual(counted.attempts, [0, 1], 'asked again once, as a retry');
        await assertNoGap(watched, served);
      } finally {
        body.destroy();
      }
    });

    for (const status of [403, 404]) {
      it(`a segment answering ${status}: the source is asked again and that same segment is fetched from the fresh plan`, async () => {
        const { body, counted, watched, served } = await read();
        try {
          await driveUntil(clock, '5 segments', () => served().length >= 5);
          fake.refuseSegments(1, status);
          const before = served().length;
          await driveUntil(clock, '5 more segments', () => served().length >= before + 5 || watched.state.error !== undefined);
          assert.equal(watched.state.error, undefined);
          assert.deepEqual(counted.attempts, [0, 1], 'asked again once, as a retry');
          await assertNoGap(watched, served);
        } finally {
          body.destroy();
        }
      });
    }

    it('a stream refused again right after a fresh plan fails, with both refusals in its reason', async () => {
      const { watched, served } = await read();
      await driveUntil(clock, '3 segments', () => served().length >= 3);
      fake.refuseSegments(10);
      await driveUntil(clock, 'the failure', () => watched.state.error !== undefined || watched.state.ended);
      assert.equal(watched.state.error?.message, 'an HLS segment could not be fetched: the server answered 403, again after asking the source for a fresh stream');
    });

    for (const [how, reason] of [
      ['endlist', 'the broadcast ended'],
      ['stall', 'hiqtytones is not live right now'],
      ['gone', 'hiqtytones is not live right now'],
    ] as const) {
      it(`going off the air (${how}) ends the stream, told as "${reason}"`, async () => {
        const ends: string[] = [];
        const { watched, served } = await read({ onLiveEnd: (r) => void ends.push(r) });
        await driveUntil(clock, '3 segments', () => served().length >= 3);
        fake.goOffline(LOGIN, how);
        await driveUntil(clock, 'the end', () => watched.state.ended || watched.state.error !== undefined);
        assert.equal(watched.state.error, undefined);
        assert.deepEqual(ends, [reason]);
        await assertNoGap(watched, served);
      });
    }
  });
});
