/**
 * The member's language end to end: the sandbox sends each interaction with the member's client locale,
 * the real discord.js reads it, and the reply, its embed and its buttons come back in that language
 * (English for one hiqty does not speak).
 */
import { strict as assert } from 'node:assert';
import type { UserView } from '../../src/sandbox';
import type { OptionValue } from '../../src/sandbox/interactions';
import { guildKeys, npMessageKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { assertEphemeralError, assertPublic, buttonIds, responderGuild } from './support';

function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

/** An embed's fields as name → value. */
function fields(embed: unknown): Record<string, unknown> {
  const list = field(embed, 'fields');
  return Object.fromEntries((Array.isArray(list) ? list : []).map((f: unknown) => [String(field(f, 'name')), field(f, 'value')]));
}

/** The labels of the buttons in a message's components, in order. */
function buttonLabels(components: readonly unknown[]): string[] {
  return components.flatMap((row) => {
    const inner = field(row, 'components');
    return (Array.isArray(inner) ? inner : []).map((c: unknown) => String(field(c, 'label')));
  });
}

describe('responder: replies in the member\'s language (sandbox, real discord.js, a hiqty child process)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(16);
  const keys = guildKeys(g.spec.id);
  let stage: Stage;
  let long: string;

  const cmd = (user: string, locale: string, name: string, options: Record<string, OptionValue> = {}): Promise<UserView> =>
    stage.sandbox.command(g.spec.id, user, name, options, { locale });

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    await stage.startBot({ HIQTY_RATE_LIMIT: '1000/10s' });
    long = await stage.tone(330, 60_000);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.text_channel, npMessageKey(g.spec.id));
    for (const user of [g.bob, g.carol, g.dave, g.erin]) stage.sandbox.leaveVoice(g.spec.id, user);
    stage.sandbox.joinVoice(g.spec.id, g.alice, g.music);
  });

  it('the same /play answers a German member in German, a Japanese one in Japanese, and a Korean one (not spoken) in English', async () => {
    for (const user of [g.bob, g.carol]) stage.sandbox.joinVoice(g.spec.id, user, g.music);

    const de = await cmd(g.alice, 'de', 'play', { query: `${long}?who=de` });
    assertPublic(de, /^▶️ Spiele \*\*tone-330hz-60000ms-v1\*\* \(gewünscht von alice\)\.$/);
    assert.deepEqual(Object.keys(fields(de.embeds[0])), ['Dauer', 'Quelle']);

    const ja = await cmd(g.bob, 'ja', 'play', { query: `${long}?who=ja` });
    assertPublic(ja, /^➕ \*\*tone-330hz-60000ms-v1\*\* を 2 番目に追加しました。$/);
    assert.deepEqual(Object.keys(fields(ja.embeds[0])), ['長さ', 'ソース']);
    assert.equal(fields(ja.embeds[0])['ソース'], 'リンク');

    const ko = await cmd(g.carol, 'ko', 'play', { query: `${long}?who=ko` });
    assertPublic(ko, /^➕ Queued \*\*tone-330hz-60000ms-v1\*\* at position 3\.$/);
    assert.deepEqual(Object.keys(fields(ko.embeds[0])), ['Duration', 'Source']);
  });

  it('an error is translated: /skip on an empty queue, and a denial to a member outside the voice channel', async () => {
    assertEphemeralError(await cmd(g.alice, 'de', 'skip'), /^Die Warteschlange ist leer\. Füg zuerst etwas mit \/play hinzu\.$/);
    assertEphemeralError(await cmd(g.alice, 'ja', 'skip'), /^キューは空です。まず \/play で追加してください。$/);
    assertEphemeralError(await cmd(g.alice, 'ko', 'skip'), /^The queue is empty\. Add something with \/play first\.$/);
    // Discord's Latin American Spanish is es-419: it is answered in hiqty's Spanish.
    assertEphemeralError(await cmd(g.alice, 'es-419', 'skip'), /^La cola está vacía\./);
    assertEphemeralError(await cmd(g.erin, 'fr', 'pause'), /^Tu n'es pas dans un salon vocal\./);
  });

  it('/queue\'s page and its buttons are in the language of the member who asked, and of the one who turns the page', async () => {
    for (let i = 0; i < 11; i++) assertPublic(await cmd(g.alice, 'en-US', 'play', { query: `${long}?n=${i}` }), /Playing|Queued/);
    const de = await cmd(g.alice, 'de', 'queue');
    assertPublic(de, /^\*\*Warteschlange\*\*\n`1\.` ▶️ .*\n(.*\n){9}Seite 1\/2 · 11 Titel$/);
    assert.deepEqual(buttonIds(de.components), ['queue:page:0', 'queue:page:2']);
    assert.deepEqual(buttonLabels(de.components), ['Zurück', 'Weiter']);
    assert.ok(de.messageId);
    const ja = await stage.sandbox.press(g.spec.id, g.alice, de.messageId, 'queue:page:2', undefined, { locale: 'ja' });
    assert.match(ja.content, /^\*\*キュー\*\*\n`11\.` .*\n2\/2 ページ · 11 曲$/);
    assert.deepEqual(buttonLabels(ja.components), ['前へ', '次へ']);
  });
});
