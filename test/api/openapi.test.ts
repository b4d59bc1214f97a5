import { strict as assert } from 'node:assert';
import Fastify from 'fastify';
import { isRight } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { createApi } from '../../src/http/api';
import { AddTracksBody, MoveBody, PreviousBody, SeekBody, SettingsBody, SkipBody, SkipToBody, StateBody, EmptyBody } from '../../src/http/api/bodies';
import { FilterChange } from '../../src/filters';
import { openApiDocument, openApiPath } from '../../src/http/api/openapi';
import { LoadPlaylistBody } from '../../src/http/api/playlists';
import { ROUTES } from '../../src/http/api/routes';
import { silentLogger } from '../../src/log';

function record(u: unknown): Record<string, unknown> {
  assert.ok(typeof u === 'object' && u !== null && !Array.isArray(u));
  return Object.fromEntries(Object.entries(u));
}

describe('REST API: the OpenAPI document stays true to the routes', () => {
  it('documents exactly the routes fastify registers under /api/v1, in both directions', async () => {
    const app = Fastify();
    const registered = new Set<string>();
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) if (m !== 'HEAD' && route.url.startsWith('/api/v1')) registered.add(`${m} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    });
    await createApi({ token: 't', rateLimit: { burst: 1, refillMs: 1000 }, log: silentLogger }).register(app);
    await app.ready();
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(record(record(openApiDocument()).paths))) {
      for (const method of Object.keys(record(operations))) documented.add(`${method.toUpperCase()} ${path}`);
    }
    assert.deepEqual([...registered].sort(), [...documented].sort());
    assert.ok(registered.size >= 15);
    await app.close();
  });

  it('every documented body example decodes with the io-ts codec the route uses', () => {
    const codecs: Record<string, t.Decoder<unknown, unknown>> = {
      'POST /guilds/:id/tracks': AddTracksBody,
      'POST /guilds/:id/tracks/move': MoveBody,
      'PUT /guilds/:id/state': StateBody,
      'POST /guilds/:id/skip': SkipBody,
      'POST /guilds/:id/shuffle': EmptyBody,
      'POST /guilds/:id/seek': SeekBody,
      'PATCH /guilds/:id/settings': SettingsBody,
      'POST /guilds/:id/previous': PreviousBody,
      'POST /guilds/:id/skipto': SkipToBody,
      'POST /guilds/:id/playlists/:name/load': LoadPlaylistBody,
      'PATCH /guilds/:id/filters': FilterChange,
    };
    const withBody = ROUTES.filter((r) => r.body !== undefined);
    assert.deepEqual(withBody.map((r) => `${r.method} ${r.path}`).sort(), Object.keys(codecs).sort());
    for (const route of withBody) {
      const codec = codecs[`${route.method} ${route.path}`];
      const examples = route.body?.schema.examples;
      assert.ok(codec && Array.isArray(examples) && examples.length > 0, `${route.path} has examples`);
      for (const example of examples) assert.ok(isRight(codec.decode(example)), `${route.method} ${openApiPath(route.path)}: example ${JSON.stringify(example)} does not decode`);
    }
  });

  it('every error status a route documents has a description, and every route requires the token but the document itself', () => {
    const doc = record(openApiDocument());
    for (const [path, operations] of Object.entries(record(doc.paths))) {
      for (const [method, op] of Object.entries(record(operations))) {
        const responses = record(record(op).responses);
        if (path === '/api/v1/openapi.json') assert.deepEqual(record(op).security, []);
        else assert.ok('401' in responses && '429' in responses, `${method} ${path} documents 401 and 429`);
      }
    }
  });
});
