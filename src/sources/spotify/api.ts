/** api.spotify.com: where every Web API request goes, and how its error answers read. */
import { decodeText } from '../service-api/decode';
import { ApiError } from './codecs';

export const API_BASE = 'https://api.spotify.com/v1';

export function apiUrl(path: string, query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(`${API_BASE}${path}`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

/** `{"error": {"status": 404, "message": "…"}}`: Spotify's message, for a reason. */
export function errorMessage(text: string): string | undefined {
  const error = decodeText(ApiError, text);
  return 'ok' in error ? error.ok.error.message : undefined;
}
