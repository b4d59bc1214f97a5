/** Every API error is `{error, detail}` with one status; OpError kinds keep their names as `error`. */
import { DEFAULT_LOCALE, translator } from '../../i18n';
import { opErrorMessage, type OpError } from '../../ops';

/** The API speaks English. */
const english = translator(DEFAULT_LOCALE);

export interface ApiError {
  readonly status: number;
  /** A stable, machine-readable code: an OpError kind, or one of the API's own below. */
  readonly error: string;
  /** A sentence for people: what went wrong and what to do. */
  readonly detail: string;
}

export const apiError = (status: number, error: string, detail: string): ApiError => ({ status, error, detail });

/**
 * The status of each refusal: the request itself is wrong (400, a refused link or an unplayable item
 * included), names nothing there (404, a search without results), clashes with the guild's state (409),
 * a service failed (502), or nothing can be done now (503: Redis, sources cooling down).
 */
export function opErrorStatus(e: OpError): number {
  switch (e.kind) {
    case 'invalid-input':
    case 'query-too-long':
    case 'empty-query':
    case 'link-refused':
    case 'source-unavailable':
    case 'bad-position':
    case 'volume-out-of-range':
    case 'page-out-of-range':
    case 'playlist-empty':
      return 400;
    case 'not-yours':
      return 403;
    case 'index-out-of-range':
    case 'no-results':
    case 'history-gone':
      return 404;
    case 'queue-empty':
    case 'queue-full':
    case 'user-limit':
    case 'position-beyond-end':
    case 'not-seekable':
    case 'not-playing':
    case 'not-paused':
    case 'no-channel':
    case 'changed':
    case 'still-corrupt':
    case 'history-empty':
    case 'history-corrupt':
      return 409;
    case 'source-failed':
      return 502;
    case 'unavailable':
    case 'cooling-down':
    case 'cancelled':
      return 503;
  }
}

/** The shared wording, except where it names a Discord command an API client cannot use. */
export function fromOpError(e: OpError): ApiError {
  switch (e.kind) {
    case 'no-channel':
      return apiError(409, e.kind, 'The guild has no voice channel to play in yet. Pass "channel" (a voice channel id) in the request.');
    case 'queue-empty':
      return apiError(409, e.kind, 'The queue is empty. Add tracks with POST /api/v1/guilds/{id}/tracks first.');
    case 'history-empty':
      return apiError(409, e.kind, 'Nothing has been played in this guild yet (the history is empty).');
    case 'history-gone':
      return apiError(404, e.kind, 'That track is not in the history any more. GET /api/v1/guilds/{id}/history for the current entries.');
    case 'invalid-input':
      return apiError(400, e.kind, e.problems.join('; '));
    default:
      return apiError(opErrorStatus(e), e.kind, opErrorMessage(e, english, DEFAULT_LOCALE));
  }
}
