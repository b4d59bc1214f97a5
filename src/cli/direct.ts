/** The CLI's direct mode: the same ops as the Responder and the REST API, against REDIS_URL. */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { systemClock } from '../clock';
import { silentLogger } from '../log';
import * as ops from '../ops';
import type { ServiceConfig } from '../sources';
import type { QueryResolver } from '../sources/query';
import { NO_SOURCE_METRICS } from '../sources/source-metrics';
import { DEFAULT_LOCALE, translator } from '../i18n';
import { DEFAULT_OPS_LIMITS, opErrorMessage, playlistErrorMessage, type OpError, type OpsDeps, type PlaylistError } from '../ops';
import { connectRedis, GuildStore, type RedisEndpoint } from '../state';
import { CLI_REQUESTER, type Action, type Backend, type CliFailure, type Outcome } from './backend';

/** Plain JSON, exactly as the API would send it (undefined fields dropped). */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

/** The CLI speaks English. */
const english = translator(DEFAULT_LOCALE);

const failure = (e: OpError): CliFailure => ({ error: e.kind, detail: e.kind === 'invalid-input' ? e.problems.join('; ') : opErrorMessage(e, english, DEFAULT_LOCALE), usage: e.kind === 'invalid-input' });

async function run<A>(te: TaskEither<OpError, A>): Promise<Outcome<unknown>> {
  return E.bimap(failure, json)(await te());
}

/** The playlists' refusals: a malformed name is bad usage, like any malformed argument. */
const playlistFailure = (e: PlaylistError): CliFailure => ({
  error: e.kind,
  detail: e.kind === 'invalid-input' ? e.problems.join('; ') : playlistErrorMessage(e),
  usage: e.kind === 'invalid-input' || e.kind === 'bad-playlist-name',
});

async function runPlaylist<A>(te: TaskEither<PlaylistError, A>): Promise<Outcome<unknown>> {
  return E.bimap(playlistFailure, json)(await te());
}

export interface DirectOptions {
  /** Where Redis is: REDIS_URL or --redis, or REDIS_SENTINELS and their settings. */
  readonly redis: RedisEndpoint;
  /** What the service layer needs (HIQTY_FETCH_ALLOW, HIQTY_SERVICE_ORIGINS, HIQTY_SEARCH_SOURCES, ...), as `hiqty run` reads it. */
  readonly config: ServiceConfig;
  readonly maxQueue: number;
}

/** A resolver made on first use: the service layer loads youtubei.js (about 0.6 s), and only play and search need it. */
function lazyResolver(make: () => Promise<QueryResolver>): QueryResolver {
  let made: Promise<QueryResolver> | undefined;
  const resolver = (): Promise<QueryResolver> => (made ??= make());
  return {
    resolve: async (query, resolveOptions) => (await resolver()).resolve(query, resolveOptions),
    search: async (query, searchOptions) => (await resolver()).search(query, searchOptions),
  };
}

export function directBackend(options: DirectOptions): Backend {
  // A CLI should fail fast, not wait forever for a Redis that is not there.
  const giveUp = (attempt: number): number | null => (attempt > 3 ? null : 200);
  const redis = connectRedis(options.redis, { maxRetriesPerRequest: 1, retryStrategy: giveUp, sentinelRetryStrategy: giveUp });
  redis.on('error', () => undefined);
  const deps: OpsDeps = {
    store: new GuildStore(redis, systemClock),
    redis,
    clock: systemClock,
    // The same service layer as `hiqty run`: a CLI search shares the Redis cache and tokens with the fleet.
    resolver: lazyResolver(async () => {
      const { createServiceLayer } = await import('../sources/index.js');
      return createServiceLayer(options.config, { redis, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS }).resolver;
    }),
    limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: options.maxQueue },
  };
  const watcher = new ops.GuildWatcher(() => connectRedis(options.redis, { maxRetriesPerRequest: null }));
  const unknownGuild = (id: string): CliFailure => ({ error: 'unknown-guild', detail: `Guild ${id} has no state in this Redis.`, usage: false });

  const act = (guild: string, action: Action): TaskEither<OpError, unknown> => {
    switch (action.kind) {
      case 'skip':
        return ops.skip(deps)({ guild });
      case 'pause':
        return ops.pause(deps)({ guild });
      case 'resume':
        return ops.resume(deps)({ guild });
      case 'stop':
        return ops.stop(deps)({ guild });
      case 'shuffle':
        return ops.shuffle(deps)({ guild });
      case 'clear':
        return ops.clear(deps)({ guild });
      case 'remove':
        return ops.remove(deps)({ guild, index: action.index });
      case 'move':
        return ops.move(deps)({ guild, from: action.from, to: action.to });
      case 'requeue':
        return ops.requeueQuarantined(deps)({ guild, index: action.index });
      case 'previous':
        return ops.previous(deps)({ guild, ...(action.channel === undefined ? {} : { channel: action.channel }) });
      case 'skipto':
        return ops.skipTo(deps)({ guild, index: action.index });
    }
  };

  return {
    guilds: async () => E.map((guilds: unknown) => ({ guilds }))(await run(ops.listGuilds(deps)())),
    async guild(id) {
      const r = await run(ops.guildView(deps)({ guild: id }));
      return E.isRight(r) && r.right === null ? E.left(unknownGuild(id)) : r;
    },
    play: async (id, request) =>
      run(ops.playMany(deps)({ guild: id, queries: [...request.queries], requester: CLI_REQUESTER, next: request.next, ...(request.channel === undefined ? {} : { channel: request.channel }) })),
    search: async (query, limit) => run(ops.search(deps)({ query, limit })),
    act: async (id, action) => run(act(id, action)),
    history: async (id, page) => run(ops.historyPage(deps)({ guild: id, page })),
    quarantine: async (id) => run(ops.quarantineList(deps)({ guild: id })),
    sources: async () => run(ops.sourceHealth(deps)()),
    cacheStats: async () => run(ops.cacheStats(deps)()),
    cacheClear: async (kind) => run(ops.cacheClear(deps)(kind === undefined ? {} : { kind })),
    playlists: async (owner) => runPlaylist(ops.listPlaylists(deps)({ owner: 'guild' in owner ? { kind: 'server', guild: owner.guild } : { kind: 'user', user: owner.user } })),
    loadPlaylist: async (guild, name, request) =>
      runPlaylist(
        ops.loadPlaylist(deps)({
          guild,
          owner: request.user === undefined ? { kind: 'server', guild } : { kind: 'user', user: request.user },
          name,
          requester: CLI_REQUESTER,
          next: request.next,
          ...(request.channel === undefined ? {} : { channel: request.channel }),
        }),
      ),
    async watch(id, onView, signal) {
      const first = await run(ops.guildView(deps)({ guild: id }));
      if (E.isLeft(first)) return first;
      if (first.right === null) return E.left(unknownGuild(id));
      await ops.streamGuild(deps, watcher, id, (view) => onView(json(view)), { signal });
      return E.right(undefined);
    },
    async close() {
      await watcher.stop();
      redis.disconnect();
    },
  };
}
