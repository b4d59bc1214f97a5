/**
 * The filters and the refusals of a change in words, in any language (messages in
 * src/i18n/messages/filters.ts): for /filter's replies and the REST API's error details (English).
 */
import type { Translate } from '../i18n';
import type { FilterRefusal } from './edit';
import { EQ_BANDS_HZ, type Filters } from './model';

function hz(band: number): string {
  return band >= 1000 ? `${band / 1000} kHz` : `${band} Hz`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** "bass boost (high), nightcore, equalizer (31 Hz +3 dB, 1 kHz -2 dB), speed ×1.5". */
export function describeFilters(f: Filters, t: Translate): string {
  const parts: string[] = [];
  if (f.bassboost !== undefined) parts.push(t('filters:name.bassboost', { level: t(`filters:level.${f.bassboost}`) }));
  if (f.nightcore) parts.push(t('filters:name.nightcore'));
  if (f.vaporwave) parts.push(t('filters:name.vaporwave'));
  if (f.eightD) parts.push(t('filters:name.8d'));
  if (f.karaoke) parts.push(t('filters:name.karaoke'));
  if (f.tremolo) parts.push(t('filters:name.tremolo'));
  if (f.vibrato) parts.push(t('filters:name.vibrato'));
  const eq = f.equalizer ?? [];
  const bands = EQ_BANDS_HZ.flatMap((b, i) => ((eq[i] ?? 0) === 0 ? [] : [`${hz(b)} ${signed(eq[i] ?? 0)} dB`]));
  if (bands.length > 0) parts.push(t('filters:name.equalizer', { bands: bands.join(', ') }));
  for (const which of ['speed', 'pitch', 'rate'] as const) {
    const value = f[which];
    if (value !== undefined && value !== 1) parts.push(t(`filters:name.${which}`, { value: String(value) }));
  }
  return parts.join(', ');
}

export function refusalText(r: FilterRefusal, t: Translate): string {
  switch (r.kind) {
    case 'out-of-range':
      return t(`filters:range.${r.what}`, { min: r.min, max: r.max, value: String(r.value) });
    case 'bands-not-numbers':
      // Member text in a code span: a backtick would close it early.
      return t('filters:bands-not-numbers', { word: r.word.replaceAll('`', "'") });
    case 'bands-count':
      return t('filters:bands-count', { max: r.max, given: r.count });
  }
}
