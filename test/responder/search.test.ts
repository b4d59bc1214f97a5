/**
 * Search in Discord end to end: /play's autocomplete, /play by words, /search with its select menu,
 * against the sandbox's YouTube and SoundCloud fakes (reached through HIQTY_SERVICE_ORIGINS), a real
 * Redis and a hiqty child process. Tones tell the tracks apart: each fake track is a tone of its own.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { startServiceFakes, type ServiceFakes } from '../../src/sandbox/services';
import { guildKeys, npMessageKey, type Track } from '../../src/state';
import { fakeToneOf, storedQueue } from '../support/stored-queue';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, assertPublic, channelMessages, responderGuild } from './support';


function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

interface Choice {
  readonly name: string;
  readonly value: string;
}

function choicesOf(list: readonly unknown[] | undefined): Choice[] {
  return (list ?? []).map((c) => {
    const name = field(c, 'name');
    const value = field(c, 'value');
    assert.ok(typeof name === 'string' && typeof value === 'string', `a choice: ${JSON.stringify(c)}`);
    return { name, value };
  });
}

/** The select menus in a message's components: custom id and option values. */
function selectMenus(components: readonly unknown[]): { customId: string; values: string[]; maxValues: unknown }[] {
  const out: { customId: string; values: string[]; maxValues: unknown }[] = [];
  const walk = (u: unknown): void => {
    if (Array.isArray(u)) u.forEach(walk);
    else if (typeof u === 'object' && u !== null) {
      const options = field(u, 'options');
      const id = field(u, 'custom_id');
      if (field(u, 'type') === 3 && typeof id === 'string' && Array.isArray(options)) out.push({ customId: id, values: options.map((o: unknown) => String(field(o, 'value'))), maxValues: field(u, 'max_values') });
      walk(field(u, 'components'));
    }
  };
  walk(components);
  return out;
}

const toneOf = fakeToneOf;

describe('responder: search, autocomplete and /search against the service fakes', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(5);
  const keys = guildKeys(g.spec.id);
  let stage: Stage;
  let fakes: ServiceFakes;

  const playlist = (): Promise<Track[]> => storedQueue(stage.db, g.spec.id);

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    fakes = await startServiceFakes();
    const cdn = stage.sandbox.cdn;
    const env = fakes.env([new URL(stage.fixtures.origin).host, ...cdn.allow]);
    await stage.startBot({ HIQTY_RATE_LIMIT: '1000/10s', HIQTY_SERVICE_ORIGINS: [env.HIQTY_SERVICE_ORIGINS, serviceOriginsValue([cdn])].join(','), HIQTY_FETCH_ALLOW: env.HIQTY_FETCH_ALLOW });
  });
  after(async () => {
    await stage.stop();
    await fakes.stop();
  });
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.text_channel, npMessageKey(g.spec.id));
    stage.sandbox.joinVoice(g.spec.id, g.alice, g.music);
  });

  it('autocomplete answers with results from both YouTube and SoundCloud, named "title — artist (m:ss) · Source", within Discord\'s limits', async () => {
    const view = await stage.sandbox.autocomplete(g.spec.id, g.alice, 'play', { query: 'never gonna give you up' }, 'query');
    const choices = choicesOf(view.choices);
    assert.ok(choices.length >= 2 && choices.length <= 25, JSON.stringify(choices));
    for (const c of choices) {
      assert.ok(c.name.length >= 1 && c.name.length <= 100, c.name);
      assert.ok(c.value.length >= 1 && c.value.length <= 100, c.value);
      assert.match(c.name, / · (YouTube|YouTube Music|SoundCloud)$/);
    }
    assert.ok(choices.some((c) => c.name.endsWith('· YouTube')), `a YouTube result: ${JSON.stringify(choices)}`);
    assert.ok(choices.some((c) => c.name.endsWith('· SoundCloud')), `a SoundCloud result: ${JSON.stringify(choices)}`);
    assert.ok(choices.some((c) => /^Never Gonna Give You Up — Rick Astley \(\d+:\d\d\) · SoundCloud$/.test(c.name)), JSON.stringify(choices));
    assert.equal(new Set(choices.map((c) => c.value)).size, choices.length, 'values are distinct');
    // Picking a choice sends its value: a link the resolver plays as it is.
    for (const c of choices) assert.match(c.value, /^https:\/\/(www\.youtube\.com|music\.youtube\.com|soundcloud\.com)\//);
  });

  it('autocomplete: a prefix searches one source; a link, empty text or another option get no choices; a newer keystroke answers', async () => {
    const sc = choicesOf((await stage.sandbox.autocomplete(g.spec.id, g.alice, 'play', { query: 'sc:never gonna' }, 'query')).choices);
    assert.ok(sc.length >= 1 && sc.every((c) => c.name.endsWith('· SoundCloud')), JSON.stringify(sc));
    assert.deepEqual((await stage.sandbox.autocomplete(g.spec.id, g.alice, 'play', { query: 'https://example.org/a.ogg' }, 'query')).choices, []);
    assert.deepEqual((await stage.sandbox.autocomplete(g.spec.id, g.alice, 'play', { query: '   ' }, 'query')).choices, []);
    // Two keystrokes of one member in a row: both interactions are answered, and the newer one with results.
    const [older, newer] = await Promise.all([
      stage.sandbox.autocomplete(g.spec.id, g.bob, 'play', { query: 'never' }, 'query'),
      stage.sandbox.autocomplete(g.spec.id, g.bob, 'play', { query: 'never gonna give' }, 'query'),
    ]);
    assert.ok(Array.isArray(older.choices));
    assert.ok(choicesOf(newer.choices).length >= 1, JSON.stringify(newer.choices));
  });

  it('/play with words queues the top result with its artist, source and artwork, and it is heard', async () => {
    const top = choicesOf((await stage.sandbox.autocomplete(g.spec.id, g.alice, 'play', { query: 'never gonna give you up' }, 'query')).choices)[0];
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', { query: 'never gonna give you up' });
    assertPublic(view, /▶️ Playing \*\*.*Never Gonna Give You Up.*\*\* — Rick Astley \(requested by alice\)/);
    const [track] = await playlist();
    assert.equal(track?.url, top?.value, 'the same top result as autocomplete');
    assert.ok(track?.source === 'youtube' || track?.source === 'soundcloud', JSON.stringify(track));
    assert.equal(track?.artist, 'Rick Astley');
    const card = view.embeds[0];
    assert.equal(field(card, 'url'), track?.url);
    assert.equal(typeof field(field(card, 'thumbnail'), 'url'), 'string', 'the artwork is the thumbnail');
    const tone = toneOf(track);
    assert.ok(tone !== undefined, `a fake's track: ${JSON.stringify(track)}`);
    await stage.heard([tone], 20_000, g.spec);
    // The now-playing message: artist, source, artwork, and the position bar ending in the duration.
    const label = track?.source === 'youtube' ? 'YouTube' : 'SoundCloud';
    const np = await waitFor('the now-playing message', () => channelMessages(stage.sandbox, g.text).find((m) => m.content.includes('Now playing')));
    assert.match(np.content, new RegExp(`Now playing:\\*\\* .*Never Gonna Give You Up.* — Rick Astley\nRequested by alice · ${label} · `));
    assert.match(np.content, /`\d+:\d\d (?:▬|🔘)+ \d+:\d\d`/u);
    assert.equal(typeof field(field(np.embeds[0], 'thumbnail'), 'url'), 'string', 'the artwork');
  });

  it('/search shows up to 10 results with a multi-select menu; choosing two queues both, in order, says so in public, and they are heard', async () => {
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'search', { query: 'tone' });
    assert.equal(view.ephemeral, true, 'only the member who searched sees the menu');
    assert.equal(view.embeds.length, 1);
    assert.match(String(field(view.embeds[0], 'title')), /Results for "tone"/);
    const [menu] = selectMenus(view.components);
    assert.ok(menu !== undefined && menu.values.length >= 2 && menu.values.length <= 10, JSON.stringify(view.components));
    assert.match(menu.customId, /^search:pick:\d+$/);
    assert.equal(menu.maxValues, menu.values.length);
    const chosen = [menu.values[1] ?? '', menu.values[0] ?? ''];
    assert.ok(view.messageId !== undefined);
    const picked = await stage.sandbox.press(g.spec.id, g.alice, view.messageId, menu.customId, chosen);
    assert.match(picked.content, /Queued 2 tracks from this search/);
    assert.deepEqual(selectMenus(picked.components), [], 'the menu is gone once used');
    // The menu's message is updated first (the acknowledgement), then the announcement follows.
    const announced = await waitFor('a public announcement of the pick', () => stage.sandbox.interaction(picked.interactionId)?.followUps[0]);
    assert.match(announced.content, /Playing \*\*.+\*\*.* and 1 more \(requested by alice\)/);
    assert.equal(announced.ephemeral, false);
    const queued = await playlist();
    assert.deepEqual(queued.map((t) => t.url), chosen);
    const tones = queued.map(toneOf);
    assert.ok(tones.every((t) => t !== undefined), JSON.stringify(queued));
    await stage.heard(tones.filter((t) => t !== undefined), 30_000, g.spec);
  });

  it('/search: a pick from an expired menu is refused and queues nothing; words with no results say so privately', async () => {
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'search', { query: 'never gonna give you up' });
    const [menu] = selectMenus(view.components);
    assert.ok(menu !== undefined && view.messageId !== undefined);
    const late = await stage.sandbox.press(g.spec.id, g.alice, view.messageId, 'search:pick:1000', [menu.values[0] ?? '']);
    assert.match(late.content, /This search has expired\. Run \/search again/);
    assert.equal(await stage.db.llen(keys.playlist), 0);
    assertEphemeralError(await stage.sandbox.command(g.spec.id, g.alice, 'search', { query: 'qqzx nothing like this exists' }), /Nothing found for "qqzx nothing like this exists"/);
    assertEphemeralError(await stage.sandbox.command(g.spec.id, g.alice, 'play', { query: 'qqzx nothing like this exists' }), /Nothing found for "qqzx nothing like this exists"/);
    assert.equal(await stage.db.llen(keys.playlist), 0);
  });

  it('a pick that takes longer than the answer budget is deferred as an update of the menu, then edited and announced', async () => {
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'search', { query: 'tone' });
    const [menu] = selectMenus(view.components);
    assert.ok(menu !== undefined && view.messageId !== undefined);
    // A value the menu did not offer, as a tampered client could send: a link the fixture server answers only after 2 s.
    const tone = await stage.tone(698, 1500);
    const slow = stage.fixtures.url(`slow/${path.basename(new URL(tone).pathname)}?ms=2000`);
    const picked = await stage.sandbox.press(g.spec.id, g.alice, view.messageId, menu.customId, [slow]);
    const menuMessage = view.messageId;
    await waitFor('the menu message edited to the outcome', () => stage.sandbox.message(menuMessage)?.content.includes('Queued 1 track from this search') || undefined, { timeoutMs: 20_000 });
    assert.deepEqual(selectMenus(stage.sandbox.message(menuMessage)?.components ?? []), []);
    const announced = await waitFor('the announcement', () => stage.sandbox.interaction(picked.interactionId)?.followUps.find((m) => !m.ephemeral));
    assert.match(announced.content, /Playing \*\*.+\*\* \(requested by alice\)/);
    assert.deepEqual((await playlist()).map((t) => t.url), [slow]);
  });

  // Last in this file: it leaves SoundCloud cooling down in the bot for a minute.
  it('a failing SoundCloud: /play sc:… says it did not answer, and after repeated failures that it is resting; nothing is queued', async () => {
    fakes.soundcloud.setApiMode('failing');
    try {
      const answers: string[] = [];
      const resting = await waitFor('SoundCloud to be resting', async () => {
        const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', { query: `sc:tone ${answers.length}` });
        assert.equal(view.ephemeral, true, view.content);
        answers.push(view.content);
        return /resting after errors/.test(view.content) ? view : undefined;
      }, { timeoutMs: 30_000, intervalMs: 10 });
      // Before the rest, the reply names the failure (as a failed service, or as a source skipped for failing).
      assert.match(answers[0] ?? '', /SoundCloud (did not answer properly|skipped: .*failed)/);
      assert.match(resting.content, /^SoundCloud search is resting after errors; try again in a minute or paste a link\.$/);
      assert.equal(await stage.db.llen(keys.playlist), 0);
    } finally {
      fakes.soundcloud.setApiMode('ok');
    }
  });
});
