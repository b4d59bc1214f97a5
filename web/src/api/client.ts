/**
 * The page's one way to the server: JSON in and out, decoded with io-ts; every write carries the CSRF
 * token from GET /dashboard/api/me. A 401 anywhere means the session is gone, so the browser goes to
 * the login (which comes back to the dashboard).
 */
import { isLeft } from 'fp-ts/Either';
import * as t from 'io-ts';
import { ApiError, Me } from './codecs';

export const API = '/dashboard/api';
export const LOGIN = '/dashboard/login';

/** An answer the page shows to the member: the server's `detail` where it gave one. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

export function toLogin(): never {
  window.location.assign(LOGIN);
  // Navigation is under way; nothing after this should run.
  throw new Refusal(401, 'session-expired', 'Your session ended. Taking you to the login…');
}

function problems(errors: t.Errors): string {
  return errors
    .slice(0, 3)
    .map((e) => e.context.map((c) => c.key).filter((k) => k !== '').join('.') || 'the answer')
    .join(', ');
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function refusalOf(status: number, body: unknown): Refusal {
  const e = ApiError.decode(body);
  if (isLeft(e)) return new Refusal(status, 'http', `The server answered ${status}.`);
  if (status === 429) return new Refusal(status, e.right.error, e.right.detail ?? 'Too many requests: wait a moment and try again.');
  return new Refusal(status, e.right.error, e.right.detail ?? e.right.error);
}

async function send<C extends t.Mixed>(codec: C, method: string, path: string, body?: unknown): Promise<t.TypeOf<C>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken ?? (await me()).csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }) });
  } catch {
    throw new Refusal(0, 'network', 'The dashboard cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 401) toLogin();
  const payload = await readJson(response);
  if (!response.ok) throw refusalOf(response.status, payload);
  const decoded = codec.decode(payload);
  if (isLeft(decoded)) throw new Refusal(response.status, 'bad-answer', `The server's answer was not understood (${problems(decoded.left)}).`);
  return decoded.right;
}

export const get = <C extends t.Mixed>(codec: C, path: string): Promise<t.TypeOf<C>> => send(codec, 'GET', path);

/** A write whose answer the page does not read (the SSE stream brings the new state). */
export const write = (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> => send(t.unknown, method, path, body);

export const writeFor = <C extends t.Mixed>(codec: C, method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<t.TypeOf<C>> => send(codec, method, path, body);

export async function me(): Promise<Me> {
  const m = await get(Me, `${API}/me`);
  csrfToken = m.csrfToken;
  return m;
}

/** Ends the session on the server (and Discord's token with it). */
export async function logout(): Promise<void> {
  await send(t.unknown, 'POST', '/dashboard/logout', {});
  csrfToken = undefined;
}
