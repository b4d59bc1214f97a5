/**
 * Changes to a guild's filters, as `/filter`, the REST API or the CLI ask for them: pure functions from
 * the current filters and a typed change to the new filters, or a refusal that says what is allowed.
 */
import * as t from 'io-ts';
import { oneOf } from '../codecs';
import { BASS_LEVELS, canonical, EQ_BAND_COUNT, EQ_MAX_DB, EQ_MIN_DB, FACTOR_MAX, FACTOR_MIN, PRESETS, type Filters, type PresetName } from './model';

/** What `/filter off` can turn off one at a time: a preset or a control. */
export const FILTER_PARTS = [...PRESETS, 'equalizer', 'speed', 'pitch', 'rate'] as const;
export type FilterPart = (typeof FILTER_PARTS)[number];

export const FACTORS = ['speed', 'pitch', 'rate'] as const;
export type Factor = (typeof FACTORS)[number];

/** Numbers arrive as they were given (any number): the bounds are the edit's to check and explain. */
export const FilterChange = t.union([
  t.intersection([t.type({ kind: t.literal('preset'), name: oneOf(PRESETS) }), t.partial({ level: oneOf(BASS_LEVELS) })]),
  /** One equalizer band (1 to 10) set to a gain in dB. */
  t.type({ kind: t.literal('band'), band: t.number, gain: t.number }),
  /** Up to ten gains in dB as text ("3 2 0 0 -2"), for the bands from the lowest; the rest are flat. */
  t.type({ kind: t.literal('bands'), gains: t.string }),
  t.type({ kind: t.literal('factor'), which: oneOf(FACTORS), value: t.number }),
  /** Without `part`: every filter. */
  t.intersection([t.type({ kind: t.literal('off') }), t.partial({ part: oneOf(FILTER_PARTS) })]),
]);
export type FilterChange = t.TypeOf<typeof FilterChange>;

export type FilterRefusal =
  /** `value` as given, `min` and `max` the bounds. */
  | { readonly kind: 'out-of-range'; readonly what: 'band' | 'gain' | Factor; readonly value: number; readonly min: number; readonly max: number }
  /** The bands text has a word that is not a number. */
  | { readonly kind: 'bands-not-numbers'; readonly word: string }
  | { readonly kind: 'bands-count'; readonly count: number; readonly max: number };

export type EditOutcome = { readonly kind: 'ok'; readonly filters: Filters } | { readonly kind: 'refused'; readonly refusal: FilterRefusal };

const ok = (filters: Filters): EditOutcome => ({ kind: 'ok', filters: canonical(filters) });
const refuse = (refusal: FilterRefusal): EditOutcome => ({ kind: 'refused', refusal });

function within(value: number, min: number, max: number): boolean {
  return Number.isFinite(value) && value >= min && value <= max;
}

function withPreset(f: Filters, name: PresetName, level: Filters['bassboost']): Filters {
  switch (name) {
    case 'bassboost':
      return { ...f, bassboost: level ?? 'medium' };
    // Both set the playback rate: the newer one wins.
    case 'nightcore':
      return { ...f, nightcore: true, vaporwave: undefined };
    case 'vaporwave':
      return { ...f, vaporwave: true, nightcore: undefined };
    case '8d':
      return { ...f, eightD: true };
    case 'karaoke':
      return { ...f, karaoke: true };
    case 'tremolo':
      return { ...f, tremolo: true };
    case 'vibrato':
      return { ...f, vibrato: true };
  }
}

function without(f: Filters, part: FilterPart): Filters {
  switch (part) {
    case 'bassboost':
      return { ...f, bassboost: undefined };
    case '8d':
      return { ...f, eightD: undefined };
    case 'nightcore':
    case 'vaporwave':
    case 'karaoke':
    case 'tremolo':
    case 'vibrato':
    case 'equalizer':
    case 'speed':
    case 'pitch':
    case 'rate':
      return { ...f, [part]: undefined };
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function parseGains(text: string): { readonly kind: 'gains'; readonly gains: number[] } | { readonly kind: 'refused'; readonly refusal: FilterRefusal } {
  const words = text.split(/[\s,;]+/).filter((w) => w.length > 0);
  if (words.length === 0 || words.length > EQ_BAND_COUNT) return { kind: 'refused', refusal: { kind: 'bands-count', count: words.length, max: EQ_BAND_COUNT } };
  const gains: number[] = [];
  for (const word of words) {
    if (!NUMBER.test(word)) return { kind: 'refused', refusal: { kind: 'bands-not-numbers', word: word.slice(0, 20) } };
    const gain = Number(word);
    if (!within(gain, EQ_MIN_DB, EQ_MAX_DB)) return { kind: 'refused', refusal: { kind: 'out-of-range', what: 'gain', value: gain, min: EQ_MIN_DB, max: EQ_MAX_DB } };
    gains.push(gain);
  }
  while (gains.length < EQ_BAND_COUNT) gains.push(0);
  return { kind: 'gains', gains };
}

export function applyChange(current: Filters, change: FilterChange): EditOutcome {
  switch (change.kind) {
    case 'preset':
      return ok(withPreset(current, change.name, change.level));
    case 'band': {
      if (!Number.isInteger(change.band) || change.band < 1 || change.band > EQ_BAND_COUNT) return refuse({ kind: 'out-of-range', what: 'band', value: change.band, min: 1, max: EQ_BAND_COUNT });
      if (!within(change.gain, EQ_MIN_DB, EQ_MAX_DB)) return refuse({ kind: 'out-of-range', what: 'gain', value: change.gain, min: EQ_MIN_DB, max: EQ_MAX_DB });
      const gains = [...(current.equalizer ?? new Array<number>(EQ_BAND_COUNT).fill(0))];
      gains[change.band - 1] = change.gain;
      return ok({ ...current, equalizer: gains });
    }
    case 'bands': {
      const parsed = parseGains(change.gains);
      return parsed.kind === 'refused' ? refuse(parsed.refusal) : ok({ ...current, equalizer: parsed.gains });
    }
    case 'factor':
      if (!within(change.value, FACTOR_MIN, FACTOR_MAX)) return refuse({ kind: 'out-of-range', what: change.which, value: change.value, min: FACTOR_MIN, max: FACTOR_MAX });
      return ok({ ...current, [change.which]: change.value });
    case 'off':
      return ok(change.part === undefined ? {} : without(current, change.part));
  }
}
