/**
 * amp-api.music.apple.com, the Apple Music API host the web player uses: every request carries the
 * developer token and the player's Origin, which the host checks. `next` links are paths on this host.
 */
import { decodeText } from '../service-api/decode';
import { ErrorAnswer } from './codecs';

export const API_ORIGIN = 'https://amp-api.music.apple.com';
/** The Origin the web player sends; amp-api answers 401 to a token from another origin. */
export const PLAYER_ORIGIN = 'https://music.apple.com';

export function catalogUrl(storefront: string, path: string): string {
  return `${API_ORIGIN}/v1/catalog/${encodeURIComponent(storefront)}${path}`;
}

/** A `next` path as an URL on the API host; undefined for anything else (a full URL, another host). */
export function nextUrl(next: string | null | undefined): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/v1/')) return undefined;
  return `${API_ORIGIN}${next}`;
}

/** `{"errors": [{"title", "detail"}]}`: Apple's words, for a reason. */
export function errorMessage(text: string): string | undefined {
  const answer = decodeText(ErrorAnswer, text);
  const first = 'ok' in answer ? answer.ok.errors[0] : undefined;
  return first?.detail ?? first?.title;
}
