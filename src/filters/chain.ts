/**
 * The `-af` filter chain of the one ffmpeg (DESIGN.md §6), built from typed values only: every name is
 * a constant here and every number is formatted from a decoded, bounded number. No member text reaches
 * ffmpeg's arguments.
 */
import { BASS_GAIN_DB, EQ_BANDS_HZ, isNeutral, resampleFactor, tempoFactor, type Filters } from './model';

/** The rate everything is resampled to before asetrate, so a factor means the same for every input. */
const WORK_RATE = 48_000;

/**
 * The bass boost is a low shelf (ffmpeg's `bass`) with its corner at 150 Hz and a Q of 0.7: everything under
 * about 100 Hz (kick, bass line) gets nearly the whole gain, 120 Hz about three quarters of it, 2 kHz none.
 */
const BASS_HZ = 150;
const BASS_Q = 0.7;
/** stereotools' mid level for karaoke: the example of ffmpeg's own documentation (1/64). */
const KARAOKE_MID_LEVEL = 0.015625;
/** One turn of the 8D circle every 8 seconds. */
const EIGHT_D_HZ = 0.125;
const TREMOLO = { hz: 4, depth: 0.5 };
const VIBRATO = { hz: 5, depth: 0.5 };
/** atempo takes 0.5 to 2 per instance in every ffmpeg version; a factor beyond is split. */
const ATEMPO_MIN = 0.5;
const ATEMPO_MAX = 2;

/** Six decimals at most, no exponent, no trailing zeros: "1.25", "0.015625". */
function num(n: number): string {
  return String(Number(n.toFixed(6)));
}

function atempos(factor: number): string[] {
  const parts: string[] = [];
  let left = factor;
  while (left > ATEMPO_MAX) {
    parts.push(`atempo=${num(ATEMPO_MAX)}`);
    left /= ATEMPO_MAX;
  }
  while (left < ATEMPO_MIN) {
    parts.push(`atempo=${num(ATEMPO_MIN)}`);
    left /= ATEMPO_MIN;
  }
  if (Math.abs(left - 1) > 1e-9) parts.push(`atempo=${num(left)}`);
  return parts;
}

export interface ChainSettings {
  readonly filters: Filters;
  /** 100 is unchanged. */
  readonly volumePercent: number;
  /** Input time to drop first (a resume or a seek), in ms. */
  readonly skipMs: number;
}

/**
 * The filters as a list of ffmpeg filters, in order. With no filter only `volume` may be there (and the
 * skip stays ffmpeg's `-ss`, see transcode.ts); with filters the skip is an `atrim` at the head of the
 * chain, because `-ss` counts output time and speed, rate and the presets that carry them change how
 * much input one output second is.
 */
export function filterSteps({ filters, volumePercent, skipMs }: ChainSettings): string[] {
  const volume = volumePercent === 100 ? [] : [`volume=${(Math.max(0, volumePercent) / 100).toFixed(3)}`];
  if (isNeutral(filters)) return volume;
  const steps = [`aresample=${WORK_RATE}`, 'aformat=channel_layouts=stereo'];
  if (skipMs > 0) steps.push('asetpts=PTS-STARTPTS', `atrim=start=${num(skipMs / 1000)}`, 'asetpts=PTS-STARTPTS');
  const eq = filters.equalizer ?? [];
  EQ_BANDS_HZ.forEach((hz, i) => {
    const gain = eq[i] ?? 0;
    if (gain !== 0) steps.push(`equalizer=f=${hz}:t=o:w=1:g=${num(gain)}`);
  });
  if (filters.bassboost !== undefined) steps.push(`bass=g=${num(BASS_GAIN_DB[filters.bassboost])}:f=${BASS_HZ}:w=${num(BASS_Q)}`);
  if (filters.karaoke) steps.push(`stereotools=mlev=${num(KARAOKE_MID_LEVEL)}`);
  if (filters.tremolo) steps.push(`tremolo=f=${num(TREMOLO.hz)}:d=${num(TREMOLO.depth)}`);
  if (filters.vibrato) steps.push(`vibrato=f=${num(VIBRATO.hz)}:d=${num(VIBRATO.depth)}`);
  if (filters.eightD) steps.push(`apulsator=hz=${num(EIGHT_D_HZ)}`);
  const resample = resampleFactor(filters);
  if (Math.abs(resample - 1) > 1e-9) steps.push(`asetrate=${num(WORK_RATE * resample)}`, `aresample=${WORK_RATE}`);
  steps.push(...atempos(tempoFactor(filters)));
  steps.push(...volume);
  return steps;
}

/** True when the chain carries the skip itself (ffmpeg must then get no `-ss`). */
export function chainTrims(filters: Filters): boolean {
  return !isNeutral(filters);
}
