import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { OptionValue } from '../../src/sandbox/interactions';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { guildKeys, npMessageKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, assertPublic, buttonIds, channelMessages, responderGuild } from './support';

interface StoredTrack {
  readonly id: string;
  readonly url: string;
  readonly title?: string;
  readonly startMs?: number;
  readonly requester?: { readonly id: string; readonly name: string };
}

function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

/** An embed's fields as name → value. */
function fields(embed: unknown): Record<string, unknown> {
  const list = field(embed, 'fields');
  return Object.fromEntries((Array.isArray(list) ? list : []).map((f: unknown) => [String(field(f, 'name')), field(f, 'value')]));
}

function isStoredTrack(u: unknown): u is StoredTrack {
  return typeof u === 'object' && u !== null && 'id' in u && typeof u.id === 'string' && 'url' in u && typeof u.url === 'string';
}

describe('responder: every command end to end (sandbox, real Redis, a hiqty child process)', function () {
  this.timeout(60_000);
  const redis = useRedis();
  const g = responderGuild();
  const keys = guildKeys(g.spec.id);
  let stage: Stage;
  let long: string;

  const cmd = (user: string, name: string, options: Record<string, OptionValue> = {}) => stage.sandbox.command(g.spec.id, user, name, options);
  const playlist = async (): Promise<StoredTrack[]> =>
    (await stage.db.lrange(keys.playlist, 0, -1)).map((raw): StoredTrack => {
      const parsed: unknown = JSON.parse(raw);
      if (!isStoredTrack(parsed)) throw new Error(`not a track: ${raw}`);
      return parsed;
    });
  const settings = () => stage.db.hgetall(keys.settings);
  /** n tracks of one long tone, queued through /play by alice. */
  const queueUp = async (n: number, user = g.alice): Promise<void> => {
    for (let i = 0; i < n; i++) assertPublic(await cmd(user, 'play', { query: `${long}?n=${i}` }), /Playing|Queued/);
  };

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    // Attachments come from the sandbox's CDN, reached like any service host: through HIQTY_SERVICE_ORIGINS.
    const cdn = stage.sandbox.cdn;
    await stage.startBot({ HIQTY_RATE_LIMIT: '1000/10s', HIQTY_SERVICE_ORIGINS: serviceOriginsValue([cdn]), HIQTY_FETCH_ALLOW: [new URL(stage.fixtures.origin).host, ...cdn.allow].join(',') });
    long = await stage.tone(330, 60_000);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.text_channel, npMessageKey(g.spec.id));
    for (const user of [g.bob, g.carol, g.dave, g.erin]) stage.sandbox.leaveVoice(g.spec.id, user);
    stage.sandbox.joinVoice(g.spec.id, g.alice, g.music);
  });

  it('/play queues a link, answers in public, writes the track, channel, state and text channel, and the track is heard', async () => {
    const url = await stage.tone(523, 1500);
    const view = await cmd(g.alice, 'play', { query: url });
    assertPublic(view, /▶️ Playing \*\*tone-523hz-1500ms-v1\*\* \(requested by alice\)/);
    const [card] = view.embeds;
    assert.equal(field(card, 'title'), 'tone-523hz-1500ms-v1');
    assert.equal(field(card, 'url'), url, 'the title links to the track');
    assert.deepEqual(fields(card), { Duration: '0:01', Source: 'Link' }, 'the link check read the duration from the file');
    const [track] = await playlist();
    assert.equal(track?.url, url);
    assert.equal(track?.title, 'tone-523hz-1500ms-v1');
    assert.deepEqual(track?.requester, { id: g.alice, name: 'alice' });
    assert.equal(await stage.db.get(keys.channel), g.music);
    assert.equal(await stage.db.get(keys.state), 'playing');
    assert.equal(await stage.db.get(keys.text_channel), g.text);
    await stage.heard([523], 15_000, g.spec);
  });

  it('/play file: an uploaded audio file is fetched from Discord\'s CDN (through the override), queued and heard', async () => {
    const tone = await stage.tone(587, 1500);
    const file = path.join(stage.dir, 'tracks', path.basename(new URL(tone).pathname));
    const before = stage.sandbox.cdn.requests.length;
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', {}, { attachments: { file: { path: file, filename: 'my song.ogg' } } });
    assertPublic(view, /▶️ Playing \*\*.+\*\* \(requested by alice\)/);
    const [track] = await playlist();
    assert.match(track?.url ?? '', /^https:\/\/cdn\.discordapp\.com\/attachments\/\d+\/\d+\/my_song\.ogg\?ex=/);
    assert.ok(stage.sandbox.cdn.requests.length > before, 'the bot fetched the attachment from the CDN');
    await stage.heard([587], 15_000, g.spec);
  });

  it('/play file: a text file is refused privately, naming the file, and nothing is queued', async () => {
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', {}, { attachments: { file: { bytes: Buffer.from('not a song at all\n'.repeat(50)), filename: 'notes.txt', contentType: 'text/plain; charset=utf-8' } } });
    assertEphemeralError(view, /I can't play that file \(notes\.txt\): /);
    assert.equal(await stage.db.llen(keys.playlist), 0);
    assert.equal(await stage.db.get(keys.state), null);
  });

  it('/play with both a query and a file asks for one of them', async () => {
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', { query: 'some words' }, { attachments: { file: { bytes: Buffer.from('x'), filename: 'a.ogg' } } });
    assertEphemeralError(view, /either words or a link in `query`, or a `file`, not both/);
    assert.equal(await stage.db.llen(keys.playlist), 0);
  });

  it('/play next:true puts the track right after the current one', async () => {
    await queueUp(3);
    assertPublic(await cmd(g.alice, 'play', { query: `${long}?first`, next: true }), /Queued .* at position 2/);
    assert.deepEqual((await playlist()).map((t) => new URL(t.url).search), ['?n=0', '?first', '?n=1', '?n=2']);
  });

  it('/play with an M3U playlist over http queues every track in it', async () => {
    const a = await stage.tone(600, 1000);
    const b = await stage.tone(700, 1000);
    writeFileSync(path.join(stage.dir, 'tracks', 'mix.m3u'), `#EXTM3U\n#EXTINF:1,First tone\n${a}\n#EXTINF:1,Second tone\n${path.basename(b)}\n`);
    const view = await cmd(g.alice, 'play', { query: stage.fixtures.url('mix.m3u') });
    assertPublic(view, /Queued \*\*2 tracks\*\* from \*\*mix\*\*\. Starting with \*\*First tone\*\*/);
    assert.deepEqual((await playlist()).map((t) => [t.url, t.title]), [[a, 'First tone'], [b, 'Second tone']]);
  });

  it('/play without a query or file asks for one, a 5000-character query is refused, and a link to Redis is refused in the reply', async () => {
    assertEphemeralError(await cmd(g.alice, 'play', {}), /Tell me what to play: words to search for or a link in `query`, or an audio `file`/);
    assertEphemeralError(await cmd(g.alice, 'play', { query: '   ' }), /Tell me what to play/);
    assertEphemeralError(await cmd(g.alice, 'play', { query: `https://example.org/${'a'.repeat(4976)}.ogg` }), /5000 characters long; the limit is 2000\. Use fewer words or a shorter link/);
    assertEphemeralError(await cmd(g.alice, 'play', { query: `http://127.0.0.1:${new URL(redis.current.url).port}/` }), /I can't play that link: /);
    assert.equal(await stage.db.llen(keys.playlist), 0);
  });

  it('controls need the member in voice, and in the bot\'s channel', async () => {
    await queueUp(1);
    assertEphemeralError(await cmd(g.bob, 'pause'), /not in a voice channel\. Join one/);
    stage.sandbox.joinVoice(g.spec.id, g.bob, g.lounge);
    await waitFor('bob in the lounge', async () => {
      const v = await cmd(g.bob, 'pause');
      return v.content.includes('Join') ? v : undefined;
    }).then((v) => assertEphemeralError(v, new RegExp(`You are in <#${g.lounge}>, but the music is in <#${g.music}>\\. Join <#${g.music}>`)));
    assertEphemeralError(await cmd(g.bob, 'play', { query: long }), /but the music is in/);
    assert.equal(await stage.db.get(keys.state), 'playing');
    assert.equal(await stage.db.llen(keys.playlist), 1);
  });

  it('/pause and /resume set the desired state', async () => {
    await queueUp(1);
    assertPublic(await cmd(g.alice, 'pause'), /⏸️ Paused/);
    assert.equal(await stage.db.get(keys.state), 'paused');
    assertPublic(await cmd(g.alice, 'resume'), /▶️ Resumed/);
    assert.equal(await stage.db.get(keys.state), 'playing');
  });

  it('/queue is paginated with buttons that turn the page; a page past the end is refused', async () => {
    await queueUp(12);
    const view = await cmd(g.alice, 'queue');
    assertPublic(view, /`1\.` ▶️ .*\n(.*\n){9}Page 1\/2 · 12 tracks/);
    assert.deepEqual(buttonIds(view.components), ['queue:page:0', 'queue:page:2']);
    const messageId = view.messageId;
    assert.ok(messageId);
    const turned = await stage.sandbox.press(g.spec.id, g.alice, messageId, 'queue:page:2');
    assert.match(turned.content, /`11\.` .*\n`12\.` .*\nPage 2\/2/);
    assert.match(stage.sandbox.message(messageId)?.content ?? '', /Page 2\/2/);
    assertEphemeralError(await cmd(g.alice, 'queue', { page: 5 }), /There is no page 5: the queue has 2 pages/);
  });

  it('/queue and /nowplaying on an empty queue say so privately', async () => {
    assertEphemeralError(await cmd(g.alice, 'queue'), /The queue is empty\. Add something with \/play/);
    assertEphemeralError(await cmd(g.alice, 'nowplaying'), /The queue is empty/);
  });

  it('/nowplaying shows title, requester, a position bar and the control buttons', async () => {
    // The playlist says how long the track is, so the bar has an end.
    writeFileSync(path.join(stage.dir, 'tracks', 'long.m3u'), `#EXTINF:60,A long tone\n${long}\n`);
    assertPublic(await cmd(g.alice, 'play', { query: stage.fixtures.url('long.m3u') }), /Queued \*\*1 track\*\*/);
    await waitFor('the player to start', async () => (await stage.db.get(keys.status))?.includes('"playing"'));
    const view = await cmd(g.alice, 'nowplaying');
    assertPublic(view, /▶️ \*\*Now playing:\*\* A long tone\nRequested by alice · Link · 🔊 100%\n`0:0\d 🔘▬+ 1:00`/);
    assert.deepEqual(buttonIds(view.components), ['np:previous', 'np:pause', 'np:skip', 'np:stop']);
  });

  it('/remove and /move count from 1 (the current track) and refuse indexes out of range', async () => {
    await queueUp(4);
    assertPublic(await cmd(g.alice, 'remove', { index: 2 }), /Removed track 2/);
    assert.deepEqual((await playlist()).map((t) => new URL(t.url).search), ['?n=0', '?n=2', '?n=3']);
    assertPublic(await cmd(g.alice, 'move', { from: 3, to: 2 }), /Moved .* from 3 to 2/);
    assert.deepEqual((await playlist()).map((t) => new URL(t.url).search), ['?n=0', '?n=3', '?n=2']);
    assertEphemeralError(await cmd(g.alice, 'remove', { index: 9 }), /There is no track 9: the queue has 3 tracks \(1 is the current one\)/);
    assertEphemeralError(await cmd(g.alice, 'move', { from: 1, to: 7 }), /There is no track 7/);
    await stage.db.del(keys.playlist);
    assertEphemeralError(await cmd(g.alice, 'remove', { index: 1 }), /The queue is empty/);
  });

  it('/shuffle keeps the current track first and the same tracks; /clear empties the queue', async () => {
    await queueUp(6);
    const before = await playlist();
    assertPublic(await cmd(g.alice, 'shuffle'), /Shuffled 5 tracks/);
    const after = await playlist();
    assert.equal(after[0]?.id, before[0]?.id);
    assert.deepEqual(after.map((t) => t.id).sort(), before.map((t) => t.id).sort());
    assertPublic(await cmd(g.alice, 'clear'), /Cleared the queue \(6 tracks\)/);
    assert.equal(await stage.db.llen(keys.playlist), 0);
    assertEphemeralError(await cmd(g.alice, 'clear'), /The queue is empty/);
  });

  it('/loop, /volume and /stay write the settings; a volume out of range is refused', async () => {
    await queueUp(1);
    assertPublic(await cmd(g.alice, 'loop', { mode: 'track' }), /Looping the current track/);
    assertPublic(await cmd(g.alice, 'volume', { percent: 150 }), /Volume 150% \(was 100%\)/);
    assertPublic(await cmd(g.alice, 'stay', { enabled: true }), /stay in the voice channel 24\/7/);
    assert.deepEqual(await settings(), { loop: 'track', volume: '150', stay: '1' });
    assertEphemeralError(await cmd(g.alice, 'volume', { percent: 250 }), /from 0 to 200 percent, not 250/);
    assert.equal((await settings()).volume, '150');
  });

  it('/seek replaces the current track with a copy under a new id that starts there; a bad position is refused', async () => {
    await queueUp(2);
    const [head] = await playlist();
    assertPublic(await cmd(g.alice, 'seek', { position: '0:42' }), /Jumped to 0:42/);
    const [seeked, second] = await playlist();
    assert.notEqual(seeked?.id, head?.id);
    assert.equal(seeked?.url, head?.url);
    assert.equal(seeked?.startMs, 42_000);
    assert.equal(new URL(second?.url ?? '').search, '?n=1');
    assertEphemeralError(await cmd(g.alice, 'seek', { position: 'soon' }), /"soon" is not a position\. Write minutes:seconds like 1:23, or seconds like 83/);
    assert.equal((await playlist())[0]?.startMs, 42_000);
  });

  it('/stop empties the queue and stops; /leave also drops the channel', async () => {
    await queueUp(2);
    assertPublic(await cmd(g.alice, 'stop'), /Stopped and emptied the queue \(2 tracks removed\)/);
    assert.equal(await stage.db.get(keys.state), 'stopped');
    assert.equal(await stage.db.llen(keys.playlist), 0);
    await queueUp(1);
    assertPublic(await cmd(g.alice, 'leave'), /Left the voice channel/);
    assert.equal(await stage.db.get(keys.channel), null);
    assert.equal(await stage.db.get(keys.state), 'stopped');
    assert.equal(await stage.db.llen(keys.playlist), 0);
  });

  it('/settings sets the DJ role and the limits (Manage Server only); the queue limit is enforced', async () => {
    assertEphemeralError(await cmd(g.erin, 'settings', { max_queue: 5 }), /Only members with the Manage Server permission/);
    const view = await cmd(g.alice, 'settings', { max_queue: 2, max_per_user: 10, announce_channel: g.text });
    assert.equal(view.ephemeral, true);
    assert.match(view.content, /Settings saved\.\nDJ role: none.*\nLongest queue: 2\nTracks per member: 10\nAnnounce channel: <#\d+>/);
    assert.deepEqual(await settings(), { max_queue: '2', max_per_user: '10' });
    assert.equal(await stage.db.get(keys.text_channel), g.text);
    await queueUp(2);
    assertEphemeralError(await cmd(g.alice, 'play', { query: long }), /The queue is full \(at most 2 tracks\)/);
    assert.equal(await stage.db.llen(keys.playlist), 2);
    assert.match((await cmd(g.alice, 'settings', { dj_role: g.djRole })).content, new RegExp(`DJ role: <@&${g.djRole}>`));
    assert.equal((await settings()).dj_role, g.djRole);
  });

  it('with a DJ role set, destructive commands need it: clear, stop, volume, settings, removing others\' tracks', async () => {
    await queueUp(2, g.alice);
    await stage.db.hset(keys.settings, 'dj_role', g.djRole);
    stage.sandbox.joinVoice(g.spec.id, g.bob, g.music);
    stage.sandbox.joinVoice(g.spec.id, g.dave, g.music);
    const notDj = new RegExp(`Only members with the DJ role <@&${g.djRole}> can do that\\. Ask a DJ`);
    await waitFor('bob in music', async () => (await cmd(g.bob, 'pause')).content.includes('Paused'));
    for (const [name, options] of [['clear', {}], ['stop', {}], ['volume', { percent: 50 }], ['remove', { index: 2 }], ['settings', {}]] as const) {
      assertEphemeralError(await cmd(g.bob, name, options), notDj);
    }
    assert.equal(await stage.db.llen(keys.playlist), 2);
    assertPublic(await cmd(g.dave, 'volume', { percent: 50 }), /Volume 50%/);
    assertPublic(await cmd(g.dave, 'clear'), /Cleared the queue \(2 tracks\)/);
  });

  it('a skip by a non-DJ while others listen is a vote: a majority of the listeners skips', async () => {
    await queueUp(2, g.alice);
    await stage.db.hset(keys.settings, 'dj_role', g.djRole);
    stage.sandbox.joinVoice(g.spec.id, g.bob, g.music);
    stage.sandbox.joinVoice(g.spec.id, g.carol, g.music);
    const [head] = await playlist();
    // alice requested the track, so bob and carol vote: 3 listeners, 2 votes needed.
    const first = await waitFor('bob and carol in music', async () => {
      const v = await cmd(g.bob, 'skip');
      return v.content.includes('voted') ? v : undefined;
    });
    assertPublic(first, /bob voted to skip .*: 1\/2 votes, 1 more needed/);
    assertPublic(await cmd(g.bob, 'skip'), /You already voted to skip .*: 1\/2 votes/);
    assert.equal((await playlist())[0]?.id, head?.id);
    assertPublic(await cmd(g.carol, 'skip'), /Skipped .* by vote \(2\/2\)/);
    assert.notEqual((await playlist())[0]?.id, head?.id);
    assert.equal(await stage.db.llen(keys.playlist), 1);
  });

  it('the now-playing message is posted once per track, edited in place, and its buttons work', async () => {
    const t0 = Date.now();
    await queueUp(3);
    const fresh = () => channelMessages(stage.sandbox, g.text).filter((m) => m.createdAtMs >= t0);
    const np = await waitFor('the now-playing message', () => {
      const list = fresh();
      return list.length === 1 && list[0]?.content.includes('Now playing') ? list[0] : undefined;
    }, { timeoutMs: 15_000 });
    assert.deepEqual(buttonIds(np.components), ['np:previous', 'np:pause', 'np:skip', 'np:stop']);

    const paused = await stage.sandbox.press(g.spec.id, g.alice, np.id, 'np:pause');
    assertEphemeralError(paused, /Paused/);
    assert.equal(await stage.db.get(keys.state), 'paused');
    await waitFor('the message edited to Paused', () => stage.sandbox.message(np.id)?.content.includes('**Paused:**'), { timeoutMs: 10_000 });
    assert.deepEqual(buttonIds(stage.sandbox.message(np.id)?.components ?? []), ['np:previous', 'np:resume', 'np:skip', 'np:stop']);
    assert.equal(fresh().length, 1, 'a state change edits the message, it does not post another');

    await stage.sandbox.press(g.spec.id, g.alice, np.id, 'np:resume');
    assert.equal(await stage.db.get(keys.state), 'playing');
    const [head] = await playlist();
    await stage.sandbox.press(g.spec.id, g.alice, np.id, 'np:skip');
    assert.notEqual((await playlist())[0]?.id, head?.id);
    const next = await waitFor('a message for the next track, the old one deleted', () => {
      const list = fresh();
      return list.length === 1 && list[0]?.id !== np.id ? list[0] : undefined;
    }, { timeoutMs: 15_000 });
    assert.equal(stage.sandbox.message(np.id)?.deleted, true);

    await stage.sandbox.press(g.spec.id, g.alice, next.id, 'np:stop');
    assert.equal(await stage.db.get(keys.state), 'stopped');
    assert.equal(await stage.db.llen(keys.playlist), 0);
    await waitFor('the message to say nothing is playing', () => stage.sandbox.message(next.id)?.content.includes('Nothing is playing'), { timeoutMs: 10_000 });
    assert.equal(fresh().length, 1);
  });
});
