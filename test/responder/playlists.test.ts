import { strict as assert } from 'node:assert';
import { isLeft } from 'fp-ts/Either';
import { systemClock } from '../../src/clock';
import type { OptionValue, UserView } from '../../src/sandbox/interactions';
import { guildKeys, PlaylistStore, playlistName, playlistsKey } from '../../src/state';
import { apiClient, errorOf, field, TOKEN } from '../api/support';
import { runCli, type CliRun } from '../cli/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, responderGuild } from './support';

interface StoredTrack {
  readonly id: string;
  readonly url: string;
  readonly requester?: { readonly id: string; readonly name: string };
}
const isStoredTrack = (u: unknown): u is StoredTrack => typeof u === 'object' && u !== null && 'id' in u && typeof u.id === 'string' && 'url' in u && typeof u.url === 'string';

const parse = (run: CliRun): unknown => {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

describe('saved playlists end to end: /playlist, the REST API and the CLI (sandbox, real Redis, two hiqty instances)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(6);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  const mine = playlistsKey({ kind: 'user', user: g.alice });
  const servers = playlistsKey({ kind: 'server', guild });
  let stage: Stage;
  let long: string;
  let api: ReturnType<typeof apiClient>;
  let apiUrl: string;
  let env: NodeJS.ProcessEnv;

  const cmd = (user: string, name: string, options: Record<string, OptionValue> = {}) => stage.sandbox.command(guild, user, name, options);
  const queue = async (): Promise<StoredTrack[]> =>
    (await stage.db.lrange(keys.playlist, 0, -1)).map((raw) => {
      const parsed: unknown = JSON.parse(raw);
      if (!isStoredTrack(parsed)) throw new Error(`not a track: ${raw}`);
      return parsed;
    });

  /**
   * A public answer: the acknowledgement itself, or, when the handler outran the answer budget on a busy
   * machine (a private "✅ Done." first), the public follow-up that carries it.
   */
  const assertPublic = async (view: UserView, pattern: RegExp): Promise<void> => {
    if (view.ephemeral && view.content === '✅ Done.') {
      const announced = await waitFor('the public follow-up', () => stage.sandbox.interaction(view.interactionId)?.followUps.find((m) => !m.ephemeral));
      assert.match(announced.content, pattern);
      return;
    }
    assert.equal(view.ephemeral, false, `expected a public answer, got an ephemeral one: ${view.content}`);
    assert.match(view.content, pattern);
  };

  before(async () => {
    // Every interaction reaches both instances; whichever claims it answers.
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec], interactionDelivery: 'all' } });
    const extra = { HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s', HIQTY_RATE_LIMIT: '1000/10s' };
    await stage.startBot(extra);
    const second = await stage.startBot(extra);
    api = apiClient(second.httpPort);
    apiUrl = `http://127.0.0.1:${second.httpPort}`;
    long = await stage.tone(330, 60_000);
    env = { REDIS_URL: stage.redis.url, HIQTY_FETCH_ALLOW: new URL(stage.fixtures.origin).host, HIQTY_API_TOKEN: TOKEN };
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('save, list, autocomplete, load (heard), delete; a name in use and odd characters are refused', async () => {
    const first = await stage.tone(392, 20_000);
    for (const url of [first, `${long}?n=1`, `${long}?n=2`]) await assertPublic(await cmd(g.alice, 'play', { query: url }), /Playing|Queued/);
    const before = await queue();

    const saved = await cmd(g.alice, 'playlist save', { name: ' Road Trip ' });
    assert.equal(saved.ephemeral, true, 'a member\'s own playlists are answered privately');
    assert.match(saved.content, /Saved the queue \(3 tracks\) as \*\*Road Trip\*\* in your playlists/);
    const stored: unknown = JSON.parse((await stage.db.hget(mine, 'road trip')) ?? 'null');
    assert.equal(field(stored, 'name'), 'Road Trip');
    const storedTracks = field(stored, 'tracks');
    assert.ok(Array.isArray(storedTracks));
    assert.deepEqual(storedTracks.map((t: unknown) => field(t, 'url')), before.map((t) => t.url), 'the head and the rest, in order');
    assert.ok(storedTracks.every((t: unknown) => field(t, 'id') === undefined && field(t, 'requester') === undefined), 'no per-enqueue fields are kept');

    assertEphemeralError(await cmd(g.alice, 'playlist save', { name: 'ROAD TRIP' }), /already is a playlist called \*\*Road Trip\*\* in your playlists.*replace:true/);
    assertEphemeralError(await cmd(g.alice, 'playlist save', { name: 'a\u200bb' }), /cannot contain control or invisible characters/);

    const list = await cmd(g.alice, 'playlist list');
    assert.equal(list.ephemeral, true);
    assert.match(list.content, /Your playlists \(1 of 25\):\n• \*\*Road Trip\*\*: 3 tracks, /);

    const choices = await stage.sandbox.autocomplete(guild, g.alice, 'playlist load', { name: 'trip' }, 'name');
    assert.deepEqual(choices.choices, [{ name: 'road trip', value: 'road trip' }]);
    const none = await stage.sandbox.autocomplete(guild, g.bob, 'playlist load', { name: '' }, 'name');
    assert.deepEqual(none.choices, [], "another member does not see alice's playlists");

    await assertPublic(await cmd(g.alice, 'stop'), /Stopped/);
    const loaded = await cmd(g.alice, 'playlist load', { name: 'road trip' });
    await assertPublic(loaded, /📃 Loaded \*\*Road Trip\*\* \(3 tracks\)\. Starting with \*\*tone-392hz-20000ms-v1\*\*/);
    const after = await queue();
    assert.deepEqual(after.map((t) => t.url), before.map((t) => t.url));
    assert.ok(after.every((t, i) => t.id !== before[i]?.id && t.requester?.id === g.alice), 'fresh ids, the loader as requester');
    assert.equal(await stage.db.get(keys.state), 'playing');
    assert.equal(await stage.db.get(keys.channel), g.music);
    await stage.heard([392], 15_000, g.spec);

    // Like /play: a member who is not in voice cannot load.
    assertEphemeralError(await cmd(g.bob, 'playlist load', { name: 'road trip' }), /not in a voice channel/);

    const deleted = await cmd(g.alice, 'playlist delete', { name: 'Road trip' });
    assert.match(deleted.content, /Deleted \*\*Road trip\*\* from your playlists/);
    assert.equal(await stage.db.hlen(mine), 0);
    assertEphemeralError(await cmd(g.alice, 'playlist show', { name: 'road trip' }), /There is no playlist called \*\*road trip\*\* in your playlists/);
  });

  it("the server's playlists: a non-manager cannot save, a manager can; anyone can list and load; the limit refuses clearly", async () => {
    await stage.db.del(keys.playlist, keys.state);
    await assertPublic(await cmd(g.alice, 'play', { query: `${long}?party=1` }), /Playing/);

    stage.sandbox.joinVoice(guild, g.erin, g.music);
    assertEphemeralError(await cmd(g.erin, 'playlist save', { name: 'Party', scope: 'server' }), /Only members with Manage Server or the DJ role can change this server's playlists/);
    assertEphemeralError(await cmd(g.erin, 'playlist add', { name: 'Party', scope: 'server' }), /Only members with Manage Server/);
    assert.equal(await stage.db.exists(servers), 0, 'nothing was written');

    await assertPublic(await cmd(g.alice, 'playlist save', { name: 'Party', scope: 'server' }), /Saved the queue \(1 track\) as \*\*Party\*\* in this server's playlists/);
    await assertPublic(await cmd(g.alice, 'playlist add', { name: 'party', scope: 'server' }), /Added \*\*.+\*\* to \*\*Party\*\* in this server's playlists \(now 2 tracks\)/);
    assert.match((await cmd(g.erin, 'playlist list', { scope: 'server' })).content, /This server's playlists \(1 of 25\):\n• \*\*Party\*\*: 2 tracks/);
    await assertPublic(await cmd(g.erin, 'playlist load', { name: 'PARTY', scope: 'server' }), /Loaded \*\*Party\*\* \(2 tracks\)\. They start at position 2/);
    assert.equal((await queue()).filter((t) => t.requester?.id === g.erin).length, 2);

    // 25 of bob's own, written through the state like a save would: one more is refused, nothing is added.
    const store = new PlaylistStore(stage.db, systemClock);
    for (let i = 0; i < 25; i++) {
      const n = playlistName(`mix ${i}`);
      if (isLeft(n)) throw new Error('name');
      await store.save({ kind: 'user', user: g.bob }, n.right, [{ url: `${long}?mix=${i}` }], { id: g.bob, name: 'bob' });
    }
    assertEphemeralError(await cmd(g.bob, 'playlist save', { name: 'one more' }), /You already have 25 saved playlists, the most allowed\. Delete one first\./);
    assert.equal(await stage.db.hlen(playlistsKey({ kind: 'user', user: g.bob })), 25);
  });

  it('a damaged stored playlist is reported in /playlist list and kept in quarantine', async () => {
    await stage.db.hset(mine, 'broken', '{"name":"broken","tracks":"nope"}');
    const list = await cmd(g.alice, 'playlist list');
    assert.match(list.content, /Set aside as damaged \(kept in quarantine, ask an admin\): \*\*broken\*\*/);
    assert.equal(await stage.db.hexists(mine, 'broken'), 0);
    const [entry] = await stage.db.lrange(`${mine}_quarantine`, 0, -1);
    assert.equal(field(JSON.parse(entry ?? '{}'), 'raw'), '{"name":"broken","tracks":"nope"}');
  });

  it("the REST API lists a guild's and a member's playlists and loads one like POST .../tracks", async () => {
    await stage.db.del(keys.playlist, keys.state);
    const listed = await api('GET', `/guilds/${guild}/playlists`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const playlists = field(listed.body, 'playlists');
    assert.ok(Array.isArray(playlists));
    assert.deepEqual(playlists.map((p: unknown) => [field(p, 'name'), field(p, 'tracks')]), [['Party', 2]]);
    const bobs = await api('GET', `/users/${g.bob}/playlists`);
    assert.equal(bobs.status, 200);
    const bobsPlaylists = field(bobs.body, 'playlists');
    assert.ok(Array.isArray(bobsPlaylists) && bobsPlaylists.length === 25);

    const shown = await api('GET', `/users/${g.bob}/playlists/MIX%203`);
    assert.equal(shown.status, 200);
    assert.equal(field(shown.body, 'playlist', 'name'), 'mix 3');

    const loaded = await api('POST', `/guilds/${guild}/playlists/party/load`, { body: {} });
    assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
    assert.equal(field(loaded.body, 'kind'), 'loaded');
    assert.equal(field(loaded.body, 'startsNow'), true);
    assert.ok((await queue()).every((t) => t.requester?.id === 'api'));

    const missing = await api('POST', `/guilds/${guild}/playlists/nothing/load`, { body: {} });
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing), 'playlist-not-found');
    const bad = await api('POST', `/guilds/${guild}/playlists/party/load`, { body: { owner: 'me' } });
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad), 'invalid-body');
  });

  for (const mode of ['direct', 'api'] as const) {
    it(`the CLI (${mode}) lists and loads saved playlists`, async () => {
      const hiqty = (...args: string[]): Promise<CliRun> => runCli(mode === 'api' ? ['--api', apiUrl, ...args] : args, env);
      await stage.db.del(keys.playlist, keys.state);
      const listed = parse(await hiqty('playlist', 'list', guild, '--json'));
      assert.deepEqual(field(listed, 'owner'), { kind: 'server', guild });
      const table = await hiqty('playlist', 'list', '--user', g.bob);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /User \d+: 25 of 25 playlists\./);
      assert.match(table.stdout, /mix 10\s+1\s/);

      const loaded = await hiqty('playlist', 'load', guild, 'mix 7', '--user', g.bob);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.match(loaded.stdout, /Loaded mix 7: 1 track, playing now\./);
      assert.deepEqual((await queue()).map((t) => t.url), [`${long}?mix=7`]);

      const missing = await hiqty('playlist', 'load', guild, 'nothing');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /There is no playlist called "nothing"/);
    });
  }
});
