/**
 * The filters as typed values: the codec of the settings field (every field, its bounds, readable
 * refusals), the edits /filter makes, and the -af chain every preset turns into.
 */
import { strict as assert } from 'node:assert';
import { isLeft, isRight } from 'fp-ts/Either';
import { decode } from '../../src/codecs';
import {
  applyChange,
  filterSteps,
  FiltersCodec,
  FiltersFromString,
  isNeutral,
  PRESETS,
  trackRate,
  type FilterChange,
  type Filters,
} from '../../src/filters';
import { ffmpegArgs } from '../../src/media/transcode';
import { decodeSettings, encodeSettingsPatch } from '../../src/state';

function edited(change: FilterChange, from: Filters = {}): Filters {
  const r = applyChange(from, change);
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return r.kind === 'ok' ? r.filters : {};
}

function refused(change: FilterChange, from: Filters = {}): unknown {
  const r = applyChange(from, change);
  assert.equal(r.kind, 'refused', `expected a refusal of ${JSON.stringify(change)}`);
  return r.kind === 'refused' ? r.refusal : undefined;
}

const chain = (filters: Filters, volumePercent = 100, skipMs = 0): string => filterSteps({ filters, volumePercent, skipMs }).join(',');

describe('filters: the codec of the settings field', () => {
  it('decodes every field and writes canonical JSON back', () => {
    const full: Filters = { bassboost: 'high', nightcore: true, eightD: true, karaoke: true, tremolo: true, vibrato: true, equalizer: [1, 2, 3, 4, 5, 6, 7, 8, 9, -12], speed: 1.5, pitch: 0.5, rate: 2 };
    const text = FiltersFromString.encode(full);
    const back = decode(FiltersFromString, text);
    assert.ok(isRight(back));
    assert.deepEqual(back.right, full);
    assert.equal(FiltersFromString.encode({ speed: 1, equalizer: new Array<number>(10).fill(0) }), '{}', 'neutral values are left out');
  });

  it('refuses values out of bounds and names outside the closed lists, in words', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"speed":3}', /speed.*a number from 0.5 to 2/],
      ['{"pitch":0.1}', /pitch.*a number from 0.5 to 2/],
      ['{"rate":"1.5"}', /rate.*a number from 0.5 to 2/],
      ['{"bassboost":"extreme"}', /bassboost.*one of low, medium, high/],
      ['{"equalizer":[1,2,3]}', /equalizer.*10 gains in dB, each from -12 to 12/],
      ['{"equalizer":[0,0,0,0,0,0,0,0,0,13]}', /equalizer.*10 gains/],
      ['{"nightcore":"yes"}', /nightcore/],
      ['not json', /not JSON/],
    ];
    for (const [raw, reason] of cases) {
      const r = decode(FiltersFromString, raw);
      assert.ok(isLeft(r), `${raw} decoded`);
      assert.match(r.left.join('; '), reason, raw);
    }
  });

  it('drops unknown fields (a newer instance may know more) and keeps the known ones', () => {
    const r = FiltersCodec.decode({ nightcore: true, chorus: { depth: 9 } });
    assert.ok(isRight(r));
    assert.deepEqual(r.right, { nightcore: true });
  });

  it('is a settings field: a corrupt value is reported and falls back to no filters', () => {
    const { settings, corrupt } = decodeSettings({ filters: '{"speed":9}', volume: '80' });
    assert.deepEqual(settings.filters, {});
    assert.equal(settings.volume, 80);
    assert.equal(corrupt.length, 1);
    assert.equal(corrupt[0]?.where, 'settings.filters');
    assert.deepEqual(encodeSettingsPatch({ filters: { karaoke: true } }).set, { filters: '{"karaoke":true}' });
    assert.deepEqual(encodeSettingsPatch({ filters: {} }).del, ['filters'], 'no filters is no field');
  });
});

describe('filters: the edits /filter makes', () => {
  it('every preset turns on; bassboost takes a level (medium by default); nightcore and vaporwave replace each other', () => {
    for (const name of PRESETS) assert.ok(!isNeutral(edited({ kind: 'preset', name })), name);
    assert.equal(edited({ kind: 'preset', name: 'bassboost' }).bassboost, 'medium');
    assert.equal(edited({ kind: 'preset', name: 'bassboost', level: 'high' }).bassboost, 'high');
    assert.deepEqual(edited({ kind: 'preset', name: 'vaporwave' }, { nightcore: true, karaoke: true }), { vaporwave: true, karaoke: true });
  });

  it('sets one equalizer band or up to ten from text; refuses a band, a gain or a word out of place', () => {
    assert.deepEqual(edited({ kind: 'band', band: 3, gain: 6 }).equalizer, [0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(edited({ kind: 'bands', gains: '3, 2 -1.5' }).equalizer, [3, 2, -1.5, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(refused({ kind: 'band', band: 11, gain: 1 }), { kind: 'out-of-range', what: 'band', value: 11, min: 1, max: 10 });
    assert.deepEqual(refused({ kind: 'band', band: 1, gain: -13 }), { kind: 'out-of-range', what: 'gain', value: -13, min: -12, max: 12 });
    assert.deepEqual(refused({ kind: 'bands', gains: '1 2 loud' }), { kind: 'bands-not-numbers', word: 'loud' });
    assert.deepEqual(refused({ kind: 'bands', gains: '1 1 1 1 1 1 1 1 1 1 1' }), { kind: 'bands-count', count: 11, max: 10 });
    assert.deepEqual(refused({ kind: 'bands', gains: '   ' }), { kind: 'bands-count', count: 0, max: 10 });
    assert.deepEqual(refused({ kind: 'bands', gains: '20' }), { kind: 'out-of-range', what: 'gain', value: 20, min: -12, max: 12 });
  });

  it('speed, pitch and rate take 0.5 to 2; anything else (NaN included) is refused', () => {
    assert.equal(edited({ kind: 'factor', which: 'speed', value: 1.5 }).speed, 1.5);
    for (const value of [0.49, 2.01, Number.NaN, Number.POSITIVE_INFINITY]) assert.deepEqual(refused({ kind: 'factor', which: 'rate', value }), { kind: 'out-of-range', what: 'rate', value, min: 0.5, max: 2 });
  });

  it('off clears everything, or one part', () => {
    const all: Filters = { bassboost: 'low', eightD: true, equalizer: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], speed: 1.2 };
    assert.deepEqual(edited({ kind: 'off' }, all), {});
    assert.deepEqual(edited({ kind: 'off', part: '8d' }, all), { bassboost: 'low', equalizer: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], speed: 1.2 });
    assert.deepEqual(edited({ kind: 'off', part: 'equalizer' }, all), { bassboost: 'low', eightD: true, speed: 1.2 });
  });
});

describe('filters: the -af chain', () => {
  it('no filter: nothing, or only the volume', () => {
    assert.equal(chain({}), '');
    assert.equal(chain({}, 50), 'volume=0.500');
    assert.deepEqual(ffmpegArgs({ startMs: 0, volumePercent: 100, filters: {} }).includes('-af'), false);
  });

  it('each preset maps to its ffmpeg filter', () => {
    const prefix = 'aresample=48000,aformat=channel_layouts=stereo';
    assert.equal(chain({ bassboost: 'low' }), `${prefix},bass=g=5:f=150:w=0.7`);
    assert.equal(chain({ bassboost: 'medium' }), `${prefix},bass=g=10:f=150:w=0.7`);
    assert.equal(chain({ bassboost: 'high' }), `${prefix},bass=g=15:f=150:w=0.7`);
    assert.equal(chain({ nightcore: true }), `${prefix},asetrate=60000,aresample=48000`);
    assert.equal(chain({ vaporwave: true }), `${prefix},asetrate=38400,aresample=48000`);
    assert.equal(chain({ eightD: true }), `${prefix},apulsator=hz=0.125`);
    assert.equal(chain({ karaoke: true }), `${prefix},stereotools=mlev=0.015625`);
    assert.equal(chain({ tremolo: true }), `${prefix},tremolo=f=4:d=0.5`);
    assert.equal(chain({ vibrato: true }), `${prefix},vibrato=f=5:d=0.5`);
    assert.equal(chain({ equalizer: [0, 0, 0, 0, 0, 6, 0, 0, 0, -3.5] }), `${prefix},equalizer=f=1000:t=o:w=1:g=6,equalizer=f=16000:t=o:w=1:g=-3.5`);
  });

  it('speed is atempo, pitch is asetrate with atempo giving the tempo back, rate is asetrate; volume comes last', () => {
    const prefix = 'aresample=48000,aformat=channel_layouts=stereo';
    assert.equal(chain({ speed: 1.5 }), `${prefix},atempo=1.5`);
    assert.equal(chain({ pitch: 2 }), `${prefix},asetrate=96000,aresample=48000,atempo=0.5`);
    assert.equal(chain({ rate: 0.5 }), `${prefix},asetrate=24000,aresample=48000`);
    // 0.5 / 2: one atempo cannot go below 0.5 in every ffmpeg, so it is split.
    assert.equal(chain({ speed: 0.5, pitch: 2 }), `${prefix},asetrate=96000,aresample=48000,atempo=0.5,atempo=0.5`);
    assert.equal(chain({ karaoke: true }, 80), `${prefix},stereotools=mlev=0.015625,volume=0.800`);
  });

  it('a resume with filters trims in input time inside the chain, not with -ss (which counts output time)', () => {
    const args = ffmpegArgs({ startMs: 12_500, volumePercent: 100, filters: { nightcore: true } });
    assert.equal(args.includes('-ss'), false);
    assert.match(args[args.indexOf('-af') + 1] ?? '', /^aresample=48000,aformat=channel_layouts=stereo,asetpts=PTS-STARTPTS,atrim=start=12\.5,asetpts=PTS-STARTPTS,asetrate=60000/);
    const plain = ffmpegArgs({ startMs: 12_500, volumePercent: 50 });
    assert.deepEqual(plain.slice(plain.indexOf('-ss'), plain.indexOf('-ss') + 2), ['-ss', '12.500'], 'no filter: -ss as before');
  });

  it('track time per second heard: the rate the position is counted with', () => {
    assert.equal(trackRate({}), 1);
    assert.equal(trackRate({ nightcore: true }), 1.25);
    assert.equal(trackRate({ vaporwave: true }), 0.8);
    assert.equal(trackRate({ speed: 2 }), 2);
    assert.equal(trackRate({ pitch: 2 }), 1, 'pitch alone keeps the tempo');
    assert.equal(trackRate({ rate: 1.5, speed: 0.5, pitch: 1.7 }), 0.75);
  });
});
