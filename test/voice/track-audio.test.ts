/**
 * One play's audio on the frame clock, with ManualClock and a recording sink: packets in order, the
 * position, five silence frames at the end and on stop, holding while voice is not ready, late frames
 * and underruns.
 */
import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { ManualClock } from '../../src/clock';
import type { AudioSink } from '../../src/voice/engine/contract';
import { FrameClock, LATE_FRAME_MS } from '../../src/voice/engine';
import { newAudioCounters, TrackAudio, type AudioEnd } from '../../src/voice/engine/track-audio';

const SILENCE = 'f8fffe';

/** Records what reached Discord: the packets dispatched (hex) and the speaking changes. */
class RecordingSink implements AudioSink {
  isReady = true;
  readonly sent: string[] = [];
  readonly speakingLog: boolean[] = [];
  private prepared: Buffer | undefined;
  ready(): boolean {
    return this.isReady;
  }
  prepare(opus: Buffer): void {
    this.prepared = opus;
  }
  dispatch(): boolean {
    const p = this.prepared;
    this.prepared = undefined;
    if (p === undefined || !this.isReady) return false;
    this.sent.push(p.toString('hex'));
    return true;
  }
  speaking(on: boolean): void {
    if (this.speakingLog.at(-1) !== on) this.speakingLog.push(on);
  }
  audio(): string[] {
    return this.sent.filter((s) => s !== SILENCE);
  }
  silences(): number {
    return this.sent.filter((s) => s === SILENCE).length;
  }
}

const packet = (n: number): Buffer => Buffer.from([0xfc, n]);
const hex = (n: number): string => packet(n).toString('hex');

function setup(packets: number, { end = true }: { end?: boolean } = {}) {
  const clock = new ManualClock();
  const frames = new FrameClock({ clock, defer: (fn) => fn() });
  const counters = newAudioCounters();
  const sink = new RecordingSink();
  const ends: AudioEnd[] = [];
  let firstPackets = 0;
  const audio = new TrackAudio(clock, counters, { firstPacket: () => void firstPackets++, ended: (how) => void ends.push(how) });
  const source = new PassThrough({ objectMode: true });
  for (let i = 1; i <= packets; i++) source.write(packet(i));
  if (end) source.end();
  audio.attach(sink);
  return {
    clock,
    frames,
    counters,
    sink,
    ends,
    audio,
    source,
    firstPackets: () => firstPackets,
    start() {
      audio.start(source);
      frames.add(audio);
    },
    /** Runs n ticks. */
    ticks: (n: number) => clock.advance(n * 20),
    close() {
      frames.close();
      source.destroy();
    },
  };
}

describe('track audio', () => {
  it('sends every packet in order, 20 ms of position each, then five silence frames and speaking off', async () => {
    const t = setup(10);
    assert.equal(t.audio.state.kind, 'opening');
    t.start();
    await t.ticks(12);
    assert.deepEqual(t.sink.audio(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(hex));
    assert.equal(t.audio.positionMs(), 200);
    assert.equal(t.firstPackets(), 1);
    await t.ticks(10);
    assert.equal(t.sink.silences(), 5);
    assert.deepEqual(t.sink.sent.slice(-5), [SILENCE, SILENCE, SILENCE, SILENCE, SILENCE], 'the silence comes last');
    assert.deepEqual(t.sink.speakingLog, [true, false]);
    assert.deepEqual(t.ends, ['exhausted']);
    assert.equal(t.audio.state.kind, 'ended');
    assert.equal(t.counters.framesSent, 10, 'silence is not counted as audio');
    assert.equal(t.counters.framesLate, 0);
    assert.equal(t.audio.positionMs(), 200, 'silence does not move the position');
    t.close();
  });

  it('stop mid-track sends five silence frames and reads no more audio', async () => {
    const t = setup(50);
    t.start();
    await t.ticks(6);
    const sentBefore = t.sink.audio().length;
    t.audio.stop();
    t.audio.stop(); // idempotent
    await t.ticks(10);
    assert.equal(t.sink.audio().length, sentBefore, 'no audio after the stop, not even the packet already prepared');
    assert.equal(t.sink.silences(), 5);
    assert.deepEqual(t.ends, ['stopped']);
    assert.ok(t.source.readableLength > 40, 'the rest was never read');
    t.close();
  });

  it('holds while voice is not ready: no packet read, the position stands, and it goes on from there', async () => {
    const t = setup(30);
    t.start();
    await t.ticks(5);
    const position = t.audio.positionMs();
    assert.ok(position > 0);
    t.sink.isReady = false;
    await t.ticks(1); // the packet prepared before is lost with the voice (at most one)
    const left = t.source.readableLength;
    await t.ticks(10);
    assert.equal(t.audio.state.kind, 'holding');
    assert.equal(t.source.readableLength, left, 'nothing read while holding');
    const held = t.audio.positionMs();
    assert.ok(held <= position + 20);
    t.sink.isReady = true;
    await t.ticks(5);
    assert.equal(t.audio.state.kind, 'playing');
    assert.ok(t.audio.positionMs() > held);
    assert.equal(t.counters.framesLate, 0, 'the first frame after holding is never late');
    assert.equal(t.firstPackets(), 1, 'one first packet per play');
    t.close();
  });

  it('a stop while voice is not ready ends at once (no silence can be sent); a stop while opening too', async () => {
    const t = setup(30);
    t.start();
    await t.ticks(3);
    t.sink.isReady = false;
    await t.ticks(2);
    t.audio.stop();
    assert.deepEqual(t.ends, ['stopped']);
    assert.equal(t.sink.silences(), 0);
    t.close();

    const u = setup(3);
    u.audio.stop();
    assert.deepEqual(u.ends, ['stopped']);
    assert.equal(u.audio.state.kind, 'ended');
    u.close();
  });

  it('an underrun sends nothing and counts; the frame after a gap longer than LATE_FRAME_MS is late', async () => {
    const t = setup(3, { end: false });
    t.start();
    await t.ticks(4);
    assert.equal(t.sink.audio().length, 3);
    assert.equal(t.counters.framesLate, 0);
    await t.ticks(3); // nothing to read, the stream goes on
    assert.ok(t.counters.underruns >= 3, `underruns ${t.counters.underruns}`);
    assert.equal(t.sink.sent.length, 3, 'nothing sent during an underrun');
    t.source.write(packet(4));
    t.source.write(packet(5));
    await t.ticks(3);
    assert.deepEqual(t.sink.audio(), [1, 2, 3, 4, 5].map(hex));
    assert.equal(t.counters.framesLate, 1, 'only the frame after the gap');
    assert.ok(t.counters.longestGapMs > LATE_FRAME_MS);
    t.source.end();
    await t.ticks(10);
    assert.deepEqual(t.ends, ['exhausted']);
    t.close();
  });

  it('stopNow ends without silence frames', async () => {
    const t = setup(30);
    t.start();
    await t.ticks(4);
    t.audio.stopNow();
    await t.ticks(4);
    assert.equal(t.sink.silences(), 0);
    assert.deepEqual(t.ends, ['stopped']);
    t.close();
  });
});
