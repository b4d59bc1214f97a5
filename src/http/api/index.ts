/**
 * The REST API under /api/v1, on by HIQTY_API_TOKEN. Routes are registered while the HTTP server
 * starts (before Redis is connected), so they answer 503 until `attach` hands them the ops' deps.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { decode } from '../../codecs';
import type { RateLimit } from '../../config';
import type { Logger } from '../../log';
import type { KeyspaceHub } from '../../reconcile';
import { guildExists, GuildWatcher, type OpsDeps } from '../../ops';
import { bearerToken, tokenChecker, tokenId } from './auth';
import { GuildId, IndexParam } from './bodies';
import { apiError, type ApiError } from './errors';
import { API_PREFIX, openApiDocument } from './openapi';
import { RedisRateLimiter, type LimitVerdict } from './ratelimit';
import { ROUTES, unknownGuild, type RouteSpec } from './routes';
import { DEFAULT_STREAM_CAPS, SseStreams, type StreamCaps } from './sse';

/** Largest request body; a list of 100 links fits easily. */
export const API_BODY_LIMIT = 64 * 1024;

/** Failed authentications per client address: a burst of 10, refilled at 10 per minute, before it gets 429. */
export const AUTH_FAILURE_LIMIT: RateLimit = { burst: 10, refillMs: 6000 };

export interface ApiOptions {
  readonly token: string;
  readonly rateLimit: RateLimit;
  /** Event streams per instance and per token. Default DEFAULT_STREAM_CAPS (200 and 20). */
  readonly streams?: StreamCaps;
  readonly log: Logger;
}

interface Runtime {
  readonly deps: OpsDeps;
  readonly watcher: GuildWatcher;
  readonly tokens: RedisRateLimiter;
  readonly failures: RedisRateLimiter;
}

export interface Api {
  register(app: FastifyInstance): Promise<void>;
  /**
   * Makes the routes live: the ops' deps and, for the event streams, the instance's shared keyspace
   * subscriber (the bot's) or a factory of dedicated connections (a subscriber of the API's own).
   */
  attach(deps: OpsDeps, keyspace: KeyspaceHub | (() => Redis)): void;
  stop(): Promise<void>;
}

const Params = t.partial({ id: t.string, index: t.string, name: t.string, user: t.string });

function send(reply: FastifyReply, e: ApiError): FastifyReply {
  return reply.code(e.status).type('application/json').send({ error: e.error, detail: e.detail });
}

function tooMany(reply: FastifyReply, verdict: Extract<LimitVerdict, { allowed: false }>, who: string): FastifyReply {
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  return send(reply.header('retry-after', String(seconds)), apiError(429, 'rate-limited', `Too many requests ${who}. Try again in ${seconds} s.`));
}

/** Fastify's own errors (parsing, size) as `{error, detail}`. */
function fromFastifyError(err: FastifyError): ApiError {
  const status = err.statusCode ?? 500;
  if (status === 413) return apiError(413, 'body-too-large', `The body is larger than ${API_BODY_LIMIT} bytes.`);
  if (status === 415) return apiError(415, 'unsupported-media-type', 'Send the body as JSON with Content-Type: application/json.');
  if (status === 400 && /JSON/i.test(`${err.code} ${err.message}`)) return apiError(400, 'invalid-json', `The body is not valid JSON: ${err.message}`);
  if (status >= 400 && status < 500) return apiError(status, 'bad-request', err.message);
  return apiError(503, 'unavailable', 'Something went wrong on our side (Redis may be unreachable). Try again in a moment.');
}

export function createApi(options: ApiOptions): Api {
  const log = options.log.child({ component: 'api' });
  const matches = tokenChecker(options.token);
  const streams = new SseStreams(log, options.streams ?? DEFAULT_STREAM_CAPS);
  let runtime: Runtime | undefined;

  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (request.routeOptions.url === `${API_PREFIX}/openapi.json`) return undefined;
    const rt = runtime;
    if (rt === undefined) return send(reply, apiError(503, 'starting', 'The instance is still starting. Try again in a moment.'));
    const blocked = await rt.failures.blocked(request.ip);
    if (!blocked.allowed) return tooMany(reply, blocked, 'with a wrong or missing token from this address');
    const token = bearerToken(request.headers.authorization);
    if (token === undefined || !matches(token)) {
      const verdict = await rt.failures.hit(request.ip);
      if (!verdict.allowed) return tooMany(reply, verdict, 'with a wrong or missing token from this address');
      reply.header('www-authenticate', 'Bearer realm="hiqty"');
      return send(reply, apiError(401, 'unauthorized', token === undefined ? 'Send the API token as "Authorization: Bearer <token>".' : 'That token is not valid.'));
    }
    const verdict = await rt.tokens.hit(tokenId(token));
    return verdict.allowed ? undefined : tooMany(reply, verdict, 'for this token');
  };

  const handler = (route: RouteSpec) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const rt = runtime;
    if (rt === undefined) return send(reply, apiError(503, 'starting', 'The instance is still starting. Try again in a moment.'));
    const params = decode(Params, request.params);
    const raw = isLeft(params) ? {} : params.right;
    let guild = '';
    if (raw.id !== undefined) {
      const id = decode(GuildId, raw.id);
      if (isLeft(id)) return send(reply, apiError(400, 'invalid-parameter', `id: ${id.left.join('; ')}`));
      guild = id.right;
    }
    let index = 0;
    if (raw.index !== undefined) {
      const n = decode(IndexParam, raw.index);
      if (isLeft(n)) return send(reply, apiError(400, 'invalid-parameter', `index: ${n.left.join('; ')} (1 is the current track)`));
      index = n.right;
    }
    if (route.needsGuild && !(await guildExists(rt.deps, guild))) return send(reply, unknownGuild(guild));
    if (route.handle === undefined) {
      // authenticate let the request through, so the header holds the right token.
      const token = tokenId(bearerToken(request.headers.authorization) ?? '');
      const full = streams.refusal(token);
      if (full !== undefined) {
        const who = full.cap === 'instance' ? 'this instance serves' : 'this token may hold open on this instance';
        return send(reply.header('retry-after', '5'), apiError(429, 'too-many-streams', `${full.limit} event streams is the most ${who}. Close one and try again.`));
      }
      reply.hijack();
      streams.serve(reply.raw, rt.deps, rt.watcher, guild, token);
      return undefined;
    }
    const result = await route.handle({ deps: rt.deps, guild, index, params: { ...(raw.name === undefined ? {} : { name: raw.name }), ...(raw.user === undefined ? {} : { user: raw.user }) }, body: request.body, query: request.query });
    return isLeft(result) ? send(reply, result.left) : reply.code(route.ok.status).send(result.right);
  };

  return {
    async register(app) {
      const document = openApiDocument();
      await app.register(
        async (api) => {
          api.addHook('onRequest', authenticate);
          api.setErrorHandler((err: FastifyError, _request, reply) => {
            const e = fromFastifyError(err);
            if (e.status >= 500) log.error({ err }, 'api request failed');
            return send(reply, e);
          });
          api.setNotFoundHandler((request, reply) => send(reply, apiError(404, 'not-found', `There is no ${request.method} ${request.url.split('?')[0]}. See ${API_PREFIX}/openapi.json.`)));
          for (const route of ROUTES) {
            api.route({
              method: route.method,
              url: route.path,
              bodyLimit: API_BODY_LIMIT,
              handler: route.path === '/openapi.json' ? async () => document : handler(route),
            });
          }
        },
        { prefix: API_PREFIX },
      );
    },
    attach(deps, keyspace) {
      runtime = {
        deps,
        watcher: new GuildWatcher(keyspace, log),
        tokens: new RedisRateLimiter(deps.redis, options.rateLimit, 'token'),
        failures: new RedisRateLimiter(deps.redis, AUTH_FAILURE_LIMIT, 'ip'),
      };
    },
    async stop() {
      streams.closeAll();
      const rt = runtime;
      runtime = undefined;
      await rt?.watcher.stop();
    },
  };
}
