import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { ManualClock, sleep, systemClock } from '../../src/clock';
import { guildKeys } from '../../src/state/keys';
import { type Lease, LeaseClient, LeaseKeeper, type LeaseMetrics, type LossReason } from '../../src/state/lease';
import { newTrackId, QuarantineEntry, Status } from '../../src/state/schema';
import { GuildStore } from '../../src/state/store';
import { connectRedis } from '../../src/state/redis';
import { urlEndpoint } from '../../src/state/redis-endpoint';
import { decodeJson } from '../../src/codecs';
import { isRight } from 'fp-ts/Either';
import pino from 'pino';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

let guildSeq = 5000;
function newGuild(): string {
  return String(guildSeq++);
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

class CountingMetrics implements LeaseMetrics {
  claims = { claimed: 0, held: 0 };
  renewals = { renewed: 0, taken: 0, error: 0 };
  losses = { taken: 0, expired: 0 };
  claim(outcome: 'claimed' | 'held'): void {
    this.claims[outcome]++;
  }
  renewal(outcome: 'renewed' | 'taken' | 'error'): void {
    this.renewals[outcome]++;
  }
  loss(reason: LossReason): void {
    this.losses[reason]++;
  }
}

describe('state/lease', function () {
  const redis = useRedis();

  describe('mutual exclusion under contention', () => {
    interface ClaimRecord {
      readonly instance: string;
      readonly epoch: number;
      readonly sentAt: number;
      readonly ackAt: number;
      /** When the holder stopped believing it held the lease: its release, or its deadline. */
      endAt: number;
    }
    interface WriteRecord {
      readonly epoch: number;
      readonly sentAt: number;
      readonly ackAt: number;
      readonly ok: boolean;
      readonly believed: boolean;
    }

    it('8 claimers with 30-80 ms TTLs and random pauses over 500 rounds: never two holders at once', async function () {
      this.timeout(40_000);
      const guild = newGuild();
      const ROUNDS = 500;
      const claims: ClaimRecord[] = [];
      const writes: WriteRecord[] = [];
      const now = (): number => performance.now();
      const started = now();

      const claimer = async (i: number): Promise<void> => {
        const client = redis.current.client();
        const ttlMs = 30 + Math.round((i * 50) / 7);
        const leases = new LeaseClient(client, systemClock, { instance: `claimer-${i}`, ttlMs });
        const store = new GuildStore(client, systemClock);
        while (claims.length < ROUNDS) {
          const sentAt = now();
          const r = await leases.claim(guild);
          const ackAt = now();
          if (r.kind !== 'claimed') {
            // Simulated work between attempts, not a wait for a condition.
            await sleep(systemClock, randomInt(0, 3));
            continue;
          }
          const lease = r.lease;
          const record: ClaimRecord = { instance: lease.instance, epoch: lease.epoch, sentAt, ackAt, endAt: lease.deadline };
          claims.push(record);
          for (let step = randomInt(1, 3); step > 0; step--) {
            // Now and then the holder "stalls" (GC pause, overloaded host) past its TTL and then writes
            // as if nothing happened: only the fence in the script can stop it.
            const stall = Math.random() < 0.08;
            await sleep(systemClock, stall ? ttlMs + randomInt(5, 20) : randomInt(0, Math.floor(ttlMs / 4)));
            const believed = lease.isValid(now());
            const wSent = now();
            const w = await store.writeStatus(guild, { trackId: newTrackId(), positionMs: lease.epoch, state: 'playing' }, lease);
            writes.push({ epoch: lease.epoch, sentAt: wSent, ackAt: now(), ok: w.kind === 'written', believed });
          }
          // The holder stops believing when its round ends (before a release can free the lock, and
          // before its next claim, which may take its own lock over at once under the same instance id).
          record.endAt = Math.min(lease.deadline, now());
          if (Math.random() < 0.85 && lease.isValid(now())) await leases.release(lease);
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, i) => claimer(i)));
      const elapsedMs = now() - started;

      // Each claim got its own epoch, and a claim that finished before another started has the lower one.
      const epochs = claims.map((c) => c.epoch);
      assert.equal(new Set(epochs).size, claims.length, 'epochs are unique');
      for (const a of claims) {
        for (const b of claims) {
          if (a.ackAt < b.sentAt) assert.ok(a.epoch < b.epoch, `epoch ${a.epoch} acknowledged before epoch ${b.epoch} was sent`);
        }
      }

      // Believed holder intervals, ordered by epoch, never overlap.
      const byEpoch = [...claims].sort((a, b) => a.epoch - b.epoch);
      let previous: ClaimRecord | undefined;
      let latestEnd = -Infinity;
      for (const c of byEpoch) {
        if (previous) {
          assert.ok(
            latestEnd <= c.ackAt,
            `holder of epoch ${c.epoch} (${c.instance}) acquired at ${c.ackAt.toFixed(2)} while an earlier holder believed it held until ${latestEnd.toFixed(2)}`,
          );
        }
        latestEnd = Math.max(latestEnd, c.endAt);
        previous = c;
      }

      // No fenced write succeeded from an epoch that had already been superseded.
      for (const w of writes.filter((w) => w.ok)) {
        const superseding = claims.find((c) => c.epoch > w.epoch && c.ackAt < w.sentAt);
        assert.equal(superseding, undefined, `write of epoch ${w.epoch} succeeded after epoch ${superseding?.epoch} was claimed`);
      }
      // Independent of our timestamps: the status left in Redis is from the highest epoch that wrote.
      const status = decodeJson(Status, (await redis.current.client().get(guildKeys(guild).status)) ?? '');
      assert.ok(isRight(status));
      assert.equal(status.right.epoch, Math.max(...writes.filter((w) => w.ok).map((w) => w.epoch)));

      const stale = writes.filter((w) => !w.believed);
      const rejected = writes.filter((w) => !w.ok);
      assert.ok(claims.length >= ROUNDS);
      assert.ok(rejected.length > 0, 'some stalled holders must have been fenced out');
      assert.ok(writes.some((w) => w.ok && w.believed));
      console.log(
        `      ${claims.length} claims, ${writes.length} fenced writes (${rejected.length} rejected, ${stale.length} from stalled holders) in ${Math.round(elapsedMs)} ms`,
      );
    });
  });

  describe('fencing and takeover', () => {
    it('a holder paused past its TTL can neither advance the queue nor write status once another claimed', async () => {
      const guild = newGuild();
      const client = redis.current.client();
      // The paused process's clock does not move: it still believes its lease is valid.
      const frozen = new ManualClock();
      const a = new LeaseClient(client, frozen, { instance: 'paused', ttlMs: 100 });
      const b = new LeaseClient(client, systemClock, { instance: 'other', ttlMs: 10_000 });
      const store = new GuildStore(client, systemClock);
      const t1 = { id: newTrackId(), url: 'https://media.example/1.ogg' };
      const t2 = { id: newTrackId(), url: 'https://media.example/2.ogg' };
      await store.enqueue(guild, [t1, t2]);
      await client.rpush(guildKeys(guild).playlist, 'junk');
      const claimA = await a.claim(guild);
      assert.equal(claimA.kind, 'claimed');
      const leaseA = claimA.lease;
      assert.deepEqual((await store.writeStatus(guild, { trackId: t1.id, positionMs: 10, state: 'playing' }, leaseA)).kind, 'written');

      const leaseB = await waitFor('the other instance to claim after the TTL', async () => {
        const r = await b.claim(guild);
        return r.kind === 'claimed' ? r.lease : undefined;
      });
      assert.equal(leaseB.epoch, leaseA.epoch + 1);
      assert.ok(leaseA.isValid(frozen.monotonic()), 'the paused holder still believes it holds the lease');

      assert.deepEqual(await store.advanceIfHead(guild, t1.id, leaseA), { kind: 'lease-lost' });
      assert.deepEqual(await store.writeStatus(guild, { trackId: t1.id, positionMs: 99_999, state: 'playing' }, leaseA), { kind: 'lease-lost' });
      assert.deepEqual(await store.quarantine(guild, 'junk', 'bad', { lease: leaseA }), { kind: 'lease-lost' });
      assert.deepEqual(await a.renew(leaseA), { kind: 'lost' });
      assert.deepEqual(await a.release(leaseA), { kind: 'not-held' });

      const { snapshot } = await store.snapshot(guild);
      assert.deepEqual(
        snapshot.playlist.map((t) => t.id),
        [t1.id, t2.id],
      );
      assert.equal(snapshot.playlistLength, 3);
      assert.equal(snapshot.status?.positionMs, 10);
      assert.equal(snapshot.lock?.value, leaseB.value);

      assert.deepEqual(await store.advanceIfHead(guild, t1.id, leaseB), { kind: 'advanced' });
      assert.equal((await store.writeStatus(guild, { trackId: t2.id, positionMs: 0, state: 'playing' }, leaseB)).kind, 'written');
    });

    it('a restart under the same instance id takes its own lock over at once', async () => {
      const guild = newGuild();
      const before = new LeaseClient(redis.current.client(), systemClock, { instance: 'pod-a', ttlMs: 10_000 });
      const old = await before.claim(guild);
      assert.equal(old.kind, 'claimed');
      const restarted = new LeaseClient(redis.current.client(), systemClock, { instance: 'pod-a', ttlMs: 10_000 });
      const again = await restarted.claim(guild);
      assert.equal(again.kind, 'claimed');
      assert.equal(again.lease.epoch, old.lease.epoch + 1);
      assert.equal(again.replaced, old.lease.value);
      // The old incarnation's lease is fenced out.
      assert.deepEqual(await before.renew(old.lease), { kind: 'lost' });

      const other = await new LeaseClient(redis.current.client(), systemClock, { instance: 'pod-b', ttlMs: 10_000 }).claim(guild);
      assert.equal(other.kind, 'held');
      assert.deepEqual(other.holder, { instance: 'pod-a', epoch: again.lease.epoch, value: again.lease.value });
      assert.ok(other.ttlMs > 9000 && other.ttlMs <= 10_000, `ttl ${other.ttlMs}`);
    });

    it('a different instance id must wait out the TTL', async () => {
      const guild = newGuild();
      const ttlMs = 250;
      const a = new LeaseClient(redis.current.client(), systemClock, { instance: 'first', ttlMs });
      const b = new LeaseClient(redis.current.client(), systemClock, { instance: 'second', ttlMs });
      const t0 = performance.now();
      const claimA = await a.claim(guild);
      assert.equal(claimA.kind, 'claimed');
      const refused = await b.claim(guild);
      assert.equal(refused.kind, 'held');
      assert.ok(refused.ttlMs > 0 && refused.ttlMs <= ttlMs);
      const leaseB = await waitFor(
        'the second instance to claim',
        async () => {
          const r = await b.claim(guild);
          return r.kind === 'claimed' ? r.lease : undefined;
        },
        { intervalMs: 2 },
      );
      const waited = performance.now() - t0;
      assert.ok(waited >= ttlMs, `claimed after ${waited.toFixed(1)} ms, before the ${ttlMs} ms TTL ran out`);
      assert.equal(leaseB.epoch, claimA.lease.epoch + 1);
      // The deadline was taken before the claim was sent, so it lies before the lock's expiry in Redis.
      assert.ok(claimA.lease.deadline <= t0 + ttlMs);
    });

    it('release is compare-and-delete, and renew extends the deadline from before the call', async () => {
      const guild = newGuild();
      const client = redis.current.client();
      const clock = new ManualClock();
      const leases = new LeaseClient(client, clock, { instance: 'r', ttlMs: 5000, driftMs: 10 });
      const r = await leases.claim(guild);
      assert.equal(r.kind, 'claimed');
      assert.equal(r.lease.deadline, 4990);
      await clock.advance(1000);
      assert.deepEqual(await leases.renew(r.lease), { kind: 'renewed' });
      assert.equal(r.lease.deadline, 5990);
      assert.ok(r.lease.isValid(5989) && !r.lease.isValid(5990));
      await client.set(guildKeys(guild).player_lock, 'thief:1', 'PX', 5000);
      assert.deepEqual(await leases.release(r.lease), { kind: 'not-held' });
      assert.equal(await client.get(guildKeys(guild).player_lock), 'thief:1');
      await client.set(guildKeys(guild).player_lock, r.lease.value, 'PX', 5000);
      assert.deepEqual(await leases.release(r.lease), { kind: 'released' });
      assert.equal(await client.exists(guildKeys(guild).player_lock), 0);
    });

    it('takes over a lock without expiry and restarts a corrupt epoch above every past value', async () => {
      const guild = newGuild();
      const client = redis.current.client();
      const k = guildKeys(guild);
      const leases = new LeaseClient(client, systemClock, { instance: 'fixer', ttlMs: 5000 });
      await client.set(k.player_lock, 'ghost:7');
      await client.set(k.epoch, '7');
      const r = await leases.claim(guild);
      assert.equal(r.kind, 'claimed');
      assert.equal(r.lease.epoch, 8);
      assert.equal(r.replaced, 'ghost:7');

      await client.del(k.player_lock);
      await client.set(k.epoch, 'seven');
      const again = await leases.claim(guild);
      assert.equal(again.kind, 'claimed');
      assert.ok(again.lease.epoch > 1_000_000_000_000, `epoch ${again.lease.epoch}`);
      const quarantined = decodeJson(QuarantineEntry, (await client.lindex(k.quarantine, 0)) ?? '');
      assert.ok(isRight(quarantined));
      assert.equal(quarantined.right.raw, 'seven');
      assert.equal(quarantined.right.source, 'epoch');
    });
  });

  describe('LeaseKeeper', () => {
    function keeperWith(clock: ManualClock | typeof systemClock, ttlMs: number, instance: string) {
      const metrics = new CountingMetrics();
      const lost: { guild: string; reason: LossReason; at: number }[] = [];
      const client = redis.current.client();
      const leases = new LeaseClient(client, clock, { instance, ttlMs, metrics });
      const keeper = new LeaseKeeper(leases, clock, { onLost: (guild, reason) => lost.push({ guild, reason, at: clock.monotonic() }) });
      return { metrics, lost, client, leases, keeper };
    }

    async function claimAll(keeper: LeaseKeeper, guilds: string[]): Promise<Lease[]> {
      return Promise.all(
        guilds.map(async (g) => {
          const r = await keeper.claim(g);
          assert.equal(r.kind, 'claimed');
          return r.lease;
        }),
      );
    }

    it('keeps leases alive across many TTLs with one timer', async function () {
      this.timeout(30_000);
      // Real time: a TTL long enough that a stalled test process (a loaded machine) does not lose the
      // leases, which is what the keeper is for, not what this checks.
      const ttlMs = 900;
      const { metrics, lost, client, keeper } = keeperWith(systemClock, ttlMs, 'keeper-real');
      const guilds = [newGuild(), newGuild(), newGuild()];
      const leases = await claimAll(keeper, guilds);
      const firstDeadline = leases[0]!.deadline;
      assert.equal((await keeper.claim(guilds[0]!)).kind, 'already-held');
      const t0 = performance.now();
      // A round every TTL/3: 15 rounds outlast 5 TTLs.
      await waitFor('15 renewal rounds', () => metrics.renewals.renewed >= 15 * guilds.length, { timeoutMs: 20_000 });
      assert.ok(performance.now() - t0 >= 4 * ttlMs, 'the leases outlived several TTLs');
      assert.deepEqual(lost, []);
      for (const lease of leases) {
        assert.equal(await client.get(guildKeys(lease.guild).player_lock), lease.value);
        assert.ok(lease.deadline > firstDeadline);
      }
      assert.deepEqual(metrics.claims, { claimed: 3, held: 0 });
      for (const g of guilds) assert.deepEqual(await keeper.release(g), { kind: 'released' });
      assert.equal(keeper.size, 0);
      assert.equal(await client.exists(...guilds.map((g) => guildKeys(g).player_lock)), 0);
      keeper.stop();
    });

    it("reports 'taken' once when the lock is overwritten, and keeps the others", async () => {
      const clock = new ManualClock();
      const ttlMs = 3000;
      const { metrics, lost, client, keeper } = keeperWith(clock, ttlMs, 'keeper-taken');
      const [g1, g2] = [newGuild(), newGuild()];
      const [, lease2] = await claimAll(keeper, [g1!, g2!]);
      await client.set(guildKeys(g1!).player_lock, 'intruder:1', 'PX', 60_000);
      await clock.advance(ttlMs / 3);
      await waitFor('the loss to be reported', () => lost.length === 1);
      assert.deepEqual(lost[0], { guild: g1, reason: 'taken', at: ttlMs / 3 });
      for (let round = 2; round <= 6; round++) {
        await clock.advance(ttlMs / 3);
        await waitFor(`renewal round ${round}`, () => metrics.renewals.renewed >= round);
      }
      assert.equal(lost.length, 1);
      assert.deepEqual(metrics.losses, { taken: 1, expired: 0 });
      assert.equal(keeper.get(g1!), undefined);
      assert.equal(keeper.get(g2!), lease2);
      assert.equal(await client.get(guildKeys(g2!).player_lock), lease2!.value);
      assert.equal(clock.pendingTimers(), 1);
      keeper.stop();
      assert.equal(clock.pendingTimers(), 0);
    });

    it('an onLost that throws is logged with its stack, and the other leases are still renewed', async () => {
      const clock = new ManualClock();
      const ttlMs = 3000;
      const metrics = new CountingMetrics();
      const client = redis.current.client();
      const errors: string[] = [];
      const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
      const leases = new LeaseClient(client, clock, { instance: 'keeper-throws', ttlMs, metrics });
      const keeper = new LeaseKeeper(leases, clock, {
        onLost: () => {
          throw new Error('bug in the loss handler');
        },
        log,
      });
      const [g1, g2] = [newGuild(), newGuild()];
      const [, lease2] = await claimAll(keeper, [g1!, g2!]);
      await client.set(guildKeys(g1!).player_lock, 'intruder:1', 'PX', 60_000);
      await clock.advance(ttlMs / 3);
      await waitFor('the throw to be logged', () => errors.length === 1);
      assert.match(errors[0] ?? '', /"msg":"the lease-loss handler threw"/);
      assert.match(errors[0] ?? '', /"stack":"Error: bug in the loss handler/, 'logged as { err }, with its stack');
      await clock.advance(ttlMs / 3);
      await waitFor('the next round', () => metrics.renewals.renewed >= 2);
      assert.equal(keeper.get(g2!), lease2, 'the other lease is still held and renewed');
      keeper.stop();
    });

    it('renews 10,000 leases in one pipeline round', async function () {
      this.timeout(30_000);
      const clock = new ManualClock();
      const ttlMs = 6000;
      const { metrics, lost, keeper } = keeperWith(clock, ttlMs, 'keeper-many');
      const guilds = Array.from({ length: 10_000 }, (_, i) => String(1_000_000 + i));
      await claimAll(keeper, guilds);
      assert.equal(keeper.size, 10_000);
      assert.equal(clock.pendingTimers(), 1);
      const t0 = performance.now();
      await clock.advance(ttlMs / 3);
      await waitFor('10,000 renewals', () => metrics.renewals.renewed === 10_000, { timeoutMs: 20_000 });
      const roundMs = performance.now() - t0;
      assert.deepEqual(lost, []);
      assert.ok(keeper.guilds().every((g) => keeper.get(g)!.deadline === ttlMs / 3 + ttlMs - leasesDrift(ttlMs)));
      console.log(`      one renewal round of 10,000 leases took ${Math.round(roundMs)} ms`);
      keeper.stop();
    });
  });

  describe('LeaseKeeper without Redis', () => {
    const dedicated = useRedis({ dedicated: true });

    it("reports 'expired' once per lease when Redis is unreachable, before the lock could expire", async function () {
      this.timeout(30_000);
      const clock = new ManualClock();
      const ttlMs = 3000;
      const metrics = new CountingMetrics();
      const lost: { guild: string; reason: LossReason; at: number }[] = [];
      const client = dedicated.current.client();
      // The keeper's own connection fails commands as the bot's does (a bounded retry), so the failing
      // rounds are seen as failures rather than waiting forever.
      const failing = connectRedis(urlEndpoint(dedicated.current.url), { maxRetriesPerRequest: 1 });
      failing.on('error', () => {}); // refused connections while Redis is down are what this test is about
      const leases = new LeaseClient(failing, clock, { instance: 'keeper-offline', ttlMs, metrics });
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      const keeper = new LeaseKeeper(leases, clock, { onLost: (guild, reason) => lost.push({ guild, reason, at: clock.monotonic() }), log });
      const [g1, g2] = [newGuild(), newGuild()];
      for (const g of [g1, g2]) assert.equal((await keeper.claim(g!)).kind, 'claimed');
      await clock.advance(ttlMs / 3);
      await waitFor('a first renewal round', () => metrics.renewals.renewed === 2);

      await dedicated.current.stop();
      await clock.advance(ttlMs);
      assert.deepEqual(
        lost.map((l) => [l.guild, l.reason]),
        [
          [g1, 'expired'],
          [g2, 'expired'],
        ],
      );
      // Reported at the deadline of the last successful renewal, before its lock could expire in Redis.
      for (const l of lost) assert.ok(l.at < ttlMs / 3 + ttlMs, `reported at ${l.at}`);
      await waitFor('the failing rounds to be reported', () => warnings.some((l) => l.includes('lease renewals failing')), { timeoutMs: 10_000 });
      assert.equal(warnings.filter((l) => l.includes('lease renewals failing')).length, 1, 'several failing rounds, one warning for the incident');
      assert.equal(keeper.size, 0);

      await clock.advance(5 * ttlMs);
      await dedicated.current.start();
      // Commands queued while Redis was down are answered in order, before this ping.
      await waitFor('the client to reconnect', async () => (await client.ping()) === 'PONG', { timeoutMs: 10_000 });
      await clock.advance(5 * ttlMs);
      assert.equal(lost.length, 2);
      assert.deepEqual(metrics.losses, { taken: 0, expired: 2 });
      keeper.stop();
      failing.disconnect();
    });
  });
});

function leasesDrift(ttlMs: number): number {
  return Math.ceil(ttlMs * 0.01) + 2;
}
