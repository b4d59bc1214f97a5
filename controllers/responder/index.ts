/**
 * The Responder (DESIGN.md §1): turns Discord interactions into desired state in Redis through the
 * shared ops, answers, and keeps each guild's now-playing message. It never touches voice.
 */
import type { Client } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Clock } from '../../src/clock';
import type { CommandsScope, RateLimit } from '../../src/config';
import type { Logger } from '../../src/log';
import type { KeyspaceHub } from '../../src/reconcile';
import { DEFAULT_OPS_LIMITS, type OpsDeps } from '../../src/ops';
import type { LyricsFinder } from '../../src/sources/lrclib/client';
import type { QueryResolver } from '../../src/sources/query';
import type { GuildStore } from '../../src/state';
import { commandDefinitions } from './commands';
import { npLyrics } from './lyrics-np';
import { discordNpChannel, npLocale, startNowPlaying, type NowPlayingLoop } from './now-playing';
import { registerCommands } from './register';
import { interactionRouter } from './router';

export { commandDefinitions } from './commands';
export { sameDefinitions } from './register';

export interface ResponderWiring {
  readonly client: Client<true>;
  readonly redis: Redis;
  /** The instance's one keyspace subscriber (shared with the Player and SSE); its owner starts and stops it. */
  readonly keyspace: KeyspaceHub;
  readonly store: GuildStore;
  /** Links, attachments and words into tracks, and search: createQueryResolver (src/sources/resolver.ts). */
  readonly resolver: QueryResolver;
  /** /lyrics and the now-playing message's synced line (LRCLIB); without it, /lyrics says it cannot look them up. */
  readonly lyrics?: LyricsFinder;
  readonly clock: Clock;
  readonly log: Logger;
  readonly instance: string;
  readonly scope: CommandsScope;
  readonly rateLimit: RateLimit;
  readonly maxQueue: number;
  readonly resyncIntervalMs: number;
}

export interface Responder {
  stop(): Promise<void>;
}

export async function startResponder(w: ResponderWiring): Promise<Responder> {
  const log = w.log.child({ component: 'responder' });
  const ops: OpsDeps = { store: w.store, redis: w.redis, clock: w.clock, resolver: w.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: w.maxQueue }, ...(w.lyrics === undefined ? {} : { lyrics: w.lyrics }) };
  const definitions = commandDefinitions();
  await registerCommands(w.client.rest, w.client.application.id, w.scope, definitions, log);

  const route = interactionRouter({ ops, instance: w.instance, rateLimit: w.rateLimit, clock: w.clock, log });
  const inFlight = new Set<Promise<void>>();
  const listener = (interaction: Parameters<typeof route>[0]): void => {
    const p = route(interaction).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  w.client.on('interactionCreate', listener);
  let np: NowPlayingLoop | undefined;
  try {
    np = await startNowPlaying({
      redis: w.redis,
      keyspace: w.keyspace,
      store: w.store,
      channel: discordNpChannel(w.client, log),
      locale: (guild, snapshot) => npLocale(w.client, guild, snapshot),
      instance: w.instance,
      clock: w.clock,
      log,
      resyncIntervalMs: w.resyncIntervalMs,
      ...(w.lyrics === undefined ? {} : { lyrics: npLyrics(w.redis, w.lyrics, log) }),
    });
  } catch (err) {
    w.client.off('interactionCreate', listener);
    throw err;
  }
  log.info({ commands: definitions.length, scope: w.scope.kind }, 'responder started');
  return {
    async stop() {
      w.client.off('interactionCreate', listener);
      route.stop();
      await Promise.allSettled([...inFlight]);
      await np?.stop();
    },
  };
}
