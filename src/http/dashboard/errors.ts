/** The dashboard's JSON errors: `{error, detail}` as the REST API's, and the 401 that sends the page back to login. */
import type { FastifyReply } from 'fastify';
import { apiError, type ApiError } from '../api/errors';
import { LOGIN_PATH } from './paths';

export interface DashError extends ApiError {
  /** Where to log in again (401 only). */
  readonly login?: string;
}

export const sessionExpired = (detail: string): DashError => ({ status: 401, error: 'session-expired', detail, login: LOGIN_PATH });

/** A guild the user is not in, or the bot is not in: never 403, so nobody learns which guilds the bot serves. */
export const unknownGuild = (guild: string): DashError => apiError(404, 'unknown-guild', `There is no server ${guild} that both you and the bot are in.`);

export const forbidden = (detail: string): DashError => apiError(403, 'forbidden', detail);

export const crossOrigin = (): DashError => apiError(403, 'cross-origin', 'This request did not come from the dashboard\'s own page (its Origin header is missing or another site\'s). Reload the dashboard and try again.');

export const badCsrf = (missing: boolean): DashError =>
  apiError(403, 'csrf', missing ? 'The request has no x-csrf-token header. Reload the dashboard and try again.' : 'The x-csrf-token header does not match this session. Reload the dashboard and try again.');

export const unavailable = (detail: string): DashError => apiError(503, 'unavailable', detail);

export function sendError(reply: FastifyReply, e: DashError): FastifyReply {
  return reply
    .code(e.status)
    .type('application/json')
    .header('cache-control', 'no-store')
    .send({ error: e.error, detail: e.detail, ...(e.login === undefined ? {} : { login: e.login }) });
}
