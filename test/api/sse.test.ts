/**
 * The event stream under load: a slow reader gets the latest snapshot rather than a backlog, and the
 * streams per token and per instance are capped. In process: fastify with the API's routes, real Redis.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { createApi } from '../../src/http/api';
import type { StreamCaps } from '../../src/http/api/sse';
import { silentLogger } from '../../src/log';
import { isLeft } from 'fp-ts/Either';
import { loadConfig } from '../../src/config';
import { createServiceLayer } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { DEFAULT_OPS_LIMITS, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys, GUILDS_KEY } from '../../src/state';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';
import { errorOf, field, TOKEN } from './support';

const G = '123456789012345678';

interface Served {
  readonly port: number;
  close(): Promise<void>;
}

/** Splits an SSE byte stream into its `event: snapshot` frames' data, however the chunks fall. */
class SnapshotFrames {
  readonly views: unknown[] = [];
  private buffer = '';
  push(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = /^event: snapshot\ndata: (.*)$/s.exec(frame)?.[1];
      if (data !== undefined) this.views.push(JSON.parse(data));
    }
  }
  get last(): unknown {
    return this.views[this.views.length - 1];
  }
}

interface Stream {
  readonly status: number;
  readonly body: unknown;
  readonly frames: SnapshotFrames;
  close(): void;
}

/** The defaults `hiqty run` reads with an empty environment: nothing here resolves or searches. */
function serviceConfig() {
  const config = loadConfig({});
  if (isLeft(config)) throw new Error(config.left.map((e) => e.message).join('; '));
  return config.right;
}

describe('REST API: event streams under backpressure and caps (in process, real Redis)', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let db: Redis;
  let deps: OpsDeps;
  const servers: Served[] = [];

  const serve = async (streams: StreamCaps): Promise<Served> => {
    const api = createApi({ token: TOKEN, rateLimit: { burst: 1000, refillMs: 1 }, streams, log: silentLogger });
    const app = Fastify({ logger: false });
    await api.register(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    api.attach(deps, () => redis.current.client());
    const address = app.server.address();
    const served = {
      port: typeof address === 'object' && address !== null ? address.port : 0,
      close: async () => {
        await api.stop();
        await app.close();
      },
    };
    servers.push(served);
    return served;
  };

  const open = async (port: number): Promise<Stream> => {
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/guilds/${G}/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
    const frames = new SnapshotFrames();
    if (response.status !== 200 || response.body === null) return { status: response.status, body: await response.json(), frames, close: () => abort.abort() };
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of response.body ?? []) frames.push(decoder.decode(chunk, { stream: true }));
    })().catch(() => {});
    return { status: 200, body: undefined, frames, close: () => abort.abort() };
  };

  before(async () => {
    db = redis.current.client();
    deps = { store: new GuildStore(db, systemClock), redis: db, clock: systemClock, resolver: createServiceLayer(serviceConfig(), { redis: db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS }).resolver, limits: DEFAULT_OPS_LIMITS };
  });
  beforeEach(async () => {
    await db.flushall();
    await db.multi().rpush(guildKeys(G).playlist, JSON.stringify({ id: 't1', url: 'https://e.org/1.ogg' })).set(guildKeys(G).state, 'paused').sadd(GUILDS_KEY, G).exec();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  after(() => db.disconnect());

  it('the per-token cap answers 429 with {error, detail}; closing a stream frees its slot', async () => {
    const { port } = await serve({ perInstance: 10, perToken: 2 });
    const a = await open(port);
    const b = await open(port);
    assert.deepEqual([a.status, b.status], [200, 200]);
    const c = await open(port);
    assert.equal(c.status, 429);
    assert.equal(errorOf({ status: c.status, body: c.body, headers: new Headers() }), 'too-many-streams');
    assert.match(String(field(c.body, 'detail')), /^2 event streams is the most this token may hold open on this instance\. Close one and try again\.$/);
    a.close();
    const d = await waitFor('the closed stream to free its slot', async () => {
      const s = await open(port);
      return s.status === 200 ? s : undefined;
    });
    await waitFor('the new stream to get its first snapshot', () => d.frames.views.length > 0 || undefined);
    assert.equal(field(d.frames.last, 'state'), 'paused');
    assert.equal((await open(port)).status, 429, 'full again');
    b.close();
    d.close();
  });

  it('the per-instance cap answers 429 too', async () => {
    const { port } = await serve({ perInstance: 2, perToken: 5 });
    const streams = [await open(port), await open(port)];
    assert.deepEqual(streams.map((s) => s.status), [200, 200]);
    const refused = await open(port);
    assert.equal(refused.status, 429);
    assert.match(String(field(refused.body, 'detail')), /^2 event streams is the most this instance serves\./);
    streams.forEach((s) => s.close());
  });

  it('a reader that stops reading gets the latest snapshot when it reads again, not a backlog of every change', async () => {
    // A big view (about 750 kB), so that socket buffers hold only a few of them.
    const tracks = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ id: `big-${i}`, url: `https://e.org/${i}.ogg`, title: `${'x'.repeat(400)} ${i}` }));
    await db.rpush(guildKeys(G).playlist, ...tracks);
    const { port } = await serve({ perInstance: 10, perToken: 10 });

    const slow = new SnapshotFrames();
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => slow.push(chunk));
    // HTTP/1.0: no chunked framing, the body is the event stream itself.
    socket.write(`GET /api/v1/guilds/${G}/events HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    await waitFor('the slow reader\'s first snapshot', () => slow.views.length > 0 || undefined);
    socket.pause();

    const fast = await open(port);
    await waitFor('the fast reader\'s first snapshot', () => fast.frames.views.length > 0 || undefined);
    const changes = 60;
    for (let v = 1; v <= changes; v++) {
      await deps.store.setSettings(G, { volume: v });
      // Each change is seen (so every stream emitted a snapshot for it) before the next one is made.
      await waitFor(`the fast reader to see volume ${v}`, () => field(fast.frames.last, 'settings', 'volume') === v || undefined, { timeoutMs: 10_000 });
    }
    const before = slow.views.length;
    socket.resume();
    await waitFor('the slow reader to catch up with the latest snapshot', () => field(slow.last, 'settings', 'volume') === changes || undefined, { timeoutMs: 20_000 });
    const received = slow.views.length - before;
    assert.ok(received <= changes / 2, `the slow reader got ${received} snapshots for ${changes} changes: a backlog, not the latest`);
    assert.ok(fast.frames.views.length > changes, 'the fast reader got every change');
    fast.close();
    socket.destroy();
  });
});
