/**
 * History and back end to end (sandbox, real Redis, real discord.js in a hiqty child process): /previous
 * after a skip plays the skipped track again (its tone is heard), /history lists the last tracks newest
 * first and its menu queues them again, /skipto jumps, and the now-playing ⏮ button goes back.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import type { OptionValue } from '../../src/sandbox/interactions';
import { guildKeys, historyKey, npMessageKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, assertPublic, buttonIds, channelMessages, responderGuild } from './support';

function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

/** The select menus in a message's components: custom id and option values. */
function selectMenus(components: readonly unknown[]): { customId: string; values: string[] }[] {
  const out: { customId: string; values: string[] }[] = [];
  const walk = (u: unknown): void => {
    if (Array.isArray(u)) u.forEach(walk);
    else if (typeof u === 'object' && u !== null) {
      const options = field(u, 'options');
      if (field(u, 'type') === 3 && Array.isArray(options)) out.push({ customId: String(field(u, 'custom_id')), values: options.map((o: unknown) => String(field(o, 'value'))) });
      walk(field(u, 'components'));
    }
  };
  walk(components);
  return out;
}

function urlsOf(raws: readonly string[]): string[] {
  return raws.map((raw) => String(field(JSON.parse(raw), 'url')));
}

describe('responder: history and back end to end (sandbox, real Redis, a hiqty child process)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(16);
  const keys = guildKeys(g.spec.id);
  let stage: Stage;

  const cmd = (user: string, name: string, options: Record<string, OptionValue> = {}) => stage.sandbox.command(g.spec.id, user, name, options);
  const queued = async () => urlsOf(await stage.db.lrange(keys.playlist, 0, -1));

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    await stage.startBot({ HIQTY_RATE_LIMIT: '1000/10s' });
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.text_channel, npMessageKey(g.spec.id), historyKey(g.spec.id));
    for (const user of [g.bob, g.carol, g.dave, g.erin]) stage.sandbox.leaveVoice(g.spec.id, user);
    stage.sandbox.joinVoice(g.spec.id, g.alice, g.music);
  });

  it('/previous after a skip plays the skipped track again (heard), the interrupted one stays next; the ⏮ button goes back too', async () => {
    const a = await stage.tone(440, 60_000);
    const b = await stage.tone(660, 60_000);
    assertPublic(await cmd(g.alice, 'play', { query: a }), /Playing/);
    assertPublic(await cmd(g.alice, 'play', { query: b }), /Queued/);
    await stage.heard([440], 20_000, g.spec);
    assertPublic(await cmd(g.alice, 'skip'), /Skipped/);
    await stage.heard([440, 660], 20_000, g.spec);

    const back = await cmd(g.alice, 'previous');
    assertPublic(back, /^⏮️ Playing \*\*tone-440hz-60000ms-v1\*\* again \(requested by alice\)\. Then back to \*\*tone-660hz-60000ms-v1\*\*( at \d+:\d\d)?\.$/);
    assert.deepEqual(await queued(), [a, b], 'the skipped track is back at the head, the interrupted one right after it');
    assert.equal(await stage.db.llen(historyKey(g.spec.id)), 0, 'it left the history');
    await stage.heard([440, 660, 440], 20_000, g.spec);

    // Skip it again, then go back with the now-playing message's ⏮ button.
    assertPublic(await cmd(g.alice, 'skip'), /Skipped/);
    await stage.heard([440, 660, 440, 660], 20_000, g.spec);
    const np = await waitFor('a now-playing message with the ⏮ button', () => channelMessages(stage.sandbox, g.text).find((m) => m.content.includes('tone-660hz') && buttonIds(m.components).includes('np:previous')), { timeoutMs: 15_000 });
    const pressed = await stage.sandbox.press(g.spec.id, g.alice, np.id, 'np:previous');
    assertEphemeralError(pressed, /⏮️ Playing \*\*tone-440hz-60000ms-v1\*\* again/);
    assert.deepEqual(await queued(), [a, b]);
    await stage.heard([440, 660, 440, 660, 440], 20_000, g.spec);

    // A member outside the voice channel is refused, and an empty history says so.
    assertEphemeralError(await cmd(g.bob, 'previous'), /not in a voice channel/);
    assertEphemeralError(await cmd(g.alice, 'previous'), /Nothing has been played here yet/);
  });

  it('/history lists the last tracks newest first with who and when; its menu queues one again (heard); a stale pick is refused; pages turn', async () => {
    const tones = [await stage.tone(500, 1000), await stage.tone(600, 1000), await stage.tone(700, 1000)];
    for (const url of tones) assertPublic(await cmd(g.alice, 'play', { query: url }), /Playing|Queued/);
    await stage.heard([500, 600, 700], 30_000, g.spec);
    await waitFor('three tracks in the history', async () => (await stage.db.llen(historyKey(g.spec.id))) === 3 || undefined, { timeoutMs: 15_000 });

    const view = await cmd(g.alice, 'history');
    assert.equal(view.ephemeral, false);
    const [embed] = view.embeds;
    assert.equal(field(embed, 'title'), 'Recently played');
    const lines = String(field(embed, 'description')).split('\n');
    assert.equal(lines.length, 3);
    ['700', '600', '500'].forEach((hz, i) => assert.match(lines[i] ?? '', new RegExp(`^\`${i + 1}\\.\` tone-${hz}hz-1000ms-v1 · 0:01 · Link · alice · <t:\\d+:R>$`)));
    assert.match(String(field(field(embed, 'footer'), 'text')), /^Page 1\/1 · 3 tracks, newest first$/);
    const [menu] = selectMenus(view.components);
    assert.ok(menu !== undefined && view.messageId !== undefined, JSON.stringify(view.components));
    assert.equal(menu.customId, 'history:pick');
    assert.equal(menu.values.length, 3);

    const stale = await stage.sandbox.press(g.spec.id, g.alice, view.messageId, 'history:pick', [randomUUID()]);
    assertEphemeralError(stale, /not in the history any more/);
    assert.equal(await stage.db.llen(keys.playlist), 0);

    const picked = await stage.sandbox.press(g.spec.id, g.alice, view.messageId, 'history:pick', [menu.values[2] ?? '']);
    assertPublic(picked, /^▶️ Playing \*\*tone-500hz-1000ms-v1\*\* again \(requested by alice\)\.$/);
    await stage.heard([500, 600, 700, 500], 20_000, g.spec);

    // Twelve more entries, written as the schema has them: two pages, the buttons turn them.
    await waitFor('the requeued track in the history', async () => (await stage.db.llen(historyKey(g.spec.id))) === 4 || undefined, { timeoutMs: 15_000 });
    const extra = Array.from({ length: 12 }, (_, i) => JSON.stringify({ playedAt: Date.now() - 3_600_000 - i, track: { id: randomUUID(), url: `https://media.example/${i}.ogg`, title: `old ${i}` } }));
    await stage.db.rpush(historyKey(g.spec.id), ...extra);
    const paged = await cmd(g.alice, 'history');
    assert.deepEqual(buttonIds(paged.components).filter((id) => id.startsWith('history:page:')), ['history:page:0', 'history:page:2']);
    assert.ok(paged.messageId !== undefined);
    const second = await stage.sandbox.press(g.spec.id, g.alice, paged.messageId, 'history:page:2');
    const description = String(field(second.embeds[0], 'description'));
    assert.match(description, /^`11\.` old 6 · length unknown · Link · someone · <t:\d+:R>\n/);
    assert.match(String(field(field(second.embeds[0], 'footer'), 'text')), /^Page 2\/2 · 16 tracks/);
    assertEphemeralError(await cmd(g.alice, 'history', { page: 3 }), /There is no page 3: the history has 2 pages/);
  });

  it('/skipto jumps to a queue position (heard), only the current track goes to the history; the DJ role and the range are checked', async () => {
    const tones = [await stage.tone(380, 60_000), await stage.tone(480, 60_000), await stage.tone(780, 60_000)];
    for (const url of tones) assertPublic(await cmd(g.alice, 'play', { query: url }), /Playing|Queued/);
    await stage.heard([380], 20_000, g.spec);
    assertEphemeralError(await cmd(g.alice, 'skipto', { index: 7 }), /There is no track 7: the queue has 3 tracks/);
    assertEphemeralError(await cmd(g.alice, 'skipto', { index: 1 }), /is already playing/);
    await stage.db.hset(keys.settings, 'dj_role', g.djRole);
    stage.sandbox.joinVoice(g.spec.id, g.bob, g.music);
    assertEphemeralError(await cmd(g.bob, 'skipto', { index: 3 }), /Only members with the DJ role/);
    stage.sandbox.joinVoice(g.spec.id, g.dave, g.music);
    assertPublic(await cmd(g.dave, 'skipto', { index: 3 }), /^⏭️ Jumped to \*\*tone-780hz-60000ms-v1\*\*, skipping 2 tracks\.$/);
    assert.deepEqual(await queued(), [tones[2]]);
    assert.deepEqual(urlsOf((await stage.db.lrange(historyKey(g.spec.id), 0, -1)).map((raw) => JSON.stringify(field(JSON.parse(raw), 'track')))), [tones[0]]);
    await stage.heard([380, 780], 20_000, g.spec);
  });
});
