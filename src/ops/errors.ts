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

/** How a source is named to people: "YouTube", "SoundCloud"; an unknown name as it is. */
export function sourceLabel(source: string): string {
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
  url: 'Link',
  'url-playlist': 'Playlist',
  attachment: 'Attachment',
};

/** "YouTube", "YouTube and SoundCloud", "A, B and C". */
export function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
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

/** The user-facing sentence for an error: what went wrong, then what to do. */
export function opErrorMessage(e: OpError): string {
  switch (e.kind) {
    case 'invalid-input':
      return `That input is not valid (${e.problems.join('; ')}). Check the options and try again.`;
    case 'query-too-long':
      return `That query is ${e.length} characters long; the limit is ${e.max}. Use fewer words or a shorter link.`;
    case 'empty-query':
      return 'Tell me what to play: some words to search for, a link, or an audio file.';
    case 'link-refused':
      return `I can't play that link: ${e.reason}. Paste a link to a YouTube or SoundCloud page, an audio file or a playlist.`;
    case 'source-unavailable':
      return `${sourceLabel(e.source)} says this ${e.source === 'youtube' || e.source === 'vimeo' ? 'video' : 'track'} is not available: ${e.reason}. Try another one.`;
    case 'source-failed':
      return `${sourceLabel(e.source)} did not answer properly (${e.reason}). Try again in a minute, or paste a link from elsewhere.`;
    case 'cooling-down':
      return `${listOf(e.sources.map(sourceLabel))} search ${e.sources.length === 1 ? 'is' : 'are'} resting after errors; try again in a minute or paste a link.`;
    case 'no-results': {
      const skipped = e.skipped.length === 0 ? '' : ` (${e.skipped.map((s) => `${sourceLabel(s.source)} skipped: ${s.reason}`).join('; ')})`;
      return `Nothing found for "${clip(e.query, 80)}"${skipped}. Try other words, a yt:, ytm:, sc: or bc: prefix, or paste a link.`;
    }
    case 'playlist-empty':
      return `That ${e.what} has nothing playable in it. Check the link, or queue its tracks one by one.`;
    case 'cancelled':
      return 'That was cancelled before anything was queued. Try again.';
    case 'queue-empty':
      return 'The queue is empty. Add something with /play first.';
    case 'index-out-of-range':
      return `There is no track ${e.index}: the queue has ${e.length} ${e.length === 1 ? 'track' : 'tracks'} (1 is the current one). See /queue for the numbers.`;
    case 'queue-full':
      return `The queue is full (at most ${e.limit} tracks). Wait for some to play, or ask a DJ to /clear or /remove some.`;
    case 'user-limit':
      return `You already have the most tracks one member may queue (${e.limit}). Wait for some of yours to play.`;
    case 'bad-position':
      return `"${e.input.slice(0, 40)}" is not a position. Write minutes:seconds like 1:23, or seconds like 83 (1:02:03 works too).`;
    case 'position-beyond-end':
      return `The track is only ${formatDuration(e.durationMs)} long, so ${formatDuration(e.positionMs)} is past its end. Pick an earlier position.`;
    case 'not-seekable':
      return 'This track is a live stream, which cannot be seeked. Use /skip to move on.';
    case 'volume-out-of-range':
      return `The volume must be from 0 to 200 percent, not ${e.percent}. 100 is the track's own level.`;
    case 'not-playing':
      return 'Nothing is playing right now. Use /resume if it is paused, or /play to start something.';
    case 'not-paused':
      return 'The music is not paused. Use /pause to pause it.';
    case 'no-channel':
      return 'There is no voice channel to play in. Join a voice channel and use /play.';
    case 'page-out-of-range':
      return `There is no page ${e.page}: the queue has ${e.pages} ${e.pages === 1 ? 'page' : 'pages'}. Pick a page from 1 to ${e.pages}.`;
    case 'not-yours':
      return `Track ${e.index} was added by ${e.owner}. Only they or a DJ can remove it.`;
    case 'unavailable':
      return 'Something went wrong on my side and nothing was changed. Try again in a moment.';
    case 'changed':
      return 'The queue changed while I was working on it. Look at /queue and try again.';
    case 'history-empty':
      return 'Nothing has been played here yet, so there is nothing to go back to. Use /play first.';
    case 'history-corrupt':
      return `The last entry of the history could not be read (${e.reason}); it was set aside in the quarantine. Try again to go back further.`;
    case 'history-gone':
      return 'That track is not in the history any more. Run /history again to pick from it.';
    case 'still-corrupt':
      return `Quarantined entry ${e.index} still is not a valid track (${e.reason}). Fix it in Redis first, or leave it.`;
  }
}
