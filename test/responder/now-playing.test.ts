import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import type { Locale } from '../../src/i18n';
import { silentLogger } from '../../src/log';
import { Controller, done, KeyspaceHub, type Reconciler, type Result } from '../../src/reconcile';
import { GuildStore, guildKeys, newTrackId, type Track } from '../../src/state';
import { NP_START_POLL_MS, NowPlayingReconciler, npHint, type NpChannel } from '../../controllers/responder/now-playing';
import type { Body } from '../../controllers/responder/render';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

const INSTANCE = 'np-test';
const TEXT = '223456789012345678';
const VOICE = '323456789012345678';

/** Remembers what it was asked to do; message ids count up. */
class RecordingChannel implements NpChannel {
  readonly posts: Body[] = [];
  readonly edits: Body[] = [];
  async post(_channelId: string, body: Body): Promise<string> {
    this.posts.push(body);
    return String(this.posts.length);
  }
  async edit(_channelId: string, _messageId: string, body: Body): Promise<'edited'> {
    this.edits.push(body);
    return 'edited';
  }
  async remove(): Promise<void> {}
}

describe('now-playing: which notifications wake it', () => {
  it('status checkpoints and lock renewals do not; the head, the state, settings and a new lock do', () => {
    const k = guildKeys('42');
    assert.equal(npHint(k.status, 'set'), undefined);
    assert.equal(npHint(k.player_lock, 'expire'), undefined);
    assert.equal(npHint(k.quarantine, 'rpush'), undefined);
    assert.equal(npHint(k.playlist, 'lpop'), '42');
    assert.equal(npHint(k.state, 'set'), '42');
    assert.equal(npHint(k.settings, 'hset'), '42');
    assert.equal(npHint(k.text_channel, 'set'), '42');
    assert.equal(npHint(k.player_lock, 'set'), '42');
    assert.equal(npHint('hiqty:guilds', 'sadd'), undefined);
  });

  describe('on a real Redis', () => {
    const redis = useRedis({ dedicated: true });
    let admin: Redis;
    let hub: KeyspaceHub | undefined;
    let controller: Controller<string> | undefined;

    beforeEach(async () => {
      admin = redis.current.client();
      await admin.flushall();
    });

    afterEach(async () => {
      await controller?.stop();
      await hub?.stop();
      controller = undefined;
      hub = undefined;
      admin.disconnect();
    });

    it('a run of status checkpoints wakes nothing through the shared subscriber, a state change does', async () => {
      const h = (hub = new KeyspaceHub({ redis: () => redis.current.client(), pattern: 'hiqty:server:*' }));
      const seen: string[] = [];
      const recorder: Reconciler<string> = {
        async reconcile(guild: string): Promise<Result> {
          seen.push(guild);
          return done();
        },
      };
      // One worker and a FIFO queue: a guild woken before the marker is reconciled before it.
      controller = new Controller<string>({ name: 'np-hints', reconciler: recorder, workers: 1, sources: [h.source({ keyToId: npHint })] });
      await controller.start();
      await waitFor('subscription', () => h.subscribed);

      for (let i = 1; i <= 5; i++) await admin.set(guildKeys('7').status, JSON.stringify({ positionMs: i * 500 }));
      await admin.pexpire(guildKeys('7').player_lock, 10_000);
      await admin.set(guildKeys('marker').state, 'playing');
      await waitFor('the marker', () => seen.includes('marker'));
      assert.deepEqual(seen, ['marker'], 'the checkpoints before the marker woke nobody');

      await admin.set(guildKeys('7').state, 'paused');
      await waitFor('the state change', () => seen.includes('7'));
    });
  });
});

describe('NowPlayingReconciler', () => {
  const redis = useRedis();
  let client: Redis;
  let store: GuildStore;
  let clock: ManualClock;
  let guildSeq = 500;

  before(() => {
    client = redis.current.client();
    clock = new ManualClock();
    store = new GuildStore(client, clock);
  });

  async function playingGuild(): Promise<{ guild: string; head: Track }> {
    const guild = String(guildSeq++);
    const head: Track = { id: newTrackId(), url: 'https://media.example/a.ogg', title: 'a', durationMs: 60_000 };
    await store.enqueue(guild, [head, { id: newTrackId(), url: 'https://media.example/b.ogg' }]);
    await store.setChannel(guild, VOICE);
    await store.setTextChannel(guild, TEXT);
    await store.setState(guild, 'playing');
    await client.set(guildKeys(guild).player_lock, `${INSTANCE}:1`);
    return { guild, head };
  }

  function status(head: Track, positionMs: number): string {
    return JSON.stringify({ instance: INSTANCE, epoch: 1, trackId: head.id, positionMs, state: 'playing', updatedAt: clock.now() });
  }

  it('looks again soon while the player has not started the head (its status write wakes nobody), then posts', async () => {
    const { guild, head } = await playingGuild();
    const channel = new RecordingChannel();
    const np = new NowPlayingReconciler({ redis: client, store, channel, instance: INSTANCE, clock, log: silentLogger, locale: () => 'en' });
    assert.deepEqual(await np.reconcile(guild), { requeueAfterMs: NP_START_POLL_MS });
    assert.equal(channel.posts.length, 0);

    await client.set(guildKeys(guild).status, status(head, 0));
    const r = await np.reconcile(guild);
    assert.equal(channel.posts.length, 1, 'the message is posted once the status names the head');
    assert.notDeepEqual(r, { requeueAfterMs: NP_START_POLL_MS });
  });

  it('writes the message in the guild\'s language, and redraws it when that language changes', async () => {
    const { guild, head } = await playingGuild();
    const channel = new RecordingChannel();
    let language: Locale = 'de';
    const np = new NowPlayingReconciler({ redis: client, store, channel, instance: INSTANCE, clock, log: silentLogger, locale: () => language });
    await client.set(guildKeys(guild).status, status(head, 0));
    await np.reconcile(guild);
    const labels = (body: Body | undefined): string[] => (body?.components ?? []).flatMap((row) => row.toJSON().components.flatMap((c) => ('label' in c && c.label !== undefined ? [c.label] : [])));
    assert.match(channel.posts[0]?.content ?? '', /^▶️ \*\*Läuft gerade:\*\* a\nGewünscht von jemand · Link · 🔊 100 %\n/);
    assert.deepEqual(labels(channel.posts[0]), ['Pause', 'Überspringen', 'Stopp']);

    language = 'ja';
    await np.reconcile(guild);
    assert.match(channel.edits[0]?.content ?? '', /^▶️ \*\*再生中：\*\* a\nリクエスト：誰か · リンク · 🔊 100%\n/);
    assert.deepEqual(labels(channel.edits[0]), ['一時停止', 'スキップ', '停止']);

    await store.setState(guild, 'stopped');
    await np.reconcile(guild);
    assert.equal(channel.edits[1]?.content, '⏹️ 今は何も再生していません。/play で何か始めましょう。');
  });

  it('does not poll a guild that is stopped or held elsewhere', async () => {
    const { guild } = await playingGuild();
    const np = new NowPlayingReconciler({ redis: client, store, channel: new RecordingChannel(), instance: INSTANCE, clock, log: silentLogger, locale: () => 'en' });
    await store.setState(guild, 'stopped');
    assert.deepEqual(await np.reconcile(guild), done());
    await store.setState(guild, 'playing');
    await client.set(guildKeys(guild).player_lock, 'other:2');
    assert.deepEqual(await np.reconcile(guild), done());
  });
});
