/**
 * Issue 16, lyrics end to end: the real bot, the sandbox and the service fakes (LRCLIB's among them).
 * /lyrics while a catalog song plays shows its lyrics; with synced lyrics the now-playing message follows
 * the lines as the track plays; long plain lyrics page with buttons that any instance answers, and a
 * button for a track that no longer plays says so; a song LRCLIB does not have gets a friendly answer.
 */
import { strict as assert } from 'node:assert';
import { FOUR_MINUTES_LINES, LYRICS, RICKROLL_LINES } from '../../src/sandbox/services/lrclib';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { lyricsShownKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { buttonIds } from '../responder/support';
import { BOT_ENV, field, ServiceScene, watchUrl } from './support';

describe('services: /lyrics and the now-playing line (LRCLIB fake)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  const lyricsCmd = () => stage.sandbox.command(scene.guildId, scene.member, 'lyrics', {});
  /** Every version the now-playing messages had, oldest first: the lines they showed. */
  const npLines = (): string[] =>
    stage.sandbox
      .messages(scene.textChannel)
      .filter((m) => m.source === 'channel')
      .flatMap((m) => [...m.history, m])
      .flatMap((v) => (v.content ?? '').split('\n').filter((l) => l.startsWith('🎤 ')));

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    await stage.startBot({ ...BOT_ENV });
  });
  after(() => stage.stop());
  beforeEach(async () => {
    await scene.reset();
    await stage.db.del(lyricsShownKey(scene.guildId));
  });
  Stage.dumpOnFailure(() => stage);

  it('/lyrics on a playing song with synced lyrics shows them publicly, and the now-playing message shows its current line', async () => {
    await stage.db.set(scene.keys.text_channel, scene.textChannel);
    assert.equal((await scene.play(watchUrl(VIDEOS.rickroll.id))).ephemeral, false);
    await waitFor('the now-playing message', () => scene.channelMessages(/Now playing:\*\* Rick Astley/).length > 0 || undefined, { timeoutMs: 20_000 });
    const view = await lyricsCmd();
    assert.equal(view.ephemeral, false, view.content);
    assert.match(view.content, /now-playing message follows the lines/);
    const [card] = view.embeds;
    assert.match(String(field(card, 'title')), /🎤 Rick Astley - Never Gonna Give You Up \(Official Video\) — Rick Astley/);
    for (const [, line] of RICKROLL_LINES) assert.ok(String(field(card, 'description')).includes(line), `the lyrics hold "${line}"`);
    assert.deepEqual(buttonIds(view.components), [], 'one page: no buttons');

    // The rickroll lasts 8 s: the message shows some line of it before it ends.
    await waitFor(`a line of the rickroll in the now-playing message (seen: ${JSON.stringify(npLines())})`, () => npLines().some((l) => RICKROLL_LINES.some(([, words]) => l === `🎤 *${words}*`)), { timeoutMs: 20_000 });
    const lrclibAsked = stage.services.lrclib.requests.filter((r) => r.path.startsWith('/api/get')).length;
    assert.equal(lrclibAsked, 1, 'one LRCLIB lookup for the song, shared by /lyrics and the message');
  });

  it('the now-playing message follows the synced lines as a long track plays, one edit per line at most every 2.5 s', async () => {
    await stage.db.set(scene.keys.text_channel, scene.textChannel);
    await scene.play(watchUrl(VIDEOS.fourMinutes.id));
    await waitFor('the now-playing message', () => scene.channelMessages(/Now playing:\*\* Four Minutes of A5/).length > 0 || undefined, { timeoutMs: 20_000 });
    const before = npLines().length;
    assert.equal((await lyricsCmd()).ephemeral, false);
    const words = FOUR_MINUTES_LINES.map(([, w]) => `🎤 *${w}*`);
    // Three different lines, each later in the song than the one before.
    const progress = (): number[] => npLines().slice(before).map((l) => words.indexOf(l)).filter((i) => i >= 0);
    await waitFor(`three successive lines (seen: ${JSON.stringify(progress())})`, () => new Set(progress()).size >= 3, { timeoutMs: 30_000 });
    const seen = progress();
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'the lines only move forward');
    const message = stage.sandbox.messages(scene.textChannel).find((m) => m.source === 'channel' && !m.deleted && (m.content ?? '').includes('Four Minutes'));
    assert.ok(message !== undefined);
    // Each revision is stamped with the time of the edit that replaced it.
    const edits = message.history.map((r) => r.atMs);
    assert.ok(edits.length >= 3, `${edits.length} edits`);
    for (let i = 1; i < edits.length; i++) assert.ok((edits[i] ?? 0) - (edits[i - 1] ?? 0) >= 2000, `edits ${i - 1} and ${i} are ${(edits[i] ?? 0) - (edits[i - 1] ?? 0)} ms apart`);
  });

  it('long plain lyrics page with Previous/Next; a page button for a track that no longer plays says so', async () => {
    await scene.play(watchUrl(VIDEOS.song.id));
    await waitFor('the head to start', async () => (await stage.db.get(scene.keys.status))?.includes('"playing"'), { timeoutMs: 20_000 });
    const view = await lyricsCmd();
    assert.equal(view.ephemeral, false, view.content);
    assert.equal(view.content, '', 'no synced lines: no note about the now-playing message');
    const footer = (embeds: readonly unknown[]) => String(field(field(embeds[0], 'footer'), 'text'));
    const pages = Number(/Page 1\/(\d+) · lyrics from LRCLIB/.exec(footer(view.embeds))?.[1]);
    assert.ok(pages >= 3, footer(view.embeds));
    const [head] = await scene.queue();
    assert.ok(head !== undefined);
    assert.deepEqual(buttonIds(view.components), [`lyrics:page:${head.id}:0`, `lyrics:page:${head.id}:2`]);
    assert.match(String(field(view.embeds[0], 'description')), /^Line 1 of the sine/);
    const messageId = view.messageId;
    assert.ok(messageId !== undefined);

    const turned = await stage.sandbox.press(scene.guildId, scene.member, messageId, `lyrics:page:${head.id}:2`);
    assert.match(footer(turned.embeds), new RegExp(`Page 2/${pages}`));
    assert.match(footer(stage.sandbox.message(messageId)?.embeds ?? []), new RegExp(`Page 2/${pages}`), 'the same message shows page 2');
    assert.doesNotMatch(String(field(turned.embeds[0], 'description')), /^Line 1 /);
    assert.ok(LYRICS.sineOfTheTimes.plainLyrics?.includes(String(field(turned.embeds[0], 'description')).split('\n')[0] ?? 'x'));

    await scene.skip();
    const stale = await stage.sandbox.press(scene.guildId, scene.member, messageId, `lyrics:page:${head.id}:3`);
    assert.equal(stale.ephemeral, true);
    assert.match(stale.content, /That track is no longer playing\. Use \/lyrics for the current one\./);
  });

  it('a song LRCLIB does not have, and an empty queue, get friendly private answers', async () => {
    await scene.play(watchUrl(VIDEOS.mainsHum.id));
    const none = await lyricsCmd();
    assert.equal(none.ephemeral, true);
    assert.match(none.content, /I found no lyrics for \*\*Mains Hum\*\* on LRCLIB\./);
    await scene.reset();
    const empty = await lyricsCmd();
    assert.equal(empty.ephemeral, true);
    assert.match(empty.content, /Nothing is playing\. Use \/play first, then \/lyrics\./);
  });
});
