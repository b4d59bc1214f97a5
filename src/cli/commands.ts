/**
 * The operator commands of `hiqty` beside `run`. They talk to Redis directly (REDIS_URL or --redis)
 * through the same ops as the Discord commands, or to the REST API with --api URL.
 * Exit codes: 0 ok; 1 a runtime failure or a refusal (empty queue, no such index, Redis or the API
 * unreachable); 2 bad usage (unknown command or option, a malformed argument, missing configuration).
 */
import { Command, InvalidArgumentError } from 'commander';
import { config as loadDotenv } from 'dotenv';
import * as E from 'fp-ts/Either';
import { isLeft } from 'fp-ts/Either';
import { urlString } from '../codecs';
import { EXIT_BAD_CONFIG, loadConfig } from '../config';
import { redisEndpointOf } from '../state/redis-endpoint';
import type { Action, Backend, CliFailure, Outcome } from './backend';
import { formatHistory } from './history-format';
import { formatLoaded, formatPlaylists } from './playlist-format';
import { formatCacheStats, formatGuild, formatGuildList, formatQuarantine, formatResult, formatSearch, formatSources, formatWatchLine } from './format';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

interface GlobalOptions {
  readonly api?: string;
  readonly redis?: string;
  readonly json?: boolean;
}

function globals(cmd: Command): GlobalOptions {
  const o: Record<string, unknown> = cmd.optsWithGlobals();
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { api: str(o.api), redis: str(o.redis), json: o.json === true };
}

const guildId = (value: string): string => {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('a guild id is a Discord id: digits only.');
  return value;
};
const position = (value: string): number => {
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a position is a whole number from 1 (1 is the current track).');
  return Number(value);
};

const usage = (detail: string): CliFailure => ({ error: 'usage', detail, usage: true });

const limit = (value: string): number => {
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 25) throw new InvalidArgumentError('the limit is a whole number from 1 to 25.');
  return Number(value);
};

const cacheKind = (value: string): 'search' | 'resolve' => {
  if (value !== 'search' && value !== 'resolve') throw new InvalidArgumentError('the cache is search or resolve.');
  return value;
};

const LINK = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The play arguments as queries: links stay a list (all or nothing); words are one search, so
 * `hiqty play 123 never gonna give you up` works without quotes. Links and words mixed are refused.
 */
export function playQueries(args: readonly string[]): E.Either<string, string[]> {
  const links = args.filter((a) => LINK.test(a.trim()));
  if (links.length === args.length) return E.right([...args]);
  if (links.length === 0) return E.right([args.join(' ')]);
  return E.left('Give either links (one or more) or words to search for, not both. Quote the words to search for them.');
}

/** The backends are loaded only when a command runs: usage errors and --help answer without loading Redis, the sources or the API client. */
async function backendFor(options: GlobalOptions, env: NodeJS.ProcessEnv): Promise<E.Either<CliFailure, Backend>> {
  loadDotenv({ quiet: true });
  const config = loadConfig(env);
  if (isLeft(config)) return E.left({ error: 'bad-configuration', detail: config.left.map((e) => e.message).join('\n'), usage: true });
  if (options.api !== undefined) {
    if (!urlString(['http', 'https']).is(options.api)) return E.left(usage(`--api must be an http(s) URL such as http://localhost:8080, not ${JSON.stringify(options.api)}.`));
    const token = config.right.HIQTY_API_TOKEN;
    if (token === undefined) return E.left(usage('--api needs the API token in HIQTY_API_TOKEN.'));
    const { apiBackend } = await import('./api-client.js');
    return E.right(apiBackend({ url: options.api, token }));
  }
  if (options.redis !== undefined && !urlString(['redis', 'rediss']).is(options.redis)) return E.left(usage(`--redis must be a redis:// or rediss:// URL.`));
  const endpoint = redisEndpointOf(config.right, options.redis);
  if (endpoint === undefined) return E.left(usage('No Redis to talk to: set REDIS_URL or pass --redis URL, or set REDIS_SENTINELS (or use --api URL).'));
  // A wrong CA, password or Sentinel name is bad configuration (exit 2), not a Redis that is away.
  const { checkRedis } = await import('../state/redis-check.js');
  const check = await checkRedis(endpoint);
  if (check.kind === 'misconfigured') return E.left({ error: 'bad-configuration', detail: check.message, usage: true });
  const { directBackend } = await import('./direct.js');
  return E.right(directBackend({ redis: endpoint, config: config.right, maxQueue: config.right.HIQTY_MAX_QUEUE }));
}

/** Runs one command body with a backend and turns its outcome into output and an exit code. */
async function execute(cmd: Command, env: NodeJS.ProcessEnv, body: (backend: Backend, json: boolean) => Promise<Outcome<string | undefined>>): Promise<number> {
  const options = globals(cmd);
  const backend = await backendFor(options, env);
  if (isLeft(backend)) return report(backend.left);
  try {
    const result = await body(backend.right, options.json === true);
    if (isLeft(result)) return report(result.left);
    if (result.right !== undefined) process.stdout.write(`${result.right}\n`);
    return EXIT_OK;
  } catch (err) {
    process.stderr.write(`hiqty: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    await backend.right.close();
  }
}

function report(failure: CliFailure): number {
  process.stderr.write(`hiqty: ${failure.detail}${failure.usage ? '\n(see hiqty --help)' : ''}\n`);
  return failure.usage ? (failure.error === 'bad-configuration' ? EXIT_BAD_CONFIG : EXIT_USAGE) : EXIT_FAILED;
}

/** JSON for --json, else the human rendering. */
const show = (json: boolean, render: (v: unknown) => string) => (value: unknown): string => (json ? JSON.stringify(value, null, 2) : render(value));

export function registerCliCommands(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .option('--api <url>', 'talk to the REST API at this URL (token from HIQTY_API_TOKEN) instead of Redis')
    .option('--redis <url>', 'the Redis to talk to (default: REDIS_URL, or REDIS_SENTINELS)');

  program
    .command('status')
    .description('a table of the guilds with state, or one guild\'s queue and now-playing with its position; --sources: the sources\' health')
    .argument('[guild]', 'guild id', guildId)
    .option('--sources', "each source's recent failure rate and circuit, as each instance sees them")
    .option('--json', 'print JSON')
    .action(async (guild: string | undefined, o: { sources?: boolean }, cmd: Command) => {
      if (o.sources === true && guild !== undefined) {
        process.exitCode = report(usage('--sources shows every source of the fleet: give no guild with it.'));
        return;
      }
      process.exitCode = await execute(cmd, env, async (b, json) => {
        if (o.sources === true) return E.map(show(json, (v) => formatSources(v)))(await b.sources());
        return guild === undefined ? E.map(show(json, formatGuildList))(await b.guilds()) : E.map(show(json, formatGuild))(await b.guild(guild));
      });
    });

  const cache = program.command('cache').description('the shared caches of searches, link resolutions and mirror matches');
  cache
    .command('stats')
    .description('entries and size per cache, and entries per source')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => E.map(show(json, formatCacheStats))(await b.cacheStats()));
    });
  cache
    .command('clear')
    .description('empty the caches (every instance asks the services again)')
    .option('--kind <kind>', 'only one cache: search or resolve (link resolutions and mirror matches)', cacheKind)
    .option('--json', 'print JSON')
    .action(async (o: { kind?: 'search' | 'resolve' }, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => E.map(show(json, formatResult))(await b.cacheClear(o.kind)));
    });

  program
    .command('play')
    .description('queue the best match for some words, or one or more links (all or nothing), and make the guild play')
    .argument('<guild>', 'guild id', guildId)
    .argument('<query...>', 'words to search for (yt:, ytm:, sc:, bc: pick a source), or links to pages, audio files or playlists')
    .option('--channel <id>', 'the voice channel to play in (needed while the guild has none)', guildId)
    .option('--next', 'right after the current track')
    .option('--json', 'print JSON')
    .action(async (guild: string, args: string[], o: { channel?: string; next?: boolean }, cmd: Command) => {
      const queries = playQueries(args);
      process.exitCode = E.isLeft(queries)
        ? report(usage(queries.left))
        : await execute(cmd, env, async (b, json) => E.map(show(json, formatResult))(await b.play(guild, { queries: queries.right, next: o.next === true, channel: o.channel })));
    });

  program
    .command('search')
    .description('search the sources (HIQTY_SEARCH_SOURCES, or the one a yt:, ytm:, sc: or bc: prefix names) without queueing anything')
    .argument('<words...>', 'what to search for')
    .option('--limit <n>', 'how many results, 1 to 25 (default 10)', limit)
    .option('--json', 'print JSON')
    .action(async (words: string[], o: { limit?: number }, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => E.map(show(json, formatSearch))(await b.search(words.join(' '), o.limit ?? 10)));
    });

  const act = (guild: string, action: Action, cmd: Command): Promise<number> => execute(cmd, env, async (b, json) => E.map(show(json, formatResult))(await b.act(guild, action)));

  const simple: ReadonlyArray<readonly ['skip' | 'pause' | 'resume' | 'stop' | 'shuffle' | 'clear', string]> = [
    ['skip', 'skip the current track'],
    ['pause', 'pause'],
    ['resume', 'resume playing'],
    ['stop', 'stop and empty the queue'],
    ['shuffle', 'shuffle everything after the current track'],
    ['clear', 'empty the queue, the current track included (the state stays)'],
  ];
  for (const [name, description] of simple) {
    program
      .command(name)
      .description(description)
      .argument('<guild>', 'guild id', guildId)
      .option('--json', 'print JSON')
      .action(async (guild: string, _o: unknown, cmd: Command) => {
        process.exitCode = await act(guild, { kind: name }, cmd);
      });
  }

  program
    .command('remove')
    .description('remove the entry at a position (1 is the current track)')
    .argument('<guild>', 'guild id', guildId)
    .argument('<index>', 'position, from 1', position)
    .option('--json', 'print JSON')
    .action(async (guild: string, index: number, _o: unknown, cmd: Command) => {
      process.exitCode = await act(guild, { kind: 'remove', index }, cmd);
    });

  program
    .command('move')
    .description('move an entry so that it ends up at <to>')
    .argument('<guild>', 'guild id', guildId)
    .argument('<from>', 'position, from 1', position)
    .argument('<to>', 'position, from 1', position)
    .option('--json', 'print JSON')
    .action(async (guild: string, from: number, to: number, _o: unknown, cmd: Command) => {
      process.exitCode = await act(guild, { kind: 'move', from, to }, cmd);
    });

  program
    .command('quarantine')
    .description('list the entries set aside as undecodable or unplayable; --requeue N puts entry N back in the queue')
    .argument('<guild>', 'guild id', guildId)
    .option('--requeue <n>', 'the quarantine entry to put back (1 is the oldest)', position)
    .option('--json', 'print JSON')
    .action(async (guild: string, o: { requeue?: number }, cmd: Command) => {
      const n = o.requeue;
      process.exitCode =
        n === undefined ? await execute(cmd, env, async (b, json) => E.map(show(json, formatQuarantine))(await b.quarantine(guild))) : await act(guild, { kind: 'requeue', index: n }, cmd);
    });

  const playlist = program.command('playlist').description("saved playlists: a guild's (made with /playlist save scope:server) or a member's (--user)");
  playlist
    .command('list')
    .description("list a guild's saved playlists, or a member's with --user")
    .argument('[guild]', 'guild id (not needed with --user)', guildId)
    .option('--user <id>', "a member's playlists instead of the guild's", guildId)
    .option('--json', 'print JSON')
    .action(async (guild: string | undefined, o: { user?: string }, cmd: Command) => {
      const owner = o.user !== undefined ? { user: o.user } : guild !== undefined ? { guild } : undefined;
      process.exitCode =
        owner === undefined ? report(usage('Give a guild id, or --user <id> for a member\'s playlists.')) : await execute(cmd, env, async (b, json) => E.map(show(json, formatPlaylists))(await b.playlists(owner)));
    });
  playlist
    .command('load')
    .description("append a saved playlist (the guild's, or a member's with --user) to the guild's queue, like play: the same limits, and the guild plays")
    .argument('<guild>', 'guild id', guildId)
    .argument('<name>', 'the playlist\'s name (case does not matter)')
    .option('--user <id>', "a member's playlist instead of the guild's", guildId)
    .option('--channel <id>', 'the voice channel to play in (needed while the guild has none)', guildId)
    .option('--next', 'right after the current track')
    .option('--json', 'print JSON')
    .action(async (guild: string, name: string, o: { user?: string; channel?: string; next?: boolean }, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => E.map(show(json, formatLoaded))(await b.loadPlaylist(guild, name, { user: o.user, channel: o.channel, next: o.next === true })));
    });

  program
    .command('history')
    .description('the last played tracks, newest first, 10 per page, with when each was played')
    .argument('<guild>', 'guild id', guildId)
    .option('--page <n>', 'which page (1 has the newest)', position)
    .option('--json', 'print JSON')
    .action(async (guild: string, o: { page?: number }, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => E.map(show(json, formatHistory))(await b.history(guild, o.page ?? 1)));
    });

  program
    .command('previous')
    .description('play the last played track again; the current track comes right after it')
    .argument('<guild>', 'guild id', guildId)
    .option('--channel <id>', 'the voice channel to play in (needed while the guild has none)', guildId)
    .option('--json', 'print JSON')
    .action(async (guild: string, o: { channel?: string }, cmd: Command) => {
      process.exitCode = await act(guild, { kind: 'previous', channel: o.channel }, cmd);
    });

  program
    .command('skipto')
    .description('jump to a queue position: the current track goes to the history, the ones between are dropped')
    .argument('<guild>', 'guild id', guildId)
    .argument('<index>', 'position, from 1', position)
    .option('--json', 'print JSON')
    .action(async (guild: string, index: number, _o: unknown, cmd: Command) => {
      process.exitCode = await act(guild, { kind: 'skipto', index }, cmd);
    });

  program
    .command('watch')
    .description('print the guild on every change until Ctrl-C (--json: one JSON object per line)')
    .argument('<guild>', 'guild id', guildId)
    .option('--json', 'print JSON lines')
    .action(async (guild: string, _o: unknown, cmd: Command) => {
      process.exitCode = await execute(cmd, env, async (b, json) => {
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const r = await b.watch(guild, (view) => process.stdout.write(`${json ? JSON.stringify(view) : formatWatchLine(view)}\n`), stop.signal);
          return E.map(() => undefined)(r);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
    });
}
