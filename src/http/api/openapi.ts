/** The OpenAPI 3.1 document, generated from the route table the server registers. */
import { MAX_PLAYLIST_NAME_LENGTH } from '../../state';
import type { JsonSchema } from './bodies';
import { ROUTES, type RouteSpec } from './routes';

export const API_PREFIX = '/api/v1';

/** `/guilds/:id` (fastify) as `/api/v1/guilds/{id}` (OpenAPI). */
export function openApiPath(path: string): string {
  return `${API_PREFIX}${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed JSON, a body or parameter of the wrong shape, or a request the op refuses as invalid',
  401: 'Missing or wrong bearer token',
  403: 'Not allowed',
  404: 'Unknown guild (no state at all), no entry at that index, or nothing found for a query',
  409: 'Conflicts with the guild\'s current state (empty queue, queue full, changed meanwhile, ...)',
  413: 'Body larger than the limit',
  429: 'Rate limited, or too many event streams open; see Retry-After',
  502: 'A service (YouTube, SoundCloud) or a playlist server did not answer properly',
  503: 'Redis unavailable, the instance still starting, or every searched source resting after errors; nothing was changed',
};

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });

const COMPONENTS: Readonly<Record<string, JsonSchema>> = {
  Error: { type: 'object', required: ['error', 'detail'], properties: { error: { type: 'string' }, detail: { type: 'string' } } },
  Track: {
    type: 'object',
    required: ['id', 'url'],
    additionalProperties: true,
    properties: {
      id: { type: 'string' },
      url: { type: 'string' },
      title: { type: 'string' },
      artist: { type: 'string' },
      durationMs: { type: 'number' },
      requester: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
      source: { type: 'string', description: 'youtube, youtube-music, soundcloud, url, attachment (older entries: url-playlist)' },
      sourceId: { type: 'string', description: "The service's own id (a YouTube video id, a SoundCloud track id)" },
      artworkUrl: { type: 'string' },
      isrc: { type: 'string' },
      addedAt: { type: 'number' },
      startMs: { type: 'number' },
      live: { type: 'boolean' },
    },
  },
  Settings: {
    type: 'object',
    properties: {
      loop: { type: 'string', enum: ['off', 'track', 'queue'] },
      volume: { type: 'integer' },
      stay: { type: 'boolean' },
      autoplay: { type: 'boolean' },
      djRole: nullable('string'),
      maxQueue: nullable('integer'),
      maxPerUser: nullable('integer'),
      effectiveMaxQueue: { type: 'integer' },
      announceChannel: nullable('string'),
      language: nullable('string'),
    },
  },
  GuildSummary: {
    type: 'object',
    required: ['guild', 'state', 'length'],
    properties: {
      guild: { type: 'string' },
      state: { type: 'string', enum: ['playing', 'paused', 'stopped'] },
      length: { type: 'integer' },
      channel: nullable('string'),
      nowPlaying: nullable('string'),
      positionMs: nullable('integer'),
      player: nullable('string'),
    },
  },
  GuildView: {
    type: 'object',
    required: ['guild', 'state', 'settings', 'queue', 'length', 'nowPlaying', 'status'],
    properties: {
      guild: { type: 'string' },
      state: { type: 'string', enum: ['playing', 'paused', 'stopped'] },
      channel: nullable('string'),
      textChannel: nullable('string'),
      settings: { $ref: '#/components/schemas/Settings' },
      queue: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer', description: '1-based; 1 is the current track' }, track: { $ref: '#/components/schemas/Track' } } } },
      length: { type: 'integer' },
      nowPlaying: {
        type: ['object', 'null'],
        properties: { track: { $ref: '#/components/schemas/Track' }, started: { type: 'boolean' }, positionMs: { type: 'integer' }, durationMs: nullable('number') },
      },
      status: { type: ['object', 'null'], description: 'The observed state the player holding the lease last checkpointed' },
      player: { type: ['object', 'null'], properties: { instance: { type: 'string' }, epoch: { type: 'integer' } } },
      quarantineLength: { type: 'integer' },
      corrupt: { type: 'array', items: { type: 'object' } },
    },
  },
  SearchResult: {
    type: 'object',
    required: ['url', 'title', 'source'],
    additionalProperties: true,
    properties: {
      url: { type: 'string', description: 'What POST .../tracks {"url"} queues' },
      title: { type: 'string' },
      source: { type: 'string', enum: ['youtube', 'youtube-music', 'soundcloud'] },
      sourceId: { type: 'string' },
      artist: { type: 'string' },
      durationMs: { type: 'number' },
      artworkUrl: { type: 'string' },
      isrc: { type: 'string' },
      live: { type: 'boolean' },
    },
  },
  SearchResults: {
    type: 'object',
    required: ['kind', 'query', 'results', 'skipped'],
    properties: {
      kind: { const: 'search' },
      query: { type: 'string' },
      results: { type: 'array', items: { $ref: '#/components/schemas/SearchResult' }, description: 'Best first' },
      skipped: {
        type: 'array',
        description: 'Sources not asked (resting after errors) or that failed, and why',
        items: { type: 'object', required: ['source', 'reason'], properties: { source: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
  },
  QueuedResult: {
    type: 'object',
    properties: {
      kind: { const: 'queued' },
      tracks: { type: 'array', items: { $ref: '#/components/schemas/Track' } },
      position: { type: 'integer', description: '1-based position of the first track queued' },
      startsNow: { type: 'boolean' },
      leftOut: {
        type: 'array',
        description: 'Entries of a playlist or set left out because they cannot play (preview only, DRM, a dead link), and why',
        items: { type: 'object', required: ['title', 'reason'], properties: { title: { type: 'string' }, reason: { type: 'string' } } },
      },
      skippedSources: {
        type: 'array',
        description: 'Sources a search passed over (resting after errors, failing) before another found the track, and why',
        items: { type: 'object', required: ['source', 'reason'], properties: { source: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
  },
};

function operation(route: RouteSpec): JsonSchema {
  const params: JsonSchema[] = [
    ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'id' || m[1] === 'user' ? { type: 'string', pattern: '^[0-9]{1,20}$' } : m[1] === 'name' ? { type: 'string', minLength: 1, maxLength: MAX_PLAYLIST_NAME_LENGTH } : { type: 'integer', minimum: 1 },
    })),
    ...(route.queryParameters ?? []),
  ];
  const errorStatuses = route.path === '/openapi.json' ? [] : [...new Set([...route.errors, 401, 429, 503])].sort();
  const responses: Record<string, JsonSchema> = {
    [String(route.ok.status)]: { description: 'OK', content: { [route.ok.contentType ?? 'application/json']: { schema: route.ok.schema } } },
  };
  for (const status of errorStatuses) {
    responses[String(status)] = { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return {
    summary: route.summary,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: route.body.required, content: { 'application/json': { schema: route.body.schema } } } } : {}),
    ...(route.path === '/openapi.json' ? { security: [] } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteSpec[] = ROUTES): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hiqty REST API',
      version: '1',
      description: 'Writes desired state to Redis through the same validated operations as the Discord commands. Indexes are 1-based; 1 is the current track.',
    },
    components: { schemas: COMPONENTS, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
