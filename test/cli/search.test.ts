/**
 * Text queries through the REST API and the CLI (both modes), against the sandbox's YouTube and
 * SoundCloud fakes: the same QueryResolver as Discord's /play, so words queue the top result and
 * `search` lists results with their source. The CLI's direct mode resolves in its own process, so it
 * gets the same HIQTY_SERVICE_ORIGINS as the bot.
 */
import { strict as assert } from 'node:assert';
import { startServiceFakes, type ServiceFakes } from '../../src/sandbox/services';
import { guildKeys } from '../../src/state';
import { apiClient, field, TOKEN } from '../api/support';
import { responderGuild } from '../responder/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { runCli, type CliRun } from './support';

const parse = (run: CliRun): unknown => {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

describe('REST API and CLI: text queries and search against the service fakes', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(6);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  let stage: Stage;
  let fakes: ServiceFakes;
  let env: NodeJS.ProcessEnv;
  let apiUrl: string;
  let api: ReturnType<typeof apiClient>;

  const queued = async (): Promise<unknown[]> => (await stage.db.lrange(keys.playlist, 0, -1)).map((raw): unknown => JSON.parse(raw));

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    fakes = await startServiceFakes();
    const services = fakes.env([new URL(stage.fixtures.origin).host]);
    const bot = await stage.startBot({ ...services, HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s', HIQTY_RATE_LIMIT: '1000/10s' });
    apiUrl = `http://127.0.0.1:${bot.httpPort}`;
    api = apiClient(bot.httpPort);
    env = { REDIS_URL: stage.redis.url, ...services, HIQTY_API_TOKEN: TOKEN };
  });
  after(async () => {
    await stage.stop();
    await fakes.stop();
  });
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings);
  });

  it('POST tracks {"query": words} queues the top result with its source and artist; the snapshot shows the source', async () => {
    const answer = await api('POST', `/guilds/${guild}/tracks`, { body: { query: 'never gonna give you up', channel: g.music } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const tracks = field(answer.body, 'tracks');
    assert.ok(Array.isArray(tracks) && tracks.length === 1, JSON.stringify(answer.body));
    assert.equal(field(tracks[0], 'artist'), 'Rick Astley');
    const source = field(tracks[0], 'source');
    assert.ok(source === 'youtube' || source === 'soundcloud', String(source));
    const view = await api('GET', `/guilds/${guild}`);
    const queue = field(view.body, 'queue');
    assert.ok(Array.isArray(queue));
    assert.equal(field(field(queue[0], 'track'), 'source'), source);
    assert.equal(field(field(queue[0], 'track'), 'sourceId'), field(tracks[0], 'sourceId'));
  });

  it('POST tracks {"query": "sc:…"} searches SoundCloud only; words with no results are 404 no-results and queue nothing', async () => {
    const sc = await api('POST', `/guilds/${guild}/tracks`, { body: { query: 'sc:never gonna give you up', channel: g.music } });
    assert.equal(sc.status, 200, JSON.stringify(sc.body));
    assert.equal(field((await queued())[0], 'source'), 'soundcloud');
    const none = await api('POST', `/guilds/${guild}/tracks`, { body: { query: 'qqzx nothing like this exists' } });
    assert.equal(none.status, 404, JSON.stringify(none.body));
    assert.equal(field(none.body, 'error'), 'no-results');
    assert.match(String(field(none.body, 'detail')), /Nothing found for "qqzx nothing like this exists"/);
    assert.equal((await queued()).length, 1);
  });

  it('GET search returns results from both sources, each with its source, best first', async () => {
    const answer = await api('GET', `/search?${new URLSearchParams({ q: 'never gonna give you up', limit: '25' }).toString()}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const results = field(answer.body, 'results');
    assert.ok(Array.isArray(results) && results.length >= 2, JSON.stringify(answer.body));
    const sources = new Set(results.map((r) => field(r, 'source')));
    assert.ok(sources.has('youtube') && sources.has('soundcloud'), JSON.stringify([...sources]));
    assert.deepEqual(field(answer.body, 'skipped'), []);
    assert.equal((await queued()).length, 0, 'a search queues nothing');
  });

  for (const mode of ['direct', 'api'] as const) {
    const hiqty = (...args: string[]): Promise<CliRun> => runCli(mode === 'api' ? ['--api', apiUrl, ...args] : args, env);

    it(`${mode} mode: hiqty play <guild> never gonna give you up (words, unquoted) queues the top result`, async () => {
      const out = await hiqty('play', guild, 'never', 'gonna', 'give', 'you', 'up', '--channel', g.music);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /^Playing .*Never Gonna Give You Up.* — Rick Astley at position 1\.$/m);
      const [track] = await queued();
      assert.equal(field(track, 'artist'), 'Rick Astley');
      const status = await hiqty('status', guild);
      assert.match(status.stdout, /^1\s+.*Never Gonna Give You Up.*\s+(YouTube|SoundCloud)\s+/m, status.stdout);
    });

    it(`${mode} mode: hiqty search lists results with their source (table and --json)`, async () => {
      const human = await hiqty('search', 'never', 'gonna', 'give', 'you', 'up', '--limit', '5');
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^#\s+TITLE\s+LENGTH\s+SOURCE\s+URL$/m);
      assert.match(human.stdout, /Never Gonna Give You Up — Rick Astley\s+\d+:\d\d\s+SoundCloud\s+https:\/\/soundcloud\.com\//);
      const json = parse(await hiqty('search', 'sc:never gonna', '--json'));
      const results = field(json, 'results');
      assert.ok(Array.isArray(results) && results.length >= 1 && results.every((r) => field(r, 'source') === 'soundcloud'), JSON.stringify(json));
      const bad = await hiqty('search', 'x', '--limit', '99');
      assert.equal(bad.code, 2);
      assert.equal((await queued()).length, 0);
    });
  }
});
