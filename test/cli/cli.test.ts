import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { apiClient, dumpGuild, field, TOKEN } from '../api/support';
import { responderGuild } from '../responder/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { runCli, startCli, type CliRun } from './support';

const parse = (run: CliRun): unknown => {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

describe('CLI end to end (the real hiqty binary, sandbox, real Redis, a hiqty child process)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(4);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  let stage: Stage;
  let long: string;
  let env: NodeJS.ProcessEnv;
  let apiUrl: string;

  const urls = async (): Promise<string[]> => (await stage.db.lrange(keys.playlist, 0, -1)).map((raw): string => JSON.parse(raw).url);
  const ids = async (): Promise<string[]> => (await stage.db.lrange(keys.playlist, 0, -1)).map((raw): string => JSON.parse(raw).id);

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    const bot = await stage.startBot({ HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s', HIQTY_RATE_LIMIT: '1000/10s' });
    apiUrl = `http://127.0.0.1:${bot.httpPort}`;
    long = await stage.tone(330, 60_000);
    env = { REDIS_URL: stage.redis.url, HIQTY_FETCH_ALLOW: new URL(stage.fixtures.origin).host, HIQTY_API_TOKEN: TOKEN };
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  for (const mode of ['direct', 'api'] as const) {
    describe(`${mode} mode`, () => {
      const hiqty = (...args: string[]): Promise<CliRun> => runCli(mode === 'api' ? ['--api', apiUrl, ...args] : args, env);

      beforeEach(async () => {
        await stage.db.del(keys.playlist, keys.state, keys.settings, keys.quarantine);
      });

      it('play queues links (--channel, --next, --json) and the track is heard in the sandbox', async () => {
        const tone = mode === 'direct' ? 587 : 659;
        // Long enough not to end (and be advanced past) while the commands below run, even on a loaded machine.
        const url = await stage.tone(tone, 20_000);
        const played = parse(await hiqty('play', guild, url, `${long}?a`, '--channel', g.music, '--json'));
        assert.equal(field(played, 'kind'), 'queued');
        assert.equal(field(played, 'position'), 1);
        assert.deepEqual(await urls(), [url, `${long}?a`]);
        assert.equal(await stage.db.get(keys.channel), g.music);
        assert.equal(await stage.db.get(keys.state), 'playing');
        const human = await hiqty('play', guild, `${long}?next`, '--next');
        assert.equal(human.code, 0, human.stderr);
        assert.match(human.stdout, /Queued .* at position 2\./);
        assert.deepEqual(await urls(), [url, `${long}?next`, `${long}?a`]);
        const requester = JSON.parse((await stage.db.lindex(keys.playlist, 0)) ?? '{}').requester;
        assert.deepEqual(requester, mode === 'api' ? { id: 'api', name: 'REST API' } : { id: 'cli', name: 'CLI' });
        await stage.heard([tone], 15_000, g.spec);
      });

      it('status shows a table of guilds and one guild\'s queue with the position; --json matches Redis', async () => {
        await hiqty('play', guild, `${long}?1`, `${long}?2`, `${long}?3`, '--channel', g.music);
        const table = await hiqty('status');
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^GUILD\s+STATE\s+QUEUE\s+POSITION/);
        assert.match(table.stdout, new RegExp(`${guild}\\s+playing\\s+3`));
        const list = parse(await hiqty('status', '--json'));
        const guilds = field(list, 'guilds');
        assert.ok(Array.isArray(guilds) && guilds.some((s) => field(s, 'guild') === guild && field(s, 'length') === 3));
        const view = await waitFor('a started track with a position', async () => {
          const v = parse(await hiqty('status', guild, '--json'));
          const pos = field(v, 'nowPlaying', 'positionMs');
          return field(v, 'nowPlaying', 'started') === true && typeof pos === 'number' && pos > 0 ? v : undefined;
        }, { timeoutMs: 20_000, intervalMs: 200 });
        const queue = field(view, 'queue');
        assert.ok(Array.isArray(queue));
        assert.deepEqual(queue.map((e) => field(e, 'track', 'id')), await ids());
        assert.equal(field(view, 'state'), await stage.db.get(keys.state));
        const human = await hiqty('status', guild);
        assert.equal(human.code, 0, human.stderr);
        assert.match(human.stdout, /Now playing: .*\[\d+:\d\d\]/);
        assert.match(human.stdout, /^#\s+TITLE\s+LENGTH\s+SOURCE\s+REQUESTER$/m);
        assert.match(human.stdout, /^1\s+tone-330hz-60000ms-v1\s+\S+\s+Link\s+/m, 'each track shows its source');
      });

      it('skip, pause, resume, shuffle, remove, move, clear and stop change Redis; --json prints the result', async () => {
        await hiqty('play', guild, `${long}?1`, `${long}?2`, `${long}?3`, `${long}?4`, `${long}?5`, '--channel', g.music);
        const ok = async (...args: string[]): Promise<string> => {
          const r = await hiqty(...args);
          assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
          assert.equal(r.stderr, '');
          return r.stdout;
        };
        assert.match(await ok('skip', guild), /Skipped/);
        assert.deepEqual(await urls(), [2, 3, 4, 5].map((n) => `${long}?${n}`));
        assert.equal(field(JSON.parse(await ok('pause', guild, '--json')), 'kind'), 'paused');
        assert.equal(await stage.db.get(keys.state), 'paused');
        assert.match(await ok('resume', guild), /Resumed/);
        assert.equal(await stage.db.get(keys.state), 'playing');
        assert.match(await ok('move', guild, '4', '2'), /Moved .* from 4 to 2/);
        assert.deepEqual(await urls(), [2, 5, 3, 4].map((n) => `${long}?${n}`));
        assert.match(await ok('remove', guild, '3'), /Removed/);
        assert.deepEqual(await urls(), [2, 5, 4].map((n) => `${long}?${n}`));
        assert.equal(field(JSON.parse(await ok('shuffle', guild, '--json')), 'kind'), 'shuffled');
        assert.equal((await urls())[0], `${long}?2`);
        assert.match(await ok('clear', guild), /Cleared the queue \(3 removed\)/);
        assert.equal(await stage.db.llen(keys.playlist), 0);
        assert.equal(await stage.db.get(keys.state), 'playing');
        await hiqty('play', guild, `${long}?6`);
        assert.match(await ok('stop', guild), /Stopped/);
        assert.equal(await stage.db.get(keys.state), 'stopped');
        assert.equal(await stage.db.llen(keys.playlist), 0);
      });

      it('quarantine lists entries (--json) and --requeue puts one back', async () => {
        await hiqty('play', guild, `${long}?q`, '--channel', g.music);
        await stage.db.rpush(keys.quarantine, JSON.stringify({ raw: '{"url":', reason: 'not JSON', at: 1 }), JSON.stringify({ raw: JSON.stringify({ id: 'fixed-1', url: `${long}?fixed` }), reason: 'fixed by hand', at: 2 }));
        const list = parse(await hiqty('quarantine', guild, '--json'));
        const entries = field(list, 'entries');
        assert.ok(Array.isArray(entries));
        assert.deepEqual(entries.map((e) => field(e, 'reason')), ['not JSON', 'fixed by hand']);
        const human = await hiqty('quarantine', guild);
        assert.match(human.stdout, /^#\s+AT\s+REASON\s+ENTRY$/m);
        const before = await dumpGuild(stage.db, guild);
        const refused = await hiqty('quarantine', guild, '--requeue', '1');
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /still is not a valid track/);
        assert.equal(await dumpGuild(stage.db, guild), before);
        const requeued = await hiqty('quarantine', guild, '--requeue', '2');
        assert.equal(requeued.code, 0, requeued.stderr);
        assert.equal((await urls()).at(-1), `${long}?fixed`);
      });

      it('history lists the played tracks newest first (--json and a table), previous plays the last one again, skipto jumps', async () => {
        const history = `hiqty:server:${guild}:history`;
        await stage.db.del(history);
        await hiqty('play', guild, `${long}?h1`, `${long}?h2`, `${long}?h3`, '--channel', g.music);
        assert.equal((await hiqty('skip', guild)).code, 0);
        assert.equal((await hiqty('skip', guild)).code, 0);
        const page = parse(await hiqty('history', guild, '--json'));
        const entries = field(page, 'entries');
        assert.ok(Array.isArray(entries));
        assert.deepEqual(entries.map((e) => field(field(e, 'track'), 'url')), [`${long}?h2`, `${long}?h1`]);
        const human = await hiqty('history', guild);
        assert.match(human.stdout, /^#\s+TITLE\s+LENGTH\s+SOURCE\s+BY\s+PLAYED\n1\s+.*\s+s ago\n2\s+.*\nPage 1\/1 · 2 tracks, newest first\n$/);
        const back = await hiqty('previous', guild);
        assert.equal(back.code, 0, back.stderr);
        assert.match(back.stdout, /^Playing .* again; the current track comes after it\.$/m);
        assert.deepEqual(await urls(), [`${long}?h2`, `${long}?h3`]);
        const jumped = await hiqty('skipto', guild, '2');
        assert.equal(jumped.code, 0, jumped.stderr);
        assert.match(jumped.stdout, /^Jumped to .* \(1 skipped\)\.$/m);
        assert.deepEqual(await urls(), [`${long}?h3`]);
        const beyond = await hiqty('skipto', guild, '9');
        assert.equal(beyond.code, 1);
        assert.match(beyond.stderr, /There is no track 9/);
        await stage.db.del(history);
        const empty = await hiqty('previous', guild);
        assert.equal(empty.code, 1);
        assert.match(empty.stderr, /Nothing has been played/);
      });

      it('watch prints the guild on every change until Ctrl-C, then exits 0', async () => {
        await hiqty('play', guild, `${long}?w1`, '--channel', g.music);
        await hiqty('pause', guild);
        const watch = startCli(mode === 'api' ? ['--api', apiUrl, 'watch', guild, '--json'] : ['watch', guild, '--json'], env);
        const lines = (): unknown[] => watch.output.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
        await waitFor(`a first line from watch (${watch.output.stderr})`, () => lines().length >= 1, { timeoutMs: 15_000, intervalMs: 50 });
        assert.equal(field(lines()[0], 'state'), 'paused');
        await stage.db.hset(keys.settings, 'volume', '55');
        await waitFor('the change in watch output', () => lines().some((l) => field(l, 'settings', 'volume') === 55), { timeoutMs: 5000, intervalMs: 20 });
        watch.child.kill('SIGINT');
        const done = await watch.done;
        assert.equal(done.code, 0, done.stderr);
      });

      it('exit codes: 1 for refusals and failures with the reason on stderr, 2 for bad usage', async () => {
        await hiqty('play', guild, `${long}?e`, '--channel', g.music);
        const before = await dumpGuild(stage.db, guild);
        const out = await hiqty('remove', guild, '9');
        assert.equal(out.code, 1);
        assert.match(out.stderr, /There is no track 9: the queue has 1 track/);
        const unknown = await hiqty('status', '99999');
        assert.equal(unknown.code, 1);
        assert.match(unknown.stderr, /99999 has no state/);
        const badLink = await hiqty('play', guild, `http://127.0.0.1:${new URL(redis.current.url).port}/`);
        assert.equal(badLink.code, 1);
        assert.match(badLink.stderr, /I can't play that link: /);
        const mixed = await hiqty('play', guild, long, 'and', 'some', 'words');
        assert.equal(mixed.code, 2);
        assert.match(mixed.stderr, /either links \(one or more\) or words to search for, not both/);
        for (const args of [['remove', guild, 'x'], ['move', guild, '1'], ['skip', 'not-a-guild'], ['frobnicate'], ['status', '--bogus'], ['play', guild]]) {
          const r = await hiqty(...args);
          assert.equal(r.code, 2, `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
          assert.match(r.stderr, /error:/);
        }
        assert.equal(await dumpGuild(stage.db, guild), before);
      });
    });
  }

  it('exit codes of the modes themselves: no Redis or no token is bad usage (2), an unreachable Redis or API is a failure (1)', async () => {
    const noRedis = await runCli(['status'], {});
    assert.equal(noRedis.code, 2);
    assert.match(noRedis.stderr, /set REDIS_URL or pass --redis/);
    const noToken = await runCli(['--api', apiUrl, 'status'], {});
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /HIQTY_API_TOKEN/);
    const wrongToken = await runCli(['--api', apiUrl, 'status'], { HIQTY_API_TOKEN: 'wrong' });
    assert.equal(wrongToken.code, 1);
    assert.match(wrongToken.stderr, /token is not valid/);
    const down = await runCli(['--redis', 'redis://127.0.0.1:1', 'status'], {});
    assert.equal(down.code, 1);
    const apiDown = await runCli(['--api', 'http://127.0.0.1:1', 'status'], { HIQTY_API_TOKEN: TOKEN });
    assert.equal(apiDown.code, 1);
    assert.match(apiDown.stderr, /Could not reach the API/);
    const keysLeft = await stage.db.keys('hiqty:api_ratelimit:*');
    if (keysLeft.length > 0) await stage.db.del(...keysLeft);
  });

  it('the API, the CLI and the /queue slash command agree on the queue', async () => {
    await stage.db.del(keys.playlist, keys.state);
    const api = apiClient(Number(new URL(apiUrl).port));
    assert.equal((await api('POST', `/guilds/${guild}/tracks`, { body: { urls: [`${long}?x1`, `${long}?x2`], channel: g.music } })).status, 200);
    assert.equal((await runCli(['play', guild, `${long}?x3`], env)).code, 0);
    const viaApi = field((await api('GET', `/guilds/${guild}`)).body, 'queue');
    const viaCli = field(parse(await runCli(['status', guild, '--json'], env)), 'queue');
    const viaCliApi = field(parse(await runCli(['--api', apiUrl, 'status', guild, '--json'], env)), 'queue');
    assert.ok(Array.isArray(viaApi) && Array.isArray(viaCli) && Array.isArray(viaCliApi));
    const titles = (q: unknown[]): unknown[] => q.map((e) => field(e, 'track', 'title'));
    assert.deepEqual(titles(viaApi), ['tone-330hz-60000ms-v1', 'tone-330hz-60000ms-v1', 'tone-330hz-60000ms-v1']);
    assert.deepEqual(viaCli.map((e) => field(e, 'track', 'id')), viaApi.map((e) => field(e, 'track', 'id')));
    assert.deepEqual(viaCliApi, viaApi);
    const slash = await stage.sandbox.command(guild, g.alice, 'queue');
    const lines = slash.content.split('\n').filter((l) => /^`\d+\.`/.test(l));
    assert.equal(lines.length, 3, slash.content);
    const requesters = viaApi.map((e) => field(e, 'track', 'requester', 'name'));
    assert.deepEqual(requesters, ['REST API', 'REST API', 'CLI']);
    lines.forEach((line, i) => {
      assert.match(line, new RegExp(`^\`${i + 1}\\.\` .*tone-330hz-60000ms-v1.* · ${requesters[i]}$`));
    });
  });
});
