/**
 * The web dashboard under /dashboard (issue 17), on by HIQTY_DASHBOARD_URL: "Log in with Discord",
 * the single-page app, and its JSON API and event stream. Like the REST API, its routes are registered
 * while the HTTP server starts and answer 503 until `attach` hands them the ops' deps, the gateway port
 * and the instance's keyspace hub. Every write goes: Origin, session, CSRF token, rate limit, guild
 * access (404 when not shared), body (io-ts), src/policy, then the op from src/ops.
 */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as t from 'io-ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { Clock } from '../../clock';
import { decode } from '../../codecs';
import type { DashboardGateway } from '../../discord/dashboard-gateway';
import type { Logger } from '../../log';
import type { KeyspaceHub } from '../../reconcile';
import { GuildWatcher, type OpsDeps } from '../../ops';
import { secretHash } from '../../state';
import { IndexParam } from '../api/bodies';
import { apiError } from '../api/errors';
import type { LimitVerdict, RedisRateLimiter } from '../api/ratelimit';
import { DEFAULT_STREAM_CAPS, SseStreams, type StreamCaps } from '../api/sse';
import { ACTION_ROUTES, type ActionRoute } from './actions';
import { clearedCookie, SESSION_COOKIE } from './cookies';
import { sendError, unavailable, type DashError } from './errors';
import { guildEvents } from './events';
import { dashboardGuild, guildAccess, guildCards, readSnapshot } from './guild';
import { helmetOptions } from './headers';
import { callbackRoute, endSession, loginRoute } from './login';
import { createOAuthClient } from './oauth-client';
import { AppPage, defaultDistDir } from './pages';
import { DASHBOARD_PREFIX, HOME_PATH, LOGIN_PATH, redirectUri } from './paths';
import { check } from './permissions';
import { filters, history, me, quarantine, search } from './reads';
import { dashboardLimiters } from './limits';
import type { Runtime } from './runtime';
import { checkCsrf, checkOrigin, loadSession, type SessionContext } from './session';

export { redirectUri } from './paths';

/** Largest request body; a settings change or a query is far smaller. */
export const DASHBOARD_BODY_LIMIT = 16 * 1024;

export interface DashboardOptions {
  /** HIQTY_DASHBOARD_URL: the public origin. */
  readonly origin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** DISCORD_API_BASE: Discord's OAuth2 endpoints derive from it. */
  readonly apiBase: string;
  /** Plain-http origins images may come from (HIQTY_SERVICE_ORIGINS' fakes); https is always allowed. */
  readonly httpImageOrigins: readonly string[];
  /** Event streams per instance and per session. Default DEFAULT_STREAM_CAPS. */
  readonly streams?: StreamCaps;
  /** Where the built page is. Default dist/dashboard under the project root. */
  readonly distDir?: string;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface Dashboard {
  register(app: FastifyInstance): Promise<void>;
  attach(deps: { readonly ops: OpsDeps; readonly gateway: DashboardGateway; readonly keyspace: KeyspaceHub }): void;
  stop(): Promise<void>;
}

const Params = t.partial({ id: t.string, index: t.string });

function tooMany(reply: FastifyReply, verdict: Extract<LimitVerdict, { allowed: false }>, who: string): FastifyReply {
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  return sendError(reply.header('retry-after', String(seconds)), apiError(429, 'rate-limited', `Too many requests ${who}. Try again in ${seconds} s.`));
}

/** Fastify's own errors (parsing, size) as `{error, detail}`, as the REST API words them. */
function fromFastifyError(err: FastifyError): DashError {
  const status = err.statusCode ?? 500;
  if (status === 413) return apiError(413, 'body-too-large', `The body is larger than ${DASHBOARD_BODY_LIMIT} bytes.`);
  if (status === 415) return apiError(415, 'unsupported-media-type', 'Send the body as JSON with Content-Type: application/json.');
  if (status === 400 && /JSON/i.test(`${err.code} ${err.message}`)) return apiError(400, 'invalid-json', `The body is not valid JSON: ${err.message}`);
  if (status >= 400 && status < 500) return apiError(status, 'bad-request', err.message);
  return unavailable('Something went wrong on our side (Redis may be unreachable). Try again in a moment.');
}

async function limited(limiter: RedisRateLimiter, id: string, reply: FastifyReply, who: string): Promise<FastifyReply | undefined> {
  const verdict = await limiter.hit(id);
  return verdict.allowed ? undefined : tooMany(reply, verdict, who);
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const log = options.log.child({ component: 'dashboard' });
  const page = new AppPage(options.distDir ?? defaultDistDir(), log);
  const streams = new SseStreams(log, options.streams ?? DEFAULT_STREAM_CAPS);
  const oauth = createOAuthClient({ apiBase: options.apiBase, clientId: options.clientId, clientSecret: options.clientSecret, redirectUri: redirectUri(options.origin), clock: options.clock });
  let runtime: Runtime | undefined;

  const starting = (reply: FastifyReply): FastifyReply => sendError(reply, unavailable('The instance is still starting. Try again in a moment.'));

  /** Folds a handler's result once: the answer, or `{error, detail}`. */
  const answer = async <A>(reply: FastifyReply, te: TaskEither<DashError, A>): Promise<FastifyReply> => {
    const r = await te();
    return E.isLeft(r) ? sendError(reply, r.left) : reply.code(200).header('cache-control', 'no-store').send(r.right);
  };

  /** A JSON API request's session (401 otherwise), counted against its rate limit. */
  const session = async (rt: Runtime, request: FastifyRequest, reply: FastifyReply): Promise<SessionContext | FastifyReply> => {
    const s = await loadSession(rt)(request)();
    if (E.isLeft(s)) return sendError(reply, s.left);
    return (await limited(rt.limits.session, s.right.id, reply, 'for this session')) ?? s.right;
  };

  const isReply = (v: SessionContext | FastifyReply): v is FastifyReply => !('session' in v);

  /** GET routes of the JSON API: a session, then the handler. */
  const read =
    (handler: (rt: Runtime, ctx: SessionContext, request: FastifyRequest) => TaskEither<DashError, unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const rt = runtime;
      if (rt === undefined) return starting(reply);
      const s = await session(rt, request, reply);
      return isReply(s) ? s : answer(reply, handler(rt, s, request));
    };

  /** A read about one guild: 404 unless the user and the bot are both in it. */
  const guildRead = (handler: (rt: Runtime, guild: string, request: FastifyRequest) => TaskEither<DashError, unknown>) =>
    read((rt, ctx, request) => async () => {
      const params = decode(Params, request.params);
      const access = await guildAccess(rt)({ guild: E.isLeft(params) ? '' : (params.right.id ?? ''), userId: ctx.session.user.id })();
      return E.isLeft(access) ? access : handler(rt, access.right.guild.id, request)();
    });

  /** The one path of every write (see the file's comment for the order of the checks). */
  const write = (route: ActionRoute) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rt = runtime;
    if (rt === undefined) return starting(reply);
    const origin = checkOrigin(request, rt.origin);
    if (origin !== undefined) return sendError(reply, origin);
    const s = await session(rt, request, reply);
    if (isReply(s)) return s;
    const csrf = checkCsrf(request, s.session);
    if (csrf !== undefined) return sendError(reply, csrf);
    return answer(reply, async () => {
      const params = decode(Params, request.params);
      const raw = E.isLeft(params) ? {} : params.right;
      let index = 0;
      if (raw.index !== undefined) {
        const n = decode(IndexParam, raw.index);
        if (E.isLeft(n)) return E.left(apiError(400, 'invalid-parameter', `index: ${n.left.join('; ')} (1 is the current track)`));
        index = n.right;
      }
      const access = await guildAccess(rt)({ guild: raw.id ?? '', userId: s.session.user.id })();
      if (E.isLeft(access)) return access;
      const snap = await readSnapshot(rt)(access.right.guild.id)();
      if (E.isLeft(snap)) return snap;
      const allowed = check(route.action, { guild: access.right.guild, member: access.right.member, snapshot: snap.right.snapshot });
      if (E.isLeft(allowed)) return allowed;
      const user = { id: s.session.user.id, name: s.session.user.name };
      return route.run({ rt, access: access.right, snapshot: snap.right.snapshot, user, index, body: request.body, channel: allowed.right.channel })();
    });
  };

  const events = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const rt = runtime;
    if (rt === undefined) return starting(reply);
    const s = await session(rt, request, reply);
    if (isReply(s)) return s;
    const params = decode(Params, request.params);
    const access = await guildAccess(rt)({ guild: E.isLeft(params) ? '' : (params.right.id ?? ''), userId: s.session.user.id })();
    if (E.isLeft(access)) return sendError(reply, access.left);
    const owner = secretHash(s.id);
    const full = streams.refusal(owner);
    if (full !== undefined) {
      const who = full.cap === 'instance' ? 'this instance serves' : 'one session may hold open on this instance';
      return sendError(reply.header('retry-after', '5'), apiError(429, 'too-many-streams', `${full.limit} event streams is the most ${who}. Close a tab and try again.`));
    }
    reply.hijack();
    streams.serveWith(reply.raw, access.right.guild.id, owner, guildEvents(rt, access.right, s.session.user.id));
    return undefined;
  };

  /** Pages: index.html with a session, else to login. */
  const appPage = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rt = runtime;
    if (rt === undefined) return reply.code(503).type('text/plain; charset=utf-8').send('The instance is still starting. Reload in a moment.');
    const s = await loadSession(rt)(request)();
    if (E.isLeft(s)) {
      if (s.left.status !== 401) return reply.code(s.left.status).type('text/plain; charset=utf-8').send(s.left.detail);
      return reply.header('cache-control', 'no-store').redirect(LOGIN_PATH, 302);
    }
    return page.built() ? page.sendIndex(reply) : page.notBuilt(reply);
  };

  const logout = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rt = runtime;
    if (rt === undefined) return starting(reply);
    const origin = checkOrigin(request, rt.origin);
    if (origin !== undefined) return sendError(reply, origin);
    const s = await loadSession(rt)(request)();
    if (E.isLeft(s)) return sendError(reply.setCookie(SESSION_COOKIE, '', clearedCookie), s.left);
    const csrf = checkCsrf(request, s.right.session);
    if (csrf !== undefined) return sendError(reply, csrf);
    await endSession(rt, s.right.id);
    return reply.setCookie(SESSION_COOKIE, '', clearedCookie).header('cache-control', 'no-store').code(204).send();
  };

  return {
    async register(app) {
      await app.register(
        async (dash) => {
          await dash.register(fastifyHelmet, helmetOptions(options.httpImageOrigins));
          await dash.register(fastifyCookie);
          // Every dashboard request from one address, assets aside, counts against its bucket.
          dash.addHook('onRequest', async (request, reply) => {
            const rt = runtime;
            if (rt === undefined || request.url.startsWith(`${DASHBOARD_PREFIX}/assets/`)) return undefined;
            return limited(rt.limits.ip, request.ip, reply, 'from this address');
          });
          dash.setErrorHandler((err: FastifyError, _request, reply) => {
            const e = fromFastifyError(err);
            if (e.status >= 500) log.error({ err }, 'dashboard request failed');
            return sendError(reply, e);
          });
          dash.setNotFoundHandler((request, reply) => {
            if (request.url.startsWith(`${DASHBOARD_PREFIX}/assets/`) && !page.built()) return page.notBuilt(reply);
            return sendError(reply, apiError(404, 'not-found', `There is no ${request.method} ${request.url.split('?')[0]}.`));
          });

          dash.get('', async (_request, reply) => reply.redirect(HOME_PATH, 302));
          dash.route({ method: 'GET', url: '/', prefixTrailingSlash: 'slash', handler: appPage });
          dash.get('/guilds/:id', appPage);
          dash.get('/login', async (request, reply) => {
            const rt = runtime;
            if (rt === undefined) return starting(reply);
            return (await limited(rt.limits.login, request.ip, reply, 'logging in from this address')) ?? loginRoute(rt, reply);
          });
          dash.get('/callback', async (request, reply) => {
            const rt = runtime;
            if (rt === undefined) return starting(reply);
            return (await limited(rt.limits.login, request.ip, reply, 'logging in from this address')) ?? callbackRoute(rt, request, reply);
          });
          dash.post('/logout', { bodyLimit: DASHBOARD_BODY_LIMIT }, logout);

          dash.get('/api/me', read((_rt, ctx) => me()(ctx)));
          dash.get('/api/guilds', read((rt, ctx) => guildCards(rt)(ctx.session.guilds)));
          dash.get('/api/search', read((rt, _ctx, request) => search(rt)({ query: request.query })));
          dash.get('/api/guilds/:id', read((rt, ctx, request) => async () => {
            const params = decode(Params, request.params);
            const access = await guildAccess(rt)({ guild: E.isLeft(params) ? '' : (params.right.id ?? ''), userId: ctx.session.user.id })();
            return E.isLeft(access) ? access : dashboardGuild(rt)(access.right)();
          }));
          dash.get('/api/guilds/:id/history', guildRead((rt, guild, request) => history(rt)({ guild, query: request.query })));
          dash.get('/api/guilds/:id/quarantine', guildRead((rt, guild) => quarantine(rt)({ guild })));
          dash.get('/api/guilds/:id/filters', guildRead((rt, guild) => filters(rt)({ guild })));
          dash.get('/api/guilds/:id/events', events);
          for (const route of ACTION_ROUTES) {
            dash.route({ method: route.method, url: `/api/guilds/:id${route.path}`, bodyLimit: DASHBOARD_BODY_LIMIT, handler: write(route) });
          }

          // Assets need no session: they hold no data, and the login page needs none of them.
          await dash.register(fastifyStatic, { root: page.assetsDir, prefix: '/assets/', decorateReply: false, wildcard: true, index: false });
        },
        { prefix: DASHBOARD_PREFIX },
      );
    },
    attach(deps) {
      runtime = {
        ops: deps.ops,
        gateway: deps.gateway,
        watcher: new GuildWatcher(deps.keyspace, log),
        oauth,
        clock: options.clock,
        log,
        origin: options.origin,
        limits: dashboardLimiters(deps.ops.redis),
      };
      page.warnIfNotBuilt();
    },
    async stop() {
      streams.closeAll();
      const rt = runtime;
      runtime = undefined;
      await rt?.watcher.stop();
    },
  };
}
