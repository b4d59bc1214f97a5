/**
 * Twitch's answers read through the Fetcher: every status comes back with its body (GQL and usher say
 * why in JSON), and every way a request can go wrong becomes a value, never a throw.
 */
import { BROWSER_USER_AGENT, requestText, type HttpAnswer, type HttpRequest } from '../service-api/http';
import type { Fetcher } from '../types';

/** GQL answers and master playlists are a few KiB; default cap 1 MiB. */
export const DEFAULT_TEXT_MAX_BYTES = 1024 * 1024;

/** Any status with its whole body as UTF-8 text, within the cap, with a browser's user agent. */
export function fetchAnswer(fetch: Fetcher, url: string, request: HttpRequest): Promise<HttpAnswer> {
  return requestText(fetch, url, { ...request, headers: { 'user-agent': BROWSER_USER_AGENT, ...request.headers }, maxBytes: DEFAULT_TEXT_MAX_BYTES });
}
