/** The CLI's `--api URL` mode: a small client of the REST API, with the token from HIQTY_API_TOKEN. */
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import type { Action, Backend, CliFailure, Outcome, PlayRequest } from './backend';

const ErrorBody = t.type({ error: t.string, detail: t.string });

const USAGE_ERRORS: ReadonlySet<string> = new Set(['invalid-input', 'invalid-body', 'invalid-parameter', 'invalid-json']);

/** `http://host:8080`, `http://host:8080/` and `http://host:8080/api/v1` all mean the same API. */
export function apiBase(url: string): string {
  return `${url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`;
}

function unreachable(base: string, err: unknown): CliFailure {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  return { error: 'unreachable', detail: `Could not reach the API at ${base}: ${cause}`, usage: false };
}

async function failureOf(response: Response): Promise<CliFailure> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const decoded = ErrorBody.decode(body);
  const { error, detail } = E.isRight(decoded) ? decoded.right : { error: `http-${response.status}`, detail: `The API answered ${response.status} ${response.statusText}.` };
  // The same split as direct mode: only a malformed argument is the caller's usage error.
  return { error, detail, usage: USAGE_ERRORS.has(error) };
}

/** Splits an event stream into events; returns the unconsumed rest. */
function parseEvents(buffer: string, onEvent: (event: string, data: string) => void): string {
  const frames = buffer.split(/\r?\n\r?\n/);
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) onEvent(event, data.join('\n'));
  }
  return rest;
}

export function apiBackend(options: { readonly url: string; readonly token: string }): Backend {
  const base = apiBase(options.url);
  const headers = { authorization: `Bearer ${options.token}`, accept: 'application/json' };

  const call = async (method: string, path: string, body?: unknown): Promise<Outcome<unknown>> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      return E.left(unreachable(base, err));
    }
    if (!response.ok) return E.left(await failureOf(response));
    try {
      return E.right(await response.json());
    } catch (err) {
      return E.left({ error: 'bad-response', detail: `The API sent something that is not JSON: ${err instanceof Error ? err.message : String(err)}`, usage: false });
    }
  };
  const g = (id: string): string => `/guilds/${encodeURIComponent(id)}`;

  const act = (id: string, action: Action): Promise<Outcome<unknown>> => {
    switch (action.kind) {
      case 'skip':
      case 'shuffle':
        return call('POST', `${g(id)}/${action.kind}`, {});
      case 'pause':
        return call('PUT', `${g(id)}/state`, { state: 'paused' });
      case 'resume':
        return call('PUT', `${g(id)}/state`, { state: 'playing' });
      case 'stop':
        return call('PUT', `${g(id)}/state`, { state: 'stopped' });
      case 'clear':
        return call('DELETE', `${g(id)}/tracks`);
      case 'remove':
        return call('DELETE', `${g(id)}/tracks/${action.index}`);
      case 'move':
        return call('POST', `${g(id)}/tracks/move`, { from: action.from, to: action.to });
      case 'requeue':
        return call('POST', `${g(id)}/quarantine/${action.index}/requeue`);
      case 'previous':
        return call('POST', `${g(id)}/previous`, action.channel === undefined ? {} : { channel: action.channel });
      case 'skipto':
        return call('POST', `${g(id)}/skipto`, { index: action.index });
    }
  };

  return {
    guilds: () => call('GET', '/guilds'),
    guild: (id) => call('GET', g(id)),
    play: (id, r: PlayRequest) => {
      const [only] = r.queries;
      // One query goes as `query` (words or a link); several as the all-or-nothing list.
      const what = r.queries.length === 1 && only !== undefined ? { query: only } : { urls: r.queries };
      return call('POST', `${g(id)}/tracks`, { ...what, next: r.next, ...(r.channel === undefined ? {} : { channel: r.channel }) });
    },
    search: (query, limit) => call('GET', `/search?${new URLSearchParams({ q: query, limit: String(limit) }).toString()}`),
    act,
    history: (id, page) => call('GET', `${g(id)}/history?${new URLSearchParams({ page: String(page) }).toString()}`),
    quarantine: (id) => call('GET', `${g(id)}/quarantine`),
    sources: () => call('GET', '/sources'),
    cacheStats: () => call('GET', '/cache'),
    cacheClear: (kind) => call('DELETE', kind === undefined ? '/cache' : `/cache?${new URLSearchParams({ kind }).toString()}`),
    playlists: (owner) => call('GET', 'guild' in owner ? `${g(owner.guild)}/playlists` : `/users/${encodeURIComponent(owner.user)}/playlists`),
    loadPlaylist: (id, name, r) =>
      call('POST', `${g(id)}/playlists/${encodeURIComponent(name)}/load`, {
        next: r.next,
        ...(r.user === undefined ? {} : { user: r.user }),
        ...(r.channel === undefined ? {} : { channel: r.channel }),
      }),
    async watch(id, onView, signal) {
      // The stream ends when that instance shuts down: reconnect (a load balancer picks another one).
      while (!signal.aborted) {
        let response: Response;
        try {
          response = await fetch(`${base}${g(id)}/events`, { headers: { ...headers, accept: 'text/event-stream' }, signal });
        } catch (err) {
          if (signal.aborted) break;
          return E.left(unreachable(base, err));
        }
        if (!response.ok || response.body === null) return E.left(await failureOf(response));
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of response.body) {
            buffer = parseEvents(buffer + decoder.decode(chunk, { stream: true }), (event, data) => {
              if (event === 'snapshot') onView(JSON.parse(data));
            });
          }
        } catch {
          // A dropped connection: reconnect below, unless the user stopped watching.
          if (signal.aborted) break;
        }
        if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return E.right(undefined);
    },
    close: async () => undefined,
  };
}
