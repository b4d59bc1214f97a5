/**
 * The guild's live view for the page: `event: guild` with the whole DashboardGuild, once at once and
 * after every change of the guild's keys, from the instance's one keyspace subscriber (ops' streamGuild,
 * as the REST API's stream), through the same writer, caps and heartbeats (SseStreams).
 * Known limit: `can` is recomputed on each change of the guild's keys, not when only the member's voice
 * state or roles change; the page re-reads GET .../guilds/:id when an action is refused.
 */
import * as E from 'fp-ts/Either';
import { streamGuild } from '../../ops';
import { dashboardGuildOf, readSnapshot, type GuildAccess } from './guild';
import type { Runtime } from './runtime';

/** How long the member's facts (roles, voice) read for one stream are reused before Discord is asked again. Default 15 s. */
export const STREAM_FACTS_TTL_MS = 15_000;

export function guildEvents(rt: Runtime, first: GuildAccess, userId: string) {
  return (send: (event: string, data: unknown) => void, outer: AbortSignal): Promise<void> => {
    // Ended by the client or shutdown (outer), or here when the user is no longer a member.
    const own = new AbortController();
    outer.addEventListener('abort', () => own.abort(), { once: true });
    const signal = own.signal;
    let access = first;
    let factsAt = rt.clock.monotonic();
    let chain: Promise<void> = Promise.resolve();
    const guild = first.guild.id;
    const render = async (): Promise<void> => {
      if (rt.clock.monotonic() - factsAt > STREAM_FACTS_TTL_MS) {
        const looked = await rt.gateway.member(guild, userId).catch(() => undefined);
        const fresh = rt.gateway.guild(guild);
        if (looked?.kind === 'member' && fresh !== undefined) {
          access = { guild: fresh, member: looked.member };
          factsAt = rt.clock.monotonic();
        } else if (looked !== undefined) {
          // Left the guild (or the bot did): the stream ends, and the page's next read answers 404.
          own.abort();
          return;
        }
      }
      // The snapshot is read again (not the view streamGuild emitted) so that `can` and `view` agree.
      const read = await readSnapshot(rt)(guild)();
      if (E.isRight(read) && !signal.aborted) send('guild', dashboardGuildOf(access, read.right.snapshot, read.right.view));
    };
    if (outer.aborted) own.abort();
    const onError = (reason: string): void => rt.log.warn({ guild, reason }, 'dashboard event stream read failed; retrying on the next change');
    return streamGuild(rt.ops, rt.watcher, guild, () => void (chain = chain.then(render)), { signal, onError }).then(() => chain);
  };
}
