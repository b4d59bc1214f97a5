import type { Locale, Translate } from '../i18n';

/**
 * Every way an operation can refuse, as a closed union. Each interface (Discord, REST, CLI) folds it
 * once, at its edge; `opErrorMessage` is the shared wording, which always says what to do next.
 */
export type OpError =
  | { readonly kind: 'invalid-input'; readonly problems: readonly string[] }
  | { readonly kind: 'query-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'empty-query' }
  /** A link (or an attachment's URL) that will not play, refused before anything was queued. */
  | { readonly kind: 'link-refused'; readonly reason: string }
  /** The service says this item cannot be played (private, removed, sign-in, geo-block, DRM, preview only). */
  | { readonly kind: 'source-unavailable'; readonly source: string; readonly reason: string }
  /** The service did not answer properly. */
  | { readonly kind: 'source-failed'; readonly source: string; readonly reason: string }
  /** Every source a search would ask is resting after repeated failures. */
  | { readonly kind: 'cooling-down'; readonly sources: readonly string[] }
  | { readonly kind: 'no-results'; readonly query: string; readonly skipped: readonly { readonly source: string; readonly reason: string }[] }
  /** A playlist, set or likes page without a playable entry. */
  | { readonly kind: 'playlist-empty'; readonly what: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'queue-empty' }
  | { readonly kind: 'index-out-of-range'; readonly index: number; readonly length: number }
  | { readonly kind: 'queue-full'; readonly limit: number }
  | { readonly kind: 'user-limit'; readonly limit: number }
  | { readonly kind: 'bad-position'; readonly input: string }
  | { readonly kind: 'position-beyond-end'; readonly positionMs: number; readonly durationMs: number }
  | { readonly kind: 'not-seekable' }
  | { readonly kind: 'volume-out-of-range'; readonly percent: number }
  | { readonly kind: 'not-playing' }
  | { readonly kind: 'not-paused' }
  | { readonly kind: 'no-channel' }
  | { readonly kind: 'page-out-of-range'; readonly page: number; readonly pages: number }
  | { readonly kind: 'not-yours'; readonly index: number; readonly owner: string }
  | { readonly kind: 'changed' }
  /** A quarantined entry that still does not decode as a track, so it cannot go back into the queue. */
  | { readonly kind: 'still-corrupt'; readonly index: number; readonly reason: string }
  /** Nothing in the guild's history (hiqty:server:{g}:history) to go back to or requeue. */
  | { readonly kind: 'history-empty' }
  /** The newest history entry did not decode; it was moved to the quarantine, so the next try goes on past it. */
  | { readonly kind: 'history-corrupt'; readonly reason: string }
  /** A history pick names a track that is not in the history any more (a stale menu). */
  | { readonly kind: 'history-gone' }
  /** Redis did not answer or answered nonsense: not the user's fault. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Sources whose name is a word, not a brand: it is translated. */
const WORD_SOURCES: ReadonlySet<string> = new Set(['url', 'url-playlist', 'attachment']);

/** How a source is named to people: "YouTube", "SoundCloud", "Link" in the reader's language; an unknown name as it is. */
export function sourceLabel(source: string, t: Translate): string {
  if (WORD_SOURCES.has(source)) return t(`errors:source.${source}`);
  return SOURCE_LABELS[source] ?? source;
}

const SOURCE_LABELS: Readonly<Record<string, string>> = {
  youtube: 'YouTube',
  'youtube-music': 'YouTube Music',
  soundcloud: 'SoundCloud',
  bandcamp: 'Bandcamp',
  twitch: 'Twitch',
  vimeo: 'Vimeo',
  spotify: 'Spotify',
  'apple-music': 'Apple Music',
  deezer: 'Deezer',
};

/**
 * "YouTube", "YouTube and SoundCloud", "A, B and C" as the language writes a list (Intl.ListFormat).
 * English lists follow en-GB, without the serial comma, as hiqty always wrote them.
 */
export function listOf(names: readonly string[], locale: Locale): string {
  return new Intl.ListFormat(locale === 'en' ? 'en-GB' : locale, { style: 'long', type: 'conjunction' }).format(names);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * The user-facing sentence for an error, in the reader's language: what went wrong, then what to do.
 * The REST API and the CLI speak English: they pass `translator(DEFAULT_LOCALE)` and DEFAULT_LOCALE.
 */
export function opErrorMessage(e: OpError, t: Translate, locale: Locale): string {
  const source = (name: string): string => sourceLabel(name, t);
  switch (e.kind) {
    case 'invalid-input':
      return t('errors:invalid-input', { problems: e.problems.join('; ') });
    case 'query-too-long':
      return t('errors:query-too-long', { length: e.length, max: e.max });
    case 'empty-query':
      return t('errors:empty-query');
    case 'link-refused':
      return t('errors:link-refused', { reason: e.reason });
    case 'source-unavailable':
      return t(e.source === 'youtube' || e.source === 'vimeo' ? 'errors:source-unavailable-video' : 'errors:source-unavailable-track', { source: source(e.source), reason: e.reason });
    case 'source-failed':
      return t('errors:source-failed', { source: source(e.source), reason: e.reason });
    case 'cooling-down':
      return t('errors:cooling-down', { sources: listOf(e.sources.map(source), locale), count: e.sources.length });
    case 'no-results': {
      const query = clip(e.query, 80);
      if (e.skipped.length === 0) return t('errors:no-results', { query });
      return t('errors:no-results-skipped', { query, skipped: e.skipped.map((s) => t('errors:skipped-source', { source: source(s.source), reason: s.reason })).join('; ') });
    }
    case 'playlist-empty':
      return t('errors:playlist-empty', { what: e.what === 'playlist' || e.what === 'answer' ? t(`errors:what.${e.what}`) : e.what });
    case 'cancelled':
      return t('errors:cancelled');
    case 'queue-empty':
      return t('errors:queue-empty');
    case 'index-out-of-range':
      return t('errors:index-out-of-range', { index: e.index, count: e.length });
    case 'queue-full':
      return t('errors:queue-full', { limit: e.limit });
    case 'user-limit':
      return t('errors:user-limit', { limit: e.limit });
    case 'bad-position':
      return t('errors:bad-position', { input: e.input.slice(0, 40) });
    case 'position-beyond-end':
      return t('errors:position-beyond-end', { duration: formatDuration(e.durationMs), position: formatDuration(e.positionMs) });
    case 'not-seekable':
      return t('errors:not-seekable');
    case 'volume-out-of-range':
      return t('errors:volume-out-of-range', { percent: e.percent });
    case 'not-playing':
      return t('errors:not-playing');
    case 'not-paused':
      return t('errors:not-paused');
    case 'no-channel':
      return t('errors:no-channel');
    case 'page-out-of-range':
      return t('errors:page-out-of-range', { page: e.page, count: e.pages });
    case 'not-yours':
      return t('errors:not-yours', { index: e.index, owner: e.owner });
    case 'unavailable':
      return t('errors:unavailable');
    case 'changed':
      return t('errors:changed');
    case 'history-empty':
      return t('history:history.empty');
    case 'history-corrupt':
      return t('history:history.corrupt', { reason: e.reason });
    case 'history-gone':
      return t('history:history.gone');
    case 'still-corrupt':
      return t('errors:still-corrupt', { index: e.index, reason: e.reason });
  }
}
