/**
 * The guild's live state: the SSE stream's `event: guild` frames, each a whole DashboardGuild. When the
 * stream drops it reconnects with backoff (1 s doubling to 30 s, reset by a frame).
 */
import { isLeft } from 'fp-ts/Either';
import { API, get, Refusal } from './client';
import { DashboardGuild } from './codecs';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export interface GuildStream {
  close(): void;
}

export type Connection = 'connecting' | 'live' | 'reconnecting';

export function watchGuild(guild: string, on: { guild(g: DashboardGuild): void; connection(c: Connection): void; gone(r: Refusal): void }): GuildStream {
  let source: EventSource | undefined;
  let timer: number | undefined;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  const open = (): void => {
    if (closed) return;
    source = new EventSource(`${API}/guilds/${encodeURIComponent(guild)}/events`);
    source.addEventListener('guild', (event) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const decoded = DashboardGuild.decode(parsed);
      if (isLeft(decoded)) return;
      retryMs = FIRST_RETRY_MS;
      on.connection('live');
      on.guild(decoded.right);
    });
    source.addEventListener('error', () => {
      source?.close();
      source = undefined;
      if (closed) return;
      on.connection('reconnecting');
      retryLater();
    });
  };

  // A plain read first: a 401 goes to the login, a 404 (the bot left the guild) ends the watch, and
  // anything else (the server restarting) waits longer and tries again.
  const retryLater = (): void => {
    timer = window.setTimeout(() => {
      get(DashboardGuild, `${API}/guilds/${encodeURIComponent(guild)}`).then(
        (g) => {
          if (closed) return;
          on.guild(g);
          open();
        },
        (e: unknown) => {
          if (closed) return;
          if (e instanceof Refusal && e.status === 404) on.gone(e);
          else retryLater();
        },
      );
    }, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  on.connection('connecting');
  open();
  return {
    close() {
      closed = true;
      window.clearTimeout(timer);
      source?.close();
    },
  };
}
