import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import OpusScript from 'opusscript';
import { GuildAudioMonitor, type MonitorOptions } from '../../src/sandbox/audio/monitor';
import { dominantFrequency, int16ToMono } from '../../src/sandbox/audio/fft';
import type { AudioPacketEvent } from '../../src/sandbox/audio/types';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { readOggOpusFrames } from '../../src/sandbox/fixtures/opus-frames';

const TONE_DIR = path.join(os.tmpdir(), 'hiqty-test-tones');
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

async function toneFrames(hz: number, durationMs: number): Promise<Buffer[]> {
  return readOggOpusFrames(await makeTone({ hz, durationMs, format: 'ogg-opus', dir: TONE_DIR }));
}

function sine(hz: number, sampleRate: number, length: number, amplitude = 0.3): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate + 0.3);
  return out;
}

/** Feeds frames as one session sending every `stepMs`; returns the time after the last packet. */
class Sender {
  private seq = 0;
  private ts = 0;
  constructor(
    private readonly monitor: GuildAudioMonitor,
    readonly sessionId: string,
    readonly ssrc = 1,
  ) {}

  send(atMs: number, opus: Buffer | undefined, stale = false): void {
    const e: AudioPacketEvent = {
      guildId: this.monitor.guildId,
      sessionId: this.sessionId,
      receivedAtMs: atMs,
      sequence: this.seq++ & 0xffff,
      timestamp: (this.ts += 960) >>> 0,
      ssrc: this.ssrc,
      opus,
      stale,
    };
    this.monitor.onPacket(e);
  }

  sendAll(frames: readonly Buffer[], startMs: number, stepMs = 20): number {
    let t = startMs;
    for (const f of frames) {
      this.send(t, f);
      t += stepMs;
    }
    return t;
  }

  silence(startMs: number, count = 5): number {
    for (let i = 0; i < count; i++) this.send(startMs + i * 20, SILENCE);
    return startMs + count * 20;
  }
}

function monitor(options?: MonitorOptions): GuildAudioMonitor {
  const m = new GuildAudioMonitor('100', options);
  monitors.push(m);
  return m;
}
const monitors: GuildAudioMonitor[] = [];

afterEach(() => {
  for (const m of monitors.splice(0)) m.dispose();
});

describe('dominantFrequency', () => {
  for (const hz of [100, 220, 440, 441.5, 600, 997, 1500, 2000]) {
    it(`finds ${hz} Hz within 2 Hz in 200 ms at 12 and 48 kHz`, () => {
      for (const rate of [12000, 48000]) {
        const got = dominantFrequency(sine(hz, rate, rate / 5), rate).hz;
        assert.ok(got !== undefined && Math.abs(got - hz) <= 2, `${rate} Hz: ${hz} → ${String(got)}`);
      }
    });
  }

  it('calls a quiet window silence', () => {
    const est = dominantFrequency(sine(440, 12000, 2400, 0.0005), 12000);
    assert.equal(est.hz, undefined);
    assert.ok(est.rms > 0 && est.rms < 0.002);
    assert.equal(dominantFrequency(new Float32Array(2400), 12000).hz, undefined);
  });

  it('reads interleaved Int16 stereo', () => {
    const mono = sine(523, 48000, 9600);
    const pcm = new Int16Array(mono.length * 2);
    mono.forEach((v, i) => {
      pcm[2 * i] = Math.round(v * 32767);
      pcm[2 * i + 1] = Math.round(v * 32767);
    });
    const got = dominantFrequency(pcm, 48000, { channels: 2 }).hz;
    assert.ok(got !== undefined && Math.abs(got - 523) <= 2, String(got));
    assert.equal(int16ToMono(pcm, 2).length, 9600);
  });
});

describe('GuildAudioMonitor', function () {
  this.timeout(60_000);
  let a440: Buffer[];
  let a600: Buffer[];

  before(async () => {
    [a440, a600] = await Promise.all([toneFrames(440, 2000), toneFrames(600, 2000)]);
  });

  it('counts frames, measures 50 packets/s and hears 440 Hz as 440', () => {
    const m = monitor();
    new Sender(m, 's1').sendAll(a440, 1000);
    m.flush();
    const st = m.stats();
    assert.equal(st.frames, a440.length);
    assert.ok(a440.length >= 100);
    assert.deepEqual(st.framesBySession, { s1: a440.length });
    assert.ok(Math.abs(st.packetsPerSecond - 50) < 0.5, `pps ${st.packetsPerSecond}`);
    assert.equal(st.firstPacketAtMs, 1000);
    assert.deepEqual(st.gaps, []);
    assert.equal(st.decodeErrors, 0);
    const decoded = st.windows.filter((w) => w.decoded);
    assert.ok(decoded.length >= 9, `decoded ${decoded.length}`);
    for (const w of decoded) assert.ok(w.hz !== undefined && Math.abs(w.hz - 440) <= 2, `window hz ${String(w.hz)}`);
    assert.equal(st.segments.length, 1);
    const seg = st.segments[0];
    assert.ok(seg !== undefined && Math.abs(seg.hz - 440) <= 10);
    assert.equal(seg.frames, a440.length);
    assert.equal(seg.sessionId, 's1');
  });

  it('does not hear 600 Hz as 440', () => {
    const m = monitor();
    new Sender(m, 's1').sendAll(a600, 0);
    m.flush();
    const segs = m.stats().segments;
    assert.equal(segs.length, 1);
    assert.ok(segs.every((s) => Math.abs(s.hz - 440) > 10));
    assert.ok(Math.abs((segs[0]?.hz ?? 0) - 600) <= 2);
  });

  it('records a 100 ms hole as a gap and no others', () => {
    const m = monitor();
    const s = new Sender(m, 's1');
    const t = s.sendAll(a440.slice(0, 50), 0);
    s.sendAll(a440.slice(50), t + 100);
    const st = m.stats();
    assert.equal(st.gaps.length, 1);
    assert.deepEqual(st.gaps[0], { atMs: t + 100, ms: 120, sessionId: 's1' });
    assert.equal(st.frames, a440.length);
  });

  it('does not time gaps across silence frames but does between the tracks around them', () => {
    const m = monitor();
    const s = new Sender(m, 's1');
    let t = s.sendAll(a440, 0);
    t = s.silence(t);
    s.sendAll(a600, t);
    m.flush();
    const st = m.stats();
    assert.equal(st.silenceFrames, 5);
    assert.equal(st.frames, a440.length + a600.length);
    // The audio-to-audio interval spans the five silence frames: 120 ms.
    assert.equal(st.gaps.length, 1);
    assert.equal(st.gaps[0]?.ms, 120);
    assert.deepEqual(
      st.segments.map((g) => Math.round(g.hz / 10) * 10),
      [440, 600],
    );
    assert.equal(st.segments[0]?.frames, a440.length);
    assert.equal(st.segments[1]?.frames, a600.length);
  });

  it('counts overlap when two sessions send into the guild at once', () => {
    const m2 = monitor();
    const a2 = new Sender(m2, 'a', 1);
    const b2 = new Sender(m2, 'b', 2);
    for (let i = 0; i < 50; i++) {
      a2.send(i * 20, a440[i]);
      b2.send(i * 20 + 10, a600[i]);
    }
    m2.flush();
    const st = m2.stats();
    assert.ok(st.overlap >= 90, `overlap ${st.overlap}`);
    // Both sent from 0 to about 1 s: one stretch of about that length.
    assert.ok(st.longestOverlapMs >= 900 && st.longestOverlapMs <= 1100, `longest overlap ${st.longestOverlapMs} ms`);
    assert.deepEqual(st.framesBySession, { a: 50, b: 50 });
    assert.deepEqual(
      st.segments.map((g) => [g.sessionId, Math.round(g.hz / 10) * 10]),
      [
        ['a', 440],
        ['b', 600],
      ],
    );
  });

  it('counts no overlap for a clean handover with more than 100 ms between sessions', () => {
    const m = monitor();
    const a = new Sender(m, 'a', 1);
    const b = new Sender(m, 'b', 2);
    let t = a.sendAll(a440.slice(0, 50), 0);
    t = a.silence(t);
    b.sendAll(a440.slice(50), t + 120);
    const st = m.stats();
    assert.equal(st.overlap, 0);
    assert.equal(st.longestOverlapMs, 0);
    assert.deepEqual(st.framesBySession, { a: 50, b: a440.length - 50 });
  });

  it('counts decrypt failures and stale packets apart from frames', () => {
    const m = monitor();
    const a = new Sender(m, 'a');
    const old = new Sender(m, 'old', 7);
    for (let i = 0; i < 20; i++) {
      a.send(i * 20, a440[i]);
      if (i % 4 === 0) a.send(i * 20 + 1, undefined);
      old.send(i * 20 + 5, a600[i], true);
    }
    const st = m.stats();
    assert.equal(st.frames, 20);
    assert.equal(st.decryptFailures, 5);
    assert.equal(st.stalePackets, 20);
    assert.deepEqual(st.framesBySession, { a: 20 });
    assert.deepEqual(st.staleBySession, { old: 20 });
    assert.equal(st.overlap, 0);
  });

  it('gives the same counts when sampling and still names the tones', () => {
    const full = monitor();
    const sampled = monitor({ decodeEvery: { windowsOutOf: 4 } });
    for (const m of [full, sampled]) {
      const s = new Sender(m, 's1');
      let t = s.sendAll(a440, 0);
      t = s.silence(t);
      t = s.sendAll(a600.slice(0, 40), t + 200);
      s.sendAll(a600.slice(40), t + 100);
      m.flush();
    }
    const f = full.stats();
    const s = sampled.stats();
    for (const key of ['frames', 'silenceFrames', 'packetsPerSecond', 'overlap', 'firstPacketAtMs', 'lastPacketAtMs'] as const) {
      assert.equal(s[key], f[key], key);
    }
    assert.deepEqual(s.gaps, f.gaps);
    assert.equal(s.windows.length, f.windows.length);
    assert.ok(s.windows.filter((w) => w.decoded).length < f.windows.filter((w) => w.decoded).length / 2);
    assert.deepEqual(
      s.segments.map((g) => [Math.round(g.hz / 10) * 10, g.frames]),
      [
        [440, a440.length],
        [600, a600.length],
      ],
    );
  });

  it('can be flushed mid-stream (stats while playing) without decode errors', () => {
    for (const decodeEvery of ['all', { windowsOutOf: 3 }] as const) {
      const m = monitor({ decodeEvery });
      const s = new Sender(m, 's1');
      for (let i = 0; i < a440.length; i++) {
        s.send(i * 20, a440[i]);
        if (i % 7 === 3) m.flush();
      }
      m.flush();
      const st = m.stats();
      assert.equal(st.decodeErrors, 0);
      assert.equal(st.frames, a440.length);
      assert.deepEqual(
        st.segments.map((g) => [Math.round(g.hz / 10) * 10, g.frames]),
        [[440, a440.length]],
      );
    }
  });

  it('keeps only counts when decoding is off', () => {
    const m = monitor({ decodeEvery: 'none' });
    new Sender(m, 's1').sendAll(a440, 0);
    m.flush();
    const st = m.stats();
    assert.equal(st.frames, a440.length);
    assert.ok(st.windows.every((w) => !w.decoded && w.hz === undefined));
    assert.deepEqual(st.segments, []);
  });

  it('serves many guilds at once and survives other opusscript users growing the shared heap', () => {
    const many = Array.from({ length: 40 }, (_, i) => new GuildAudioMonitor(String(i)));
    monitors.push(...many);
    const senders = many.map((m) => new Sender(m, `s${m.guildId}`));
    const others: OpusScript[] = [];
    for (let i = 0; i < 60; i++) {
      senders.forEach((s, g) => s.send(i * 20 + g * 0.01, (g % 2 === 0 ? a440 : a600)[i]));
      // Another opusscript user in the process: each instance grows the shared WebAssembly heap.
      if (i % 3 === 0) for (let k = 0; k < 20; k++) others.push(new OpusScript(48000, 2, OpusScript.Application.AUDIO));
    }
    for (const o of others) o.delete();
    many.forEach((m, g) => {
      m.flush();
      const st = m.stats();
      assert.equal(st.frames, 60);
      assert.equal(st.decodeErrors, 0, `guild ${g}`);
      const want = g % 2 === 0 ? 440 : 600;
      assert.deepEqual(
        st.segments.map((x) => Math.round(x.hz / 10) * 10),
        [want],
        `guild ${g}`,
      );
    });
  });

  it('reset forgets everything and the monitor keeps working', () => {
    const m = monitor();
    new Sender(m, 's1').sendAll(a440.slice(0, 30), 0);
    m.reset();
    assert.equal(m.stats().frames, 0);
    assert.deepEqual(m.stats().windows, []);
    new Sender(m, 's2').sendAll(a600.slice(0, 30), 5000);
    m.flush();
    const st = m.stats();
    assert.deepEqual(st.framesBySession, { s2: 30 });
    assert.ok(Math.abs((st.segments[0]?.hz ?? 0) - 600) <= 2);
  });
});
