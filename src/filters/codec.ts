/**
 * io-ts codecs of the filters: the JSON kept in the settings field `filters` and carried to a voice
 * worker. Each number is checked against its bounds and each name against its closed list, so a value
 * that decodes is one the -af chain can be built from.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { BASS_LEVELS, canonical, canonicalJson, EQ_BAND_COUNT, EQ_MAX_DB, EQ_MIN_DB, FACTOR_MAX, FACTOR_MIN, type BassLevel, type Filters } from './model';

/** A finite number within [min, max]. */
export function numberInRange(min: number, max: number): t.Type<number, number, unknown> {
  const ok = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u) && u >= min && u <= max;
  return new t.Type<number, number, unknown>(`a number from ${min} to ${max}`, ok, (u, c) => (ok(u) ? t.success(u) : t.failure(u, c)), t.identity);
}

const BassLevelCodec = new t.Type<BassLevel, string, unknown>(
  `one of ${BASS_LEVELS.join(', ')}`,
  (u): u is BassLevel => BASS_LEVELS.some((l) => l === u),
  (u, c) => {
    const level = BASS_LEVELS.find((l) => l === u);
    return level === undefined ? t.failure(u, c) : t.success(level);
  },
  t.identity,
);

const Gain = numberInRange(EQ_MIN_DB, EQ_MAX_DB);
const EqualizerCodec = new t.Type<readonly number[], readonly number[], unknown>(
  `${EQ_BAND_COUNT} gains in dB, each from ${EQ_MIN_DB} to ${EQ_MAX_DB}`,
  (u): u is readonly number[] => Array.isArray(u) && u.length === EQ_BAND_COUNT && u.every((g) => Gain.is(g)),
  (u, c) => (Array.isArray(u) && u.length === EQ_BAND_COUNT && u.every((g) => Gain.is(g)) ? t.success(u.map(Number)) : t.failure(u, c)),
  t.identity,
);

const Factor = numberInRange(FACTOR_MIN, FACTOR_MAX);
const On = t.literal(true);

const FilterFields = t.exact(
  t.partial({
    bassboost: BassLevelCodec,
    nightcore: On,
    vaporwave: On,
    eightD: On,
    karaoke: On,
    tremolo: On,
    vibrato: On,
    equalizer: EqualizerCodec,
    speed: Factor,
    pitch: Factor,
    rate: Factor,
  }),
);

/** The filters as a JSON object (unknown fields are dropped; neutral values are left out on encode). */
export const FiltersCodec = new t.Type<Filters, Filters, unknown>(
  'filters {bassboost?, nightcore?, vaporwave?, eightD?, karaoke?, tremolo?, vibrato?, equalizer?, speed?, pitch?, rate?}',
  (u): u is Filters => FilterFields.is(u),
  (u, c) => {
    const r = FilterFields.validate(u, c);
    return isLeft(r) ? r : t.success(canonical(r.right));
  },
  canonical,
);

/** The settings hash field `filters`: the JSON text of FiltersCodec. */
export const FiltersFromString = new t.Type<Filters, string, unknown>(
  'filters as JSON',
  FiltersCodec.is,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected JSON text');
    let parsed: unknown;
    try {
      parsed = JSON.parse(u);
    } catch {
      return t.failure(u, c, 'filters: not JSON');
    }
    return FiltersCodec.validate(parsed, c);
  },
  canonicalJson,
);
