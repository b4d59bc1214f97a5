/**
 * Writes for one guild. Each one goes to the dashboard API with the CSRF token; a refusal (403 with the
 * policy's reason, 409 with the op's) is shown as a toast. The page then changes through the SSE stream,
 * not through the answer, so every open browser shows the same thing.
 */
import type * as t from 'io-ts';
import { API, Refusal, write, writeFor } from '../api/client';
import type { Action, Permission } from '../api/codecs';
import { toast } from '../toast';

export interface GuildActions {
  readonly base: string;
  /** True when the server accepted it. */
  send(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<boolean>;
  sendFor<C extends t.Mixed>(codec: C, method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<t.TypeOf<C> | undefined>;
}

export function toastRefusal(e: unknown): void {
  toast(e instanceof Refusal ? e.message : 'Something went wrong. Try again.');
}

export function guildActions(guild: string): GuildActions {
  const base = `${API}/guilds/${encodeURIComponent(guild)}`;
  return {
    base,
    async send(method, path, body) {
      try {
        await write(method, `${base}${path}`, body ?? {});
        return true;
      } catch (e) {
        toastRefusal(e);
        return false;
      }
    },
    async sendFor(codec, method, path, body) {
      try {
        return await writeFor(codec, method, `${base}${path}`, body ?? {});
      } catch (e) {
        toastRefusal(e);
        return undefined;
      }
    },
  };
}

export type Can = Readonly<Record<string, Permission>>;

/** What the server said about one action; an action it did not list is left for the server to judge. */
export function permission(can: Can, action: Action): { readonly allowed: boolean; readonly reason: string | undefined } {
  const p = can[action];
  return { allowed: p?.allowed ?? true, reason: p?.allowed === false ? (p.reason ?? 'You may not do this here.') : undefined };
}
