/**
 * The service layer as operators see it, through the REST API and the CLI (both modes): each source's
 * health as the bot saw it (a failing SoundCloud opens its circuit and the bot publishes that at once), and
 * the shared caches of service answers, counted and emptied. A real bot against the service fakes.
 */
import { strict as assert } from 'node:assert';
import { startServiceFakes, type ServiceFakes } from '../../src/sandbox/services';
import { apiClient, field, TOKEN } from '../api/support';
import { responderGuild } from '../responder/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { runCli, type CliRun } from './support';

const ok = (run: CliRun): string => {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return run.stdout;
};

describe('REST API and CLI: source health and the shared caches', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(7);
  let stage: Stage;
  let fakes: ServiceFakes;
  let env: NodeJS.ProcessEnv;
  let apiUrl: string;
  let api: ReturnType<typeof apiClient>;

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    fakes = await startServiceFakes();
    const services = fakes.env([new URL(stage.fixtures.origin).host]);
    const bot = await stage.startBot({ ...services, HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s' });
    apiUrl = `http://127.0.0.1:${bot.httpPort}`;
    api = apiClient(bot.httpPort);
    env = { REDIS_URL: stage.redis.url, ...services, HIQTY_API_TOKEN: TOKEN };
  });
  after(async () => {
    fakes.soundcloud.setApiMode('ok');
    await stage.stop();
    await fakes.stop();
  });
  Stage.dumpOnFailure(() => stage);

  it('a source that keeps failing shows an open circuit in GET /sources and hiqty status --sources (both modes)', async () => {
    fakes.soundcloud.setApiMode('failing');
    for (let i = 0; i < 3; i++) assert.equal((await api('GET', `/search?q=${encodeURIComponent(`sc: failing ${i}`)}`)).status, 200);
    const open = await waitFor('the open circuit to be published', async () => {
      const answer = await api('GET', '/sources');
      const rows = field(answer.body, 'sources');
      return Array.isArray(rows) ? rows.find((r) => field(r, 'source') === 'soundcloud' && field(r, 'circuit') === 'open') : undefined;
    });
    assert.equal(field(open, 'failureRate'), 1);
    assert.equal(field(open, 'requests'), 3);
    for (const mode of [[], ['--api', apiUrl]]) {
      const table = ok(await runCli([...mode, 'status', '--sources'], env));
      assert.match(table, /^SOURCE\s+INSTANCE\s+FAILED\s+OF\s+CIRCUIT\s+SEEN$/m);
      assert.match(table, /^SoundCloud\s+\S+\s+100%\s+3\s+open \(\d+ s left\)/m);
    }
    const refused = await runCli(['status', g.spec.id, '--sources'], env);
    assert.equal(refused.code, 2, 'a guild and --sources together is a usage error');
  });

  it('cache stats counts what searches left in Redis; cache clear --kind search empties it (both modes)', async () => {
    fakes.soundcloud.setApiMode('ok');
    assert.equal((await api('GET', `/search?q=${encodeURIComponent('yt: never gonna give you up')}`)).status, 200);
    for (const mode of [[], ['--api', apiUrl]]) {
      const stats = JSON.parse(ok(await runCli([...mode, 'cache', 'stats', '--json'], env)));
      const caches = field(stats, 'caches');
      const search = Array.isArray(caches) ? caches.find((c) => field(c, 'kind') === 'search') : undefined;
      assert.ok(Number(field(search, 'entries')) >= 1, JSON.stringify(stats));
      assert.equal(field(search, 'bySource', 'youtube'), 1);
      assert.match(ok(await runCli([...mode, 'cache', 'stats'], env)), /^search\s+all\s+\d+\s+[\d.]+ KiB$/m);
    }
    assert.match(ok(await runCli(['cache', 'clear', '--kind', 'search'], env)), /^Cleared \d+ cached answers \(search\)\.$/m);
    assert.equal((await stage.db.keys('hiqty:search_cache:*')).length, 0);
    const cleared = await api('DELETE', '/cache?kind=resolve');
    assert.equal(cleared.status, 200);
    assert.equal(field(cleared.body, 'kind'), 'cache-cleared');
    assert.equal((await api('DELETE', '/cache?kind=everything')).status, 400);
    assert.equal((await runCli(['cache', 'clear', '--kind', 'everything'], env)).code, 2);
  });
});
