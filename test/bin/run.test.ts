import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startServiceFakes } from '../../src/sandbox/services';
import { Browser } from '../dashboard/browser';
import { cleanEnv, spawnHiqty, type HiqtyProcess } from '../support/proc';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

describe('hiqty run', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let dataDir: string;
  // The first `hiqty run` on a machine makes the service fakes' media (about 20 s of ffmpeg, shared by every
  // later run): made here first, so the start-up waits below time start-up, not ffmpeg.
  before(async function () {
    this.timeout(180_000);
    await (await startServiceFakes()).stop();
  });
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'hiqty-run-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  /** Every bot a test started: one a failed test left running is stopped here, so no suite after it inherits it. */
  const running: HiqtyProcess[] = [];
  const started = (...args: Parameters<typeof spawnHiqty>): HiqtyProcess => {
    const proc = spawnHiqty(...args);
    running.push(proc);
    return proc;
  };
  afterEach(async () => {
    for (const proc of running.splice(0)) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) continue;
      proc.kill('SIGKILL');
      await proc.exited;
    }
  });

  it('exits with code 2 and one structured line naming a bad variable', async () => {
    const proc = started(['run'], cleanEnv({ HIQTY_LOCK_TTL_MS: 'soon', HIQTY_DATA_DIR: dataDir }));
    const { code } = await proc.exited;
    assert.equal(code, 2);
    assert.equal(proc.lines.length, 1, `expected one log line, got ${JSON.stringify(proc.lines)}`);
    assert.equal(proc.lines[0]?.level, 'fatal');
    assert.deepEqual(proc.lines[0]?.errors, ['HIQTY_LOCK_TTL_MS is "soon": expected an integer from 1000 to 60000']);
  });

  it('exits with code 2 on an unknown subcommand', async () => {
    const proc = started(['dance'], cleanEnv({}));
    assert.equal((await proc.exited).code, 2);
  });

  it('starts an embedded redis-server when REDIS_URL is unset, and exits 0 on SIGTERM', async () => {
    const proc = started(['run'], cleanEnv({ HIQTY_DATA_DIR: dataDir, HIQTY_HTTP_PORT: '0' }));
    const embedded = await proc.waitForLine('the embedded redis', (l) => typeof l.msg === 'string' && l.msg.startsWith('REDIS_URL is unset'));
    const running = await proc.waitForLine('start-up', (l) => l.msg === 'hiqty is running');
    const port = Number(running.port);
    const ready = await waitFor('readiness', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
    assert.ok(ready);
    proc.kill('SIGTERM');
    const { code } = await proc.exited;
    assert.equal(code, 0);
    // The embedded server went down with the bot.
    await assert.rejects(fetch(`http://127.0.0.1:${Number(embedded.port)}/`));
  });

  it('without DISCORD_TOKEN, plays against the sandbox and prints instructions that work', async function () {
    const proc = started(['run'], cleanEnv({ REDIS_URL: redis.current.url, HIQTY_DATA_DIR: dataDir, HIQTY_HTTP_PORT: '0' }));
    await proc.waitForLine('start-up', (l) => l.msg === 'hiqty is running');
    const printed = await waitFor('the instructions', () => {
      const text = proc.other.join('');
      return text.includes('Stop with Ctrl-C') ? text : undefined;
    });
    assert.match(printed, /end-to-end encrypted with DAVE \(required/, 'the demo says it plays with DAVE');
    // The dashboard is on, and its printed URL logs in through the sandbox's OAuth2.
    const dashboard = /The web dashboard: (http:\/\/127\.0\.0\.1:\d+)\/dashboard\//.exec(printed)?.[1];
    assert.ok(dashboard !== undefined, printed);
    assert.match(printed, /Log in on the sandbox's Discord consent page as \w+/);
    const browser = new Browser(dashboard);
    await browser.loginForCsrf();
    const shared = await browser.get('/dashboard/api/guilds');
    assert.equal(shared.status, 200, shared.text);
    assert.match(shared.text, /"name":"Sandbox Guild 0"/);
    // Run the printed redis-cli lines as they are (quoted JSON included) against the bot's Redis.
    const commands = printed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('redis-cli') && !line.includes(' GET '))
      .map((line) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').slice(3));
    assert.equal(commands.length, 4, printed);
    const db = redis.current.client();
    for (const [command, ...args] of commands) await db.call(command ?? 'PING', ...args);
    const guild = /demo guild (\d+)/.exec(printed)?.[1];
    const status = await waitFor('the demo track to play', async () => {
      const raw = await db.get(`hiqty:server:${guild}:status`);
      return raw !== null && raw.includes('"state":"playing"') ? raw : undefined;
    }, { timeoutMs: 15_000 });
    assert.match(status, /"trackId":"demo-1"/);
    proc.kill('SIGINT');
    // Two signals sent back to back may arrive as one: the second follows once the first is seen.
    await proc.waitForLine('the drain', (l) => l.msg === 'drain started');
    const secondAt = performance.now();
    proc.kill('SIGINT');
    assert.equal((await proc.exited).code, 0, 'a second Ctrl-C skips the drain and still exits cleanly');
    // The drain would play the rest of the 20 s demo track; a generous bound still tells the two apart.
    assert.ok(performance.now() - secondAt < 12_000, 'the second Ctrl-C cut the drain short');
  });

  it('without DISCORD_TOKEN, the printed /play lines typed into the terminal search and play from the service fakes', async () => {
    // The test before left its demo tracks queued in the same guild: this one counts its own from an empty queue.
    await redis.current.client().flushall();
    const proc = started(['run'], cleanEnv({ REDIS_URL: redis.current.url, HIQTY_DATA_DIR: dataDir, HIQTY_HTTP_PORT: '0' }), { stdin: 'pipe' });
    await proc.waitForLine('start-up', (l) => l.msg === 'hiqty is running');
    const printed = await waitFor('the instructions', () => {
      const text = proc.other.join('');
      return text.includes('Stop with Ctrl-C') ? text : undefined;
    });
    const plays = printed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('/play '))
      .map((line) => line.replace(/\s+\(.*\)$/, ''));
    assert.ok(plays.includes('/play never gonna give you up'), printed);
    assert.ok(plays.some((line) => line.includes('soundcloud.com/')), printed);
    const guild = /demo guild (\d+)/.exec(printed)?.[1];
    const db = redis.current.client();
    proc.child.stdin?.write(`${plays.join('\n')}\n`);
    // Each line is a slash command from the demo member: the search's top result plays, the rest is queued in order.
    const sources = ['youtube', 'soundcloud', 'spotify', 'twitch'];
    const queue = await waitFor('every printed /play queued', async () => {
      const entries = (await db.lrange(`hiqty:server:${guild}:playlist`, 0, -1)).map((e) => JSON.parse(e) as { title?: string; source?: string });
      // One entry a line, five for the Spotify playlist's line.
      return entries.length >= plays.length + 4 && sources.every((source) => entries.some((t) => t.source === source)) ? entries : undefined;
    }, { timeoutMs: 20_000 });
    // The lines are answered concurrently, as a server's members would be: each queued, in whatever order they resolved.
    assert.ok(queue.some((t) => t.source === 'youtube' && /Never Gonna Give You Up/.test(t.title ?? '')), `the search's top result: ${JSON.stringify(queue)}`);
    assert.equal(queue.length, plays.length + 4, 'nothing queued twice');
    await waitFor('the top result to play', async () => (await db.get(`hiqty:server:${guild}:status`))?.includes('"state":"playing"') === true, { timeoutMs: 15_000 });
    assert.match(proc.other.join(''), /Never Gonna Give You Up/, 'the answer was printed');
    proc.kill('SIGINT');
    await proc.waitForLine('the drain', (l) => l.msg === 'drain started');
    proc.kill('SIGINT');
    assert.equal((await proc.exited).code, 0);
  });

  it('uses REDIS_URL when it is set, and exits 0 on SIGTERM', async () => {
    const proc = started(['run'], cleanEnv({ REDIS_URL: redis.current.url, HIQTY_DATA_DIR: dataDir, HIQTY_HTTP_PORT: '0' }));
    const running = await proc.waitForLine('start-up', (l) => l.msg === 'hiqty is running');
    assert.ok(!proc.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('REDIS_URL is unset')));
    proc.kill('SIGTERM');
    assert.equal((await proc.exited).code, 0);
    assert.ok(running.port);
  });
});
