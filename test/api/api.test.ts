import { strict as assert } from 'node:assert';
import { apiRateLimitKey } from '../../src/http/api/ratelimit';
import { tokenId } from '../../src/http/api/auth';
import { guildKeys, GUILDS_KEY } from '../../src/state';
import { responderGuild } from '../responder/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { apiClient, dumpGuild, errorOf, field, TOKEN, type Answer } from './support';

interface StoredTrack {
  readonly id: string;
  readonly url: string;
  readonly requester?: { readonly id: string; readonly name: string };
}
const isStoredTrack = (u: unknown): u is StoredTrack => typeof u === 'object' && u !== null && 'id' in u && typeof u.id === 'string' && 'url' in u && typeof u.url === 'string';

describe('REST API end to end (sandbox, real Redis, a hiqty child process)', function () {
  this.timeout(60_000);
  const redis = useRedis();
  const g = responderGuild(3);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  let stage: Stage;
  let api: ReturnType<typeof apiClient>;
  let long: string;

  const playlist = async (): Promise<StoredTrack[]> =>
    (await stage.db.lrange(keys.playlist, 0, -1)).map((raw) => {
      const parsed: unknown = JSON.parse(raw);
      if (!isStoredTrack(parsed)) throw new Error(`not a track: ${raw}`);
      return parsed;
    });
  const expect = (answer: Answer, status: number, error?: string): Answer => {
    assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    if (error !== undefined) {
      assert.equal(errorOf(answer), error, JSON.stringify(answer.body));
      assert.equal(typeof field(answer.body, 'detail'), 'string');
    }
    return answer;
  };
  const queueUp = async (n: number): Promise<void> => {
    expect(await api('POST', `/guilds/${guild}/tracks`, { body: { urls: Array.from({ length: n }, (_, i) => `${long}?n=${i}`), channel: g.music } }), 200);
  };
  const resetLimits = async (): Promise<void> => {
    const limitKeys = await stage.db.keys('hiqty:api_ratelimit:*');
    if (limitKeys.length > 0) await stage.db.del(...limitKeys);
  };

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    const bot = await stage.startBot({ HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s', HIQTY_RATE_LIMIT: '1000/10s' });
    api = apiClient(bot.httpPort);
    long = await stage.tone(330, 60_000);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.quarantine);
    await resetLimits();
  });

  it('POST tracks enqueues through the ops, sets channel and state, and the track is heard in the sandbox', async () => {
    const url = await stage.tone(523, 1500);
    const answer = expect(await api('POST', `/guilds/${guild}/tracks`, { body: { url, channel: g.music } }), 200);
    assert.equal(field(answer.body, 'kind'), 'queued');
    assert.equal(field(answer.body, 'startsNow'), true);
    const [track] = await playlist();
    assert.equal(track?.url, url);
    assert.deepEqual(track?.requester, { id: 'api', name: 'REST API' });
    assert.equal(await stage.db.get(keys.channel), g.music);
    assert.equal(await stage.db.get(keys.state), 'playing');
    assert.equal(await stage.db.sismember(GUILDS_KEY, guild), 1);
    await stage.heard([523], 15_000, g.spec);
  });

  it('POST tracks {"query"} takes a link as well (the old {"url"} shape still works); the snapshot shows each track\'s source', async () => {
    const url = await stage.tone(659, 1500);
    const answer = expect(await api('POST', `/guilds/${guild}/tracks`, { body: { query: url, channel: g.music } }), 200);
    assert.equal(field(answer.body, 'kind'), 'queued');
    const queued = field(answer.body, 'tracks');
    assert.ok(Array.isArray(queued) && queued.length === 1);
    assert.equal(field(queued[0], 'source'), 'url');
    expect(await api('POST', `/guilds/${guild}/tracks`, { body: { url: `${url}?again` } }), 200);
    const view = expect(await api('GET', `/guilds/${guild}`), 200).body;
    const queue = field(view, 'queue');
    assert.ok(Array.isArray(queue));
    assert.deepEqual(queue.map((e) => [field(e, 'track', 'url'), field(e, 'track', 'source')]), [[url, 'url'], [`${url}?again`, 'url']]);
  });

  it('GET search answers results with their source and the skipped sources, and queues nothing', async () => {
    const before = await dumpGuild(stage.db, guild);
    const answer = expect(await api('GET', `/search?${new URLSearchParams({ q: 'never gonna give you up', limit: '5' }).toString()}`), 200);
    assert.equal(field(answer.body, 'kind'), 'search');
    assert.equal(field(answer.body, 'query'), 'never gonna give you up');
    const results = field(answer.body, 'results');
    const skipped = field(answer.body, 'skipped');
    assert.ok(Array.isArray(results) && results.length <= 5, JSON.stringify(answer.body));
    assert.ok(Array.isArray(skipped));
    for (const r of results) assert.ok(typeof field(r, 'url') === 'string' && typeof field(r, 'source') === 'string', JSON.stringify(r));
    for (const s of skipped) assert.ok(typeof field(s, 'source') === 'string' && typeof field(s, 'reason') === 'string', JSON.stringify(s));
    assert.equal(await dumpGuild(stage.db, guild), before);
  });

  it('GET guilds and GET a guild show the queue, state, settings and the position from the status', async () => {
    await queueUp(3);
    const ids = (await playlist()).map((t) => t.id);
    const list = expect(await api('GET', '/guilds'), 200);
    const guilds = field(list.body, 'guilds');
    assert.ok(Array.isArray(guilds) && guilds.some((s) => field(s, 'guild') === guild && field(s, 'length') === 3 && field(s, 'state') === 'playing'), JSON.stringify(list.body));
    // The player checkpoints the position: once it has, the snapshot shows it moving.
    const view = await waitFor('a position from the player', async () => {
      const v = expect(await api('GET', `/guilds/${guild}`), 200).body;
      const pos = field(v, 'nowPlaying', 'positionMs');
      return field(v, 'nowPlaying', 'started') === true && typeof pos === 'number' && pos > 0 ? v : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });
    const queue = field(view, 'queue');
    assert.ok(Array.isArray(queue));
    assert.deepEqual(queue.map((e) => field(e, 'track', 'id')), ids);
    assert.deepEqual(queue.map((e) => field(e, 'index')), [1, 2, 3]);
    assert.equal(field(view, 'state'), 'playing');
    assert.equal(field(view, 'channel'), g.music);
    assert.equal(field(view, 'settings', 'volume'), 100);
    assert.equal(field(view, 'status', 'trackId'), ids[0]);
    assert.equal(typeof field(view, 'player', 'instance'), 'string');
  });

  it('every write route changes Redis as its op does', async () => {
    await queueUp(4);
    const before = (await playlist()).map((t) => t.id);

    expect(await api('POST', `/guilds/${guild}/tracks/move`, { body: { from: 4, to: 2 } }), 200);
    assert.deepEqual((await playlist()).map((t) => t.id), [before[0], before[3], before[1], before[2]]);
    expect(await api('DELETE', `/guilds/${guild}/tracks/2`), 200);
    assert.deepEqual((await playlist()).map((t) => t.id), [before[0], before[1], before[2]]);

    const next = await stage.tone(660, 60_000);
    expect(await api('POST', `/guilds/${guild}/tracks`, { body: { urls: [next], next: true } }), 200);
    assert.equal((await playlist())[1]?.url, next);

    expect(await api('PUT', `/guilds/${guild}/state`, { body: { state: 'paused' } }), 200);
    assert.equal(await stage.db.get(keys.state), 'paused');
    expect(await api('PUT', `/guilds/${guild}/state`, { body: { state: 'playing' } }), 200);
    assert.equal(await stage.db.get(keys.state), 'playing');

    const headBefore = (await playlist())[0];
    const seek = expect(await api('POST', `/guilds/${guild}/seek`, { body: { position: '0:20' } }), 200);
    assert.equal(field(seek.body, 'positionMs'), 20_000);
    const seeked = await stage.db.lindex(keys.playlist, 0);
    assert.ok(seeked !== null && JSON.parse(seeked).startMs === 20_000 && JSON.parse(seeked).url === headBefore?.url);

    expect(await api('POST', `/guilds/${guild}/skip`), 200);
    assert.equal((await playlist())[0]?.url, next);
    const shuffle = expect(await api('POST', `/guilds/${guild}/shuffle`), 200);
    assert.equal(field(shuffle.body, 'kind'), 'shuffled');
    assert.equal((await playlist())[0]?.url, next, 'shuffle keeps the head');

    const settings = expect(await api('PATCH', `/guilds/${guild}/settings`, { body: { loop: 'queue', volume: 80, stay: true, autoplay: true, maxQueue: 50, djRole: g.djRole, announceChannel: g.text } }), 200);
    assert.equal(field(settings.body, 'volume'), 80);
    assert.equal(field(settings.body, 'autoplay'), true);
    assert.deepEqual(await stage.db.hgetall(keys.settings), { loop: 'queue', volume: '80', stay: '1', autoplay: '1', max_queue: '50', dj_role: g.djRole });
    assert.equal(await stage.db.get(keys.text_channel), g.text);
    expect(await api('PATCH', `/guilds/${guild}/settings`, { body: { maxQueue: null, djRole: null, loop: 'off', volume: 100, stay: false, autoplay: false } }), 200);
    assert.deepEqual(await stage.db.hgetall(keys.settings), { loop: 'off', volume: '100', stay: '0', autoplay: '0' });

    expect(await api('DELETE', `/guilds/${guild}/tracks`), 200);
    assert.equal(await stage.db.llen(keys.playlist), 0);
    await queueUp(2);
    expect(await api('PUT', `/guilds/${guild}/state`, { body: { state: 'stopped' } }), 200);
    assert.equal(await stage.db.get(keys.state), 'stopped');
    assert.equal(await stage.db.llen(keys.playlist), 0);
  });

  it('the quarantine can be listed and an entry put back', async () => {
    await queueUp(1);
    const fixed = JSON.stringify({ id: 'fixed-1', url: `${long}?fixed` });
    await stage.db.rpush(keys.quarantine, JSON.stringify({ raw: '{"url":', reason: 'not JSON', at: 1 }), JSON.stringify({ raw: fixed, reason: 'hand-fixed since', at: 2 }));
    const list = expect(await api('GET', `/guilds/${guild}/quarantine`), 200);
    const entries = field(list.body, 'entries');
    assert.ok(Array.isArray(entries) && entries.length === 2);
    assert.deepEqual(entries.map((e) => field(e, 'index')), [1, 2]);
    const dump = await dumpGuild(stage.db, guild);
    expect(await api('POST', `/guilds/${guild}/quarantine/1/requeue`), 409, 'still-corrupt');
    assert.equal(await dumpGuild(stage.db, guild), dump);
    expect(await api('POST', `/guilds/${guild}/quarantine/2/requeue`), 200);
    assert.equal((await playlist()).at(-1)?.id, 'fixed-1');
    assert.equal(await stage.db.llen(keys.quarantine), 1);
  });

  it('history: GET lists the played tracks newest first, POST previous plays the last one again, POST skipto jumps', async () => {
    const history = `hiqty:server:${guild}:history`;
    await stage.db.del(history);
    await queueUp(4);
    expect(await api('GET', `/guilds/${guild}/history`), 409, 'history-empty');
    const [first, second] = await playlist();
    expect(await api('POST', `/guilds/${guild}/skip`, { body: { trackId: first?.id } }), 200);
    expect(await api('POST', `/guilds/${guild}/skip`, { body: { trackId: second?.id } }), 200);
    const page = expect(await api('GET', `/guilds/${guild}/history`), 200);
    assert.equal(field(page.body, 'kind'), 'history-page');
    const entries = field(page.body, 'entries');
    assert.ok(Array.isArray(entries));
    assert.deepEqual(entries.map((e) => field(field(e, 'track'), 'id')), [second?.id, first?.id]);
    assert.ok(entries.every((e) => typeof field(e, 'playedAt') === 'number'));
    expect(await api('GET', `/guilds/${guild}/history?page=2`), 400, 'page-out-of-range');
    expect(await api('GET', `/guilds/${guild}/history?page=x`), 400, 'invalid-parameter');

    const back = expect(await api('POST', `/guilds/${guild}/previous`, { body: {} }), 200);
    assert.equal(field(back.body, 'kind'), 'previous');
    assert.deepEqual((await playlist()).map((t) => new URL(t.url).search), ['?n=1', '?n=2', '?n=3']);
    assert.notEqual((await playlist())[0]?.id, second?.id, 'under a new id');
    assert.equal(await stage.db.llen(history), 1);
    expect(await api('POST', `/guilds/${guild}/previous`, { body: { channel: 'lounge' } }), 400, 'invalid-body');

    const jumped = expect(await api('POST', `/guilds/${guild}/skipto`, { body: { index: 3 } }), 200);
    assert.equal(field(jumped.body, 'kind'), 'skipped-to');
    assert.deepEqual((await playlist()).map((t) => new URL(t.url).search), ['?n=3']);
    expect(await api('POST', `/guilds/${guild}/skipto`, { body: { index: 5 } }), 404, 'index-out-of-range');
  });

  it('refuses bad requests with the right status and {error, detail}, and changes nothing in Redis', async () => {
    await queueUp(2);
    await api('PUT', `/guilds/${guild}/state`, { body: { state: 'paused' } });
    const before = await dumpGuild(stage.db, guild);
    const cases: Array<[string, () => Promise<Answer>, number, string]> = [
      ['malformed JSON', () => api('POST', `/guilds/${guild}/tracks`, { raw: '{"url": "http://x' }), 400, 'invalid-json'],
      ['malformed JSON (settings)', () => api('PATCH', `/guilds/${guild}/settings`, { raw: '{volume: 5}' }), 400, 'invalid-json'],
      ['wrong type', () => api('POST', `/guilds/${guild}/tracks`, { body: { url: 42 } }), 400, 'invalid-body'],
      ['both url and urls', () => api('POST', `/guilds/${guild}/tracks`, { body: { url: long, urls: [long] } }), 400, 'invalid-body'],
      ['an unknown field', () => api('POST', `/guilds/${guild}/tracks/move`, { body: { from: 1, to: 2, force: true } }), 400, 'invalid-body'],
      ['an array body', () => api('PATCH', `/guilds/${guild}/settings`, { body: [1] }), 400, 'invalid-body'],
      ['a volume out of range, with a valid field before it', () => api('PATCH', `/guilds/${guild}/settings`, { body: { loop: 'track', volume: 500 } }), 400, 'invalid-body'],
      ['a state that does not exist', () => api('PUT', `/guilds/${guild}/state`, { body: { state: 'loud' } }), 400, 'invalid-body'],
      ['a bad guild id', () => api('GET', '/guilds/abc'), 400, 'invalid-parameter'],
      ['a bad index', () => api('DELETE', `/guilds/${guild}/tracks/0`), 400, 'invalid-parameter'],
      ['words in "url" (they go in "query")', () => api('POST', `/guilds/${guild}/tracks`, { body: { url: 'never gonna give you up' } }), 400, 'invalid-body'],
      ['both query and url', () => api('POST', `/guilds/${guild}/tracks`, { body: { query: 'a song', url: long } }), 400, 'invalid-body'],
      ['an empty query', () => api('POST', `/guilds/${guild}/tracks`, { body: { query: '  ' } }), 400, 'invalid-body'],
      ['one bad link in a list', () => api('POST', `/guilds/${guild}/tracks`, { body: { urls: [long, 'ftp://example.org/a.ogg'] } }), 400, 'link-refused'],
      ['a query that is a link to Redis', () => api('POST', `/guilds/${guild}/tracks`, { body: { query: `http://127.0.0.1:${new URL(redis.current.url).port}/` } }), 400, 'link-refused'],
      ['a search without q', () => api('GET', '/search'), 400, 'invalid-parameter'],
      ['a search limit out of range', () => api('GET', '/search?q=abc&limit=26'), 400, 'invalid-parameter'],
      ['a search with an unknown parameter', () => api('GET', '/search?q=abc&page=2'), 400, 'invalid-parameter'],
      ['a bad position', () => api('POST', `/guilds/${guild}/seek`, { body: { position: 'soon' } }), 400, 'bad-position'],
      ['a form body', () => api('POST', `/guilds/${guild}/tracks`, { raw: 'url=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type'],
      ['an oversized body', () => api('POST', `/guilds/${guild}/tracks`, { body: { urls: Array.from({ length: 100 }, (_, i) => `${long}?${'x'.repeat(1000)}${i}`) } }), 413, 'body-too-large'],
      ['an index past the end', () => api('DELETE', `/guilds/${guild}/tracks/9`), 404, 'index-out-of-range'],
      ['a move past the end', () => api('POST', `/guilds/${guild}/tracks/move`, { body: { from: 1, to: 7 } }), 404, 'index-out-of-range'],
      ['an unknown guild', () => api('GET', '/guilds/99999'), 404, 'unknown-guild'],
      ['a write to an unknown guild', () => api('POST', '/guilds/99999/skip'), 404, 'unknown-guild'],
      ['an unknown route', () => api('GET', '/nothing'), 404, 'not-found'],
      ['a skip of a track that is no longer the current one', () => api('POST', `/guilds/${guild}/skip`, { body: { trackId: 'not-the-head' } }), 409, 'changed'],
    ];
    for (const [what, call, status, error] of cases) {
      const answer = await call();
      assert.equal(answer.status, status, `${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(errorOf(answer), error, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(typeof field(answer.body, 'detail'), 'string', what);
      assert.equal(await dumpGuild(stage.db, guild), before, `${what} changed Redis`);
    }
    // 409: the queue limit of the guild, checked atomically; nothing of the list is queued.
    expect(await api('PATCH', `/guilds/${guild}/settings`, { body: { maxQueue: 3 } }), 200);
    const limited = await dumpGuild(stage.db, guild);
    expect(await api('POST', `/guilds/${guild}/tracks`, { body: { urls: [long, long] } }), 409, 'queue-full');
    assert.equal(await dumpGuild(stage.db, guild), limited);
    await stage.db.del(keys.playlist);
    const empty = await dumpGuild(stage.db, guild);
    expect(await api('POST', `/guilds/${guild}/skip`), 409, 'queue-empty');
    expect(await api('PUT', `/guilds/${guild}/state`, { body: { state: 'paused' } }), 409, 'queue-empty');
    assert.equal(await dumpGuild(stage.db, guild), empty);
  });

  it('401 without or with a wrong token, 429 after repeated wrong tokens and over the token\'s rate limit', async () => {
    await queueUp(1);
    const before = await dumpGuild(stage.db, guild);
    const missing = expect(await api('POST', `/guilds/${guild}/skip`, { token: null }), 401, 'unauthorized');
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    expect(await api('GET', '/guilds', { token: `${TOKEN}x` }), 401, 'unauthorized');
    expect(await api('GET', '/guilds', { token: 'short' }), 401, 'unauthorized');
    // Authentication comes before the body is read: an unauthenticated oversized body is still a 401.
    expect(await api('POST', `/guilds/${guild}/tracks`, { token: null, raw: 'x'.repeat(100_000) }), 401, 'unauthorized');
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) answers.push((await api('DELETE', `/guilds/${guild}/tracks/1`, { token: `wrong-${i}` })).status);
    assert.deepEqual(answers, [401, 401, 401, 401, 401, 401, 429, 429]);
    const limited = expect(await api('GET', '/guilds', { token: `${TOKEN}y` }), 429, 'rate-limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // A blocked address is refused even with the right token, so guessing cannot go on behind the 429s.
    expect(await api('GET', '/guilds'), 429, 'rate-limited');
    assert.equal(await dumpGuild(stage.db, guild), before);
    await resetLimits();
    expect(await api('GET', '/guilds'), 200);

    // Over the token's own limit (HIQTY_API_RATE_LIMIT): the bucket is emptied by hand (its value is when it is full again, in Redis time).
    const [seconds] = await stage.db.time();
    await stage.db.set(apiRateLimitKey('token', tokenId(TOKEN)), String((Number(seconds) + 3600) * 1000), 'PX', 10_000);
    expect(await api('POST', `/guilds/${guild}/skip`), 429, 'rate-limited');
    assert.equal(await dumpGuild(stage.db, guild), before);
    await resetLimits();
  });

  it('the event stream pushes the snapshot on every change', async function () {
    await queueUp(3);
    expect(await api('PUT', `/guilds/${guild}/state`, { body: { state: 'paused' } }), 200);
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${stage.bots[0]?.httpPort}/api/v1/guilds/${guild}/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events: Array<{ at: number; view: unknown }> = [];
    const reader = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body ?? []) {
          buffer += decoder.decode(chunk, { stream: true });
          const frames = buffer.split('\n\n');
          buffer = frames.pop() ?? '';
          for (const frame of frames) {
            const data = /^event: snapshot\ndata: (.*)$/m.exec(frame);
            if (data?.[1] !== undefined) events.push({ at: performance.now(), view: JSON.parse(data[1]) });
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
    try {
      await waitFor('the first snapshot', () => events[0]);
      assert.equal(field(events[0]?.view, 'state'), 'paused');
      const changes: Array<[string, () => Promise<unknown>, (v: unknown) => boolean]> = [
        ['volume via the API', () => api('PATCH', `/guilds/${guild}/settings`, { body: { volume: 70 } }), (v) => field(v, 'settings', 'volume') === 70],
        ['a move via the API', () => api('POST', `/guilds/${guild}/tracks/move`, { body: { from: 3, to: 2 } }), (v) => field(v, 'queue', '1', 'track', 'url') === `${long}?n=2`],
        ['loop written straight to Redis', () => stage.db.hset(keys.settings, 'loop', 'track'), (v) => field(v, 'settings', 'loop') === 'track'],
        ['a track pushed straight to Redis', () => stage.db.rpush(keys.playlist, JSON.stringify({ id: 'raw-1', url: `${long}?raw` })), (v) => field(v, 'length') === 4],
        ['a removal via the API', () => api('DELETE', `/guilds/${guild}/tracks/4`), (v) => field(v, 'length') === 3],
        ['the state via the API', () => api('PUT', `/guilds/${guild}/state`, { body: { state: 'stopped' } }), (v) => field(v, 'state') === 'stopped'],
      ];
      const latencies: number[] = [];
      for (const [what, change, seen] of changes) {
        const from = events.length;
        const start = performance.now();
        await change();
        const event = await waitFor(`an event showing ${what}`, () => events.slice(from).find((e) => seen(e.view)), { timeoutMs: 10_000, intervalMs: 5 });
        latencies.push(Math.round(event.at - start));
      }
      // Shown, not asserted: how fast depends on the machine's load.
      console.log(`      SSE latency per change (ms, from the start of the write): ${latencies.join(', ')}`);
      // De-duplicated: once the player has settled, a write that changes nothing sends nothing.
      let seen = -1;
      let quietSince = performance.now();
      await waitFor('no events for 600 ms', () => {
        if (events.length !== seen) {
          seen = events.length;
          quietSince = performance.now();
        }
        return performance.now() - quietSince > 600;
      }, { timeoutMs: 10_000, intervalMs: 20 });
      const count = events.length;
      await api('PATCH', `/guilds/${guild}/settings`, { body: { volume: 70 } });
      await api('GET', `/guilds/${guild}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(events.length, count, 'an unchanged guild was sent again');
    } finally {
      abort.abort();
      await reader;
    }
  });

  it('serves the OpenAPI document without a token', async () => {
    const doc = expect(await api('GET', '/openapi.json', { token: null }), 200);
    assert.equal(field(doc.body, 'openapi'), '3.1.0');
    assert.ok(field(doc.body, 'paths', '/api/v1/guilds/{id}/events', 'get'));
  });
});
