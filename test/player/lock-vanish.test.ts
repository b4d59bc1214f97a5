/**
 * Issue 11, "Lock vanishes": the guild lock disappears or changes under its holder mid-track (an
 * operator's DEL, a Redis restart without persistence, a failover that lost the key). The holder must
 * stop for good: only a fresh claim in Redis may give the guild back, never the lease it remembers.
 */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import { guildKeys } from '../../src/state';
import { SessionBook } from '../support/bot-sessions';
import { useRedis } from '../support/redis';
import { framesOf, Stage, type Bot } from '../support/stage';
import { recordVoiceJoins, type VoiceJoin, type VoiceJoinLog } from '../support/voice-joins';
import { waitFor } from '../support/wait';

const TTL_MS = 2000;
/** After the takeover, the old instance's audio may trail by at most this much (the bound). */
const TRAIL_MS = 1000;

describe('player: a lock that vanishes or changes under its holder', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let book: SessionBook;
  let joins: VoiceJoinLog;
  /** What the lock said right after each voice join: read at once, before any renewal round could change it. */
  let lockAtJoin: Array<{ join: VoiceJoin; lock: string | null }>;
  beforeEach(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, {
      // Checkpoints (fenced status writes) five times per renewal round: the loss is then nearly always
      // seen first by a fenced write, the path issue 11 is about, rather than by the keeper's renewal.
      env: { HIQTY_LOCK_TTL_MS: String(TTL_MS), HIQTY_CHECKPOINT_MS: '100' },
    });
    book = new SessionBook(stage);
    lockAtJoin = [];
    const db = stage.db;
    joins = recordVoiceJoins(stage.sandbox, (join) => {
      // A join in the last instant of a test may be read after the stage closed the client: nothing to record then.
      db.get(guildKeys(join.guildId).player_lock).then(
        (lock) => void lockAtJoin.push({ join, lock }),
        () => {},
      );
    });
  });
  afterEach(() => stage.stop());
  Stage.dumpOnFailure(() => stage);
  const keys = () => guildKeys(stage.guild.id);

  /** The lock's holder and epoch, as `{instance}:{epoch}` says. */
  async function lock(): Promise<{ bot: Bot; epoch: number }> {
    return waitFor('a lock held by one of the bots', async () => {
      const value = (await stage.db.get(keys().player_lock)) ?? '';
      const bot = stage.bots.find((b) => value.startsWith(`${b.instance}:`));
      return bot && { bot, epoch: Number(value.slice(bot.instance.length + 1)) };
    });
  }

  async function twoInstancesPlaying(): Promise<{ old: Bot; other: Bot }> {
    const a = await book.startBot();
    const b = await book.startBot();
    await stage.play([await stage.tone(440, 10_000), await stage.tone(660, 2000)]);
    await waitFor('1 s of the first track', () => framesOf(stage.segments(), 440) >= 50, { timeoutMs: 15_000 });
    const { bot: old } = await lock();
    return { old, other: old === a ? b : a };
  }

  /**
   * The hand-over the issue asks for, from the moment the lock changed: the other instance plays the
   * rest of the track and the next one; the old one sends no voice join for 3 × TTL, no audio more
   * than a second after the takeover, and there is no overlap after that second.
   */
  async function assertHandedOver(old: Bot, other: Bot, changedAt: number): Promise<void> {
    const guild = stage.guild.id;
    const oldSessions = book.sessionsOf(old);
    const otherSessions = book.sessionsOf(other);
    const takeoverAt = await waitFor(
      'audio from the other instance after the lock changed',
      () => stage.sandbox.voiceStats(guild, { flush: false }).windows.find((w) => otherSessions.has(w.sessionId) && w.startMs > changedAt)?.startMs,
      { timeoutMs: 2 * TTL_MS + 5000 },
    );
    const { overlapAfterTrail } = await waitFor('a second after the takeover', () => performance.now() > takeoverAt + TRAIL_MS && { overlapAfterTrail: stage.sandbox.voiceStats(guild, { flush: false }).overlap });
    // The point of this test is what does NOT happen (a rejoin by the old instance): only watching for
    // the whole window can show it. 3 × TTL covers the keeper's renewal rounds and retries of a claim.
    await delay(Math.max(0, changedAt + 3 * TTL_MS - performance.now()));

    assert.deepEqual(book.strays(), [], 'a bot identified again after start-up: its events cannot be attributed');
    const oldJoins = joins.since(guild, changedAt, oldSessions);
    const described = oldJoins.map((j) => `+${Math.round(j.atMs - changedAt)} ms (lock then: ${JSON.stringify(lockAtJoin.find((r) => r.join === j)?.lock)})`);
    assert.equal(oldJoins.length, 0, `the old instance (${old.instance}) joined voice ${oldJoins.length} time(s) after the lock changed: ${described.join(', ')}`);
    const stats = stage.sandbox.voiceStats(guild, { flush: false });
    const oldLast = Math.max(...[...oldSessions].map((s) => stats.lastPacketBySession[s] ?? -Infinity));
    assert.ok(oldLast <= takeoverAt + TRAIL_MS, `the old instance sent audio ${Math.round(oldLast - takeoverAt)} ms after the takeover (limit ${TRAIL_MS})`);
    assert.equal(stats.overlap, overlapAfterTrail, `${stats.overlap - overlapAfterTrail} overlapping packets more than a second after the takeover`);
    assert.equal((await lock()).bot, other, 'the other instance holds the lock');

    const next = await waitFor(
      'the next track on the other instance',
      () => stage.segments().find((s) => Math.abs(s.hz - 660) <= 10 && s.startMs > changedAt),
      { timeoutMs: 15_000 },
    );
    assert.ok(otherSessions.has(next.sessionId), 'the next track plays on the other instance');
    const rest = stage.segments().filter((s) => Math.abs(s.hz - 440) <= 10 && s.startMs > changedAt);
    assert.ok(rest.length > 0 && rest.every((s) => otherSessions.has(s.sessionId)), 'the rest of the first track plays on the other instance');
    await waitFor('the queue to empty', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 10_000 });
    assert.equal(joins.since(guild, changedAt, oldSessions).length, 0, 'the old instance never joined again');
    console.log(`      lock change to takeover: ${Math.round(takeoverAt - changedAt)} ms; old instance's last packet ${Math.round(oldLast - takeoverAt)} ms after it`);
  }

  it('a DEL of the lock mid-track: the other instance takes over; the old one never rejoins and is silent within 1 s', async () => {
    const { old, other } = await twoInstancesPlaying();
    const changedAt = performance.now();
    await stage.db.del(keys().player_lock);
    await assertHandedOver(old, other, changedAt);
  });

  it("the lock overwritten with the other instance's value mid-track: the other takes over; the old one never rejoins", async () => {
    const { old, other } = await twoInstancesPlaying();
    const epoch = Number(await stage.db.get(keys().epoch));
    const changedAt = performance.now();
    // What a failover that lost our write, or an operator's hand-off, leaves: a lock naming the other instance.
    await stage.db.set(keys().player_lock, `${other.instance}:${epoch + 1}`, 'PX', 30_000);
    await assertHandedOver(old, other, changedAt);
  });

  it('a single instance whose lock was deleted comes back only through a fresh claim: every later join sees a higher epoch', async () => {
    const bot = await book.startBot();
    await stage.play([await stage.tone(440, 10_000)]);
    await waitFor('1 s of the track', () => framesOf(stage.segments(), 440) >= 50, { timeoutMs: 15_000 });
    const before = await lock();
    const deletedAt = performance.now();
    await stage.db.del(keys().player_lock);
    const after = await waitFor(
      'a fresh claim (a higher epoch) by the same instance',
      async () => {
        const now = await lock();
        return now.epoch > before.epoch && now;
      },
      { timeoutMs: 2 * TTL_MS + 5000 },
    );
    assert.equal(after.bot, bot);
    await waitFor(
      'the track to play again after the claim',
      () => stage.sandbox.voiceStats(stage.guild.id, { flush: false }).windows.some((w) => w.startMs > deletedAt && w.hz !== undefined && Math.abs(w.hz - 440) <= 10),
      { timeoutMs: 10_000 },
    );
    // A join on a stale lease would show up here: every join must find a lock of a fresh claim in Redis.
    const rejoins = joins.since(stage.guild.id, deletedAt);
    assert.ok(rejoins.length >= 1, 'the instance joined voice again after re-claiming');
    await waitFor('the lock read after every join', () => lockAtJoin.filter((r) => r.join.atMs > deletedAt).length === rejoins.length);
    const seen = lockAtJoin.filter((r) => r.join.atMs > deletedAt).map((r) => ({ atMs: Math.round(r.join.atMs - deletedAt), lock: r.lock }));
    for (const { atMs, lock: value } of seen) {
      const epoch = value?.startsWith(`${bot.instance}:`) ? Number(value.slice(bot.instance.length + 1)) : undefined;
      assert.ok(epoch !== undefined && epoch > before.epoch, `a voice join at +${atMs} ms with the lock at ${JSON.stringify(value)} (epoch before the DEL: ${before.epoch}): the stale lease was adopted from memory. All joins: ${JSON.stringify(seen)}`);
    }
  });
});
