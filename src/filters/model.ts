/**
 * A guild's audio filters as typed values (issue 16): what `/filter` sets, what Redis keeps in the
 * settings field `filters`, and what src/filters/chain.ts turns into ffmpeg's `-af`. Every value here
 * is a closed choice or a number within its bounds, so the chain is built from data hiqty chose, never
 * from text a member typed.
 */

/** The named presets `/filter preset` offers. */
export const PRESETS = ['bassboost', 'nightcore', 'vaporwave', '8d', 'karaoke', 'tremolo', 'vibrato'] as const;
export type PresetName = (typeof PRESETS)[number];

/** How strong the bass boost is; `medium` when `/filter preset name:bassboost` names no level. */
export const BASS_LEVELS = ['low', 'medium', 'high'] as const;
export type BassLevel = (typeof BASS_LEVELS)[number];

/** Gain in dB of each bass level's low shelf (src/filters/chain.ts). */
export const BASS_GAIN_DB: Readonly<Record<BassLevel, number>> = { low: 5, medium: 10, high: 15 };

/** The playback rate of the nightcore and vaporwave presets: pitch and tempo together, as a record played faster or slower. */
export const NIGHTCORE_RATE = 1.25;
export const VAPORWAVE_RATE = 0.8;

/** Centre frequencies (Hz) of the 10-band equalizer, one octave apart, as on a hi-fi graphic equalizer. */
export const EQ_BANDS_HZ = [31, 62, 125, 250, 500, 1000, 2000, 4000, 8000, 16000] as const;
export const EQ_BAND_COUNT = EQ_BANDS_HZ.length;
/** Bounds of one band's gain, in dB. */
export const EQ_MIN_DB = -12;
export const EQ_MAX_DB = 12;

/** Bounds of speed (tempo only), pitch (pitch only) and rate (both): half to double. */
export const FACTOR_MIN = 0.5;
export const FACTOR_MAX = 2;

/**
 * Every field is optional; an absent field is "off". Presets of one kind replace each other when set
 * through `/filter` (nightcore and vaporwave; the bass levels), but a hand-written value with both is
 * still valid: their rates multiply.
 */
export interface Filters {
  readonly bassboost?: BassLevel;
  readonly nightcore?: true;
  readonly vaporwave?: true;
  /** "8D": the sound circles the listener (a slow left-right pulsation). */
  readonly eightD?: true;
  /** Removes what is the same in both channels (the centre, where vocals usually are). */
  readonly karaoke?: true;
  readonly tremolo?: true;
  readonly vibrato?: true;
  /** Ten gains in dB, one per EQ_BANDS_HZ entry. */
  readonly equalizer?: readonly number[];
  /** Tempo without pitch. */
  readonly speed?: number;
  /** Pitch without tempo. */
  readonly pitch?: number;
  /** Tempo and pitch together. */
  readonly rate?: number;
}

export const NO_FILTERS: Filters = {};

/** True when the filters change nothing: a track at 100 % volume can then pass straight through. */
export function isNeutral(f: Filters): boolean {
  return (
    f.bassboost === undefined &&
    f.nightcore === undefined &&
    f.vaporwave === undefined &&
    f.eightD === undefined &&
    f.karaoke === undefined &&
    f.tremolo === undefined &&
    f.vibrato === undefined &&
    (f.equalizer === undefined || f.equalizer.every((g) => g === 0)) &&
    (f.speed === undefined || f.speed === 1) &&
    (f.pitch === undefined || f.pitch === 1) &&
    (f.rate === undefined || f.rate === 1)
  );
}

/** The factor of asetrate (pitch and tempo): rate, the nightcore and vaporwave rates, and pitch. */
export function resampleFactor(f: Filters): number {
  return (f.rate ?? 1) * (f.nightcore ? NIGHTCORE_RATE : 1) * (f.vaporwave ? VAPORWAVE_RATE : 1) * (f.pitch ?? 1);
}

/** The factor of atempo (tempo only): speed, and the tempo a pitch change must give back. */
export function tempoFactor(f: Filters): number {
  return (f.speed ?? 1) / (f.pitch ?? 1);
}

/**
 * How much track time one second of what the listener hears covers: 1.25 under nightcore, 2 at speed 2.
 * The engine counts the audio it sent; the track position is that count times this (see positionOf in
 * controllers/player/playback.ts), so status, resume, failover and seek stay in track time.
 */
export function trackRate(f: Filters): number {
  return resampleFactor(f) * tempoFactor(f);
}

/** Same filters (for the reconciler: a change restarts the track at the position). */
export function sameFilters(a: Filters, b: Filters): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The filters as JSON with a fixed key order and no neutral values, for comparing and storing. */
export function canonicalJson(f: Filters): string {
  return JSON.stringify(canonical(f));
}

/** Drops neutral values (a flat equalizer, a factor of 1) and orders the keys. */
export function canonical(f: Filters): Filters {
  return {
    ...(f.bassboost === undefined ? {} : { bassboost: f.bassboost }),
    ...(f.nightcore ? { nightcore: true } : {}),
    ...(f.vaporwave ? { vaporwave: true } : {}),
    ...(f.eightD ? { eightD: true } : {}),
    ...(f.karaoke ? { karaoke: true } : {}),
    ...(f.tremolo ? { tremolo: true } : {}),
    ...(f.vibrato ? { vibrato: true } : {}),
    ...(f.equalizer === undefined || f.equalizer.every((g) => g === 0) ? {} : { equalizer: [...f.equalizer] }),
    ...(f.speed === undefined || f.speed === 1 ? {} : { speed: f.speed }),
    ...(f.pitch === undefined || f.pitch === 1 ? {} : { pitch: f.pitch }),
    ...(f.rate === undefined || f.rate === 1 ? {} : { rate: f.rate }),
  };
}
