/**
 * The -af chains in the real ffmpeg, through the same transcode() the engine runs: every preset is
 * accepted, and each does to the sound what it says (a tone's pitch, the balance of a two-tone
 * fixture, a centred tone for karaoke, how much track one second of output covers).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Filters } from '../../src/filters';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { FfmpegProcesses, transcode } from '../../src/media/transcode';
import { dominantFrequency } from '../../src/sandbox/audio/fft';
import { runFfmpegOk } from '../../src/sandbox/fixtures/run-ffmpeg';

const RATE = 48_000;

/** The level of one frequency in the signal (Goertzel), on a linear scale. */
function levelAt(samples: Float32Array, hz: number): number {
  const k = (2 * Math.PI * hz) / RATE;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2)) / samples.length;
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('filters: the chains in the real ffmpeg', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-filters-'));
  const ffmpegPath = resolveFfmpeg(process.env).path;
  const registry = new FfmpegProcesses();
  let tone1k: Buffer;
  let twoTone: Buffer;
  let long: Buffer;

  async function fixture(name: string, lavfi: string): Promise<Buffer> {
    const file = path.join(dir, name);
    await runFfmpegOk(['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', lavfi, '-ar', String(RATE), '-ac', '2', '-c:a', 'pcm_s16le', '-f', 'wav', file]);
    return readFileSync(file);
  }

  before(async () => {
    tone1k = await fixture('1k.wav', `sine=frequency=1000:sample_rate=${RATE}:duration=2`);
    twoTone = await fixture('two.wav', `sine=frequency=100:sample_rate=${RATE}:duration=2[a];sine=frequency=2000:sample_rate=${RATE}:duration=2[b];[a][b]amix=inputs=2`);
    long = await fixture('6s.wav', `sine=frequency=1000:sample_rate=${RATE}:duration=6`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the bot's transcode on the bytes and decodes what it made back to mono float samples. */
  async function through(input: Buffer, filters: Filters, startMs = 0): Promise<Float32Array> {
    const t = transcode({ ffmpegPath, input: Readable.from([input]), startMs, volumePercent: 100, filters, registry });
    const chunks: Buffer[] = [];
    t.output.on('data', (c: Buffer) => chunks.push(c));
    const exit = await t.exited;
    assert.deepEqual(exit, { kind: 'ok' }, `ffmpeg refused ${JSON.stringify(filters)}`);
    const ogg = path.join(dir, `out-${Math.random().toString(36).slice(2)}.ogg`);
    const raw = `${ogg}.f32`;
    writeFileSync(ogg, Buffer.concat(chunks));
    await runFfmpegOk(['-loglevel', 'error', '-y', '-i', ogg, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', raw]);
    const bytes = readFileSync(raw);
    return new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
  }

  /** The middle second: away from the encoder's start and the filters' settling. */
  const middle = (s: Float32Array): Float32Array => s.subarray(Math.floor(s.length / 2 - RATE / 2), Math.floor(s.length / 2 + RATE / 2));
  const pitchOf = (s: Float32Array): number => dominantFrequency(middle(s), RATE).hz ?? Number.NaN;

  it('every preset and control runs in ffmpeg', async () => {
    const all: Filters[] = [
      { bassboost: 'low' }, { bassboost: 'medium' }, { bassboost: 'high' }, { nightcore: true }, { vaporwave: true }, { eightD: true }, { karaoke: true }, { tremolo: true }, { vibrato: true },
      { equalizer: [12, -12, 6, -6, 3, -3, 1.5, -1.5, 0.5, -0.5] }, { speed: 0.5 }, { speed: 2 }, { pitch: 0.5 }, { pitch: 2 }, { rate: 0.5 }, { rate: 2 },
      { bassboost: 'high', nightcore: true, eightD: true, karaoke: true, tremolo: true, vibrato: true, speed: 0.5, pitch: 2, rate: 0.5, equalizer: [3, 3, 0, 0, 0, 0, 0, 0, 0, 0] },
    ];
    for (const filters of all) assert.ok((await through(tone1k, filters)).length > RATE / 5, JSON.stringify(filters));
    assert.equal(registry.count, 0, 'no ffmpeg left');
  });

  it('nightcore raises a 1000 Hz tone to 1250 Hz, vaporwave lowers it to 800 Hz, pitch 1.5 to 1500 Hz', async () => {
    assert.ok(Math.abs(pitchOf(await through(tone1k, {})) - 1000) <= 10);
    assert.ok(Math.abs(pitchOf(await through(tone1k, { nightcore: true })) - 1250) <= 10, 'nightcore');
    assert.ok(Math.abs(pitchOf(await through(tone1k, { vaporwave: true })) - 800) <= 10, 'vaporwave');
    assert.ok(Math.abs(pitchOf(await through(tone1k, { pitch: 1.5 })) - 1500) <= 10, 'pitch');
  });

  it('speed, rate and nightcore change how long the track lasts; pitch does not', async () => {
    const seconds = async (f: Filters): Promise<number> => (await through(tone1k, f)).length / RATE;
    const near = (a: number, b: number): boolean => Math.abs(a - b) <= 0.06;
    assert.ok(near(await seconds({ speed: 2 }), 1), 'speed 2 halves 2 s');
    assert.ok(near(await seconds({ nightcore: true }), 1.6), 'nightcore: 2 / 1.25');
    assert.ok(near(await seconds({ pitch: 2 }), 2), 'pitch keeps the tempo');
    const speedTone = pitchOf(await through(tone1k, { speed: 1.5 }));
    assert.ok(Math.abs(speedTone - 1000) <= 10, `speed keeps the pitch (heard ${speedTone} Hz)`);
  });

  it('bass boost lifts 100 Hz against 2000 Hz; the equalizer lifts the 2 kHz band against 100 Hz', async () => {
    const balance = (s: Float32Array): number => db(levelAt(middle(s), 100) / levelAt(middle(s), 2000));
    const flat = balance(await through(twoTone, {}));
    const boosted = balance(await through(twoTone, { bassboost: 'high' }));
    const eq = balance(await through(twoTone, { equalizer: [0, 0, 0, 0, 0, 0, 12, 0, 0, 0] }));
    assert.ok(boosted - flat >= 8, `bass boost high: 100 Hz rose ${(boosted - flat).toFixed(1)} dB against 2 kHz`);
    assert.ok(flat - eq >= 8, `equalizer +12 dB at 2 kHz: 2 kHz rose ${(flat - eq).toFixed(1)} dB against 100 Hz`);
    const low = balance(await through(twoTone, { bassboost: 'low' }));
    assert.ok(low > flat + 2 && low < boosted - 4, `the levels are ordered: low ${low.toFixed(1)}, high ${boosted.toFixed(1)}, none ${flat.toFixed(1)}`);
  });

  it('karaoke removes what is in the centre (a tone the same in both channels)', async () => {
    const plain = levelAt(middle(await through(tone1k, {})), 1000);
    const karaoke = levelAt(middle(await through(tone1k, { karaoke: true })), 1000);
    assert.ok(db(plain / karaoke) >= 20, `the centred tone fell only ${db(plain / karaoke).toFixed(1)} dB`);
  });

  it('a resume at 2 s of a 6 s track with nightcore plays the last 4 s of the track in 3.2 s', async () => {
    const s = await through(long, { nightcore: true }, 2000);
    assert.ok(Math.abs(s.length / RATE - 3.2) <= 0.06, `${(s.length / RATE).toFixed(3)} s`);
  });
});
