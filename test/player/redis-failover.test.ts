/**
 * A Sentinel failover under load (issue 18's "Done when"): a primary, a replica and three Sentinels, all real
 * redis-server processes; two hiqty instances in Sentinel mode playing 3 guilds; SIGKILL of the primary.
 * Sentinel promotes the replica; each guild keeps playing or resumes at its position; no guild hears two
 * instances for longer than the README's bound; the enqueues acknowledged before the failover are counted
 * in the new primary's queue. The figures are printed here and measured by `make bench` (section 13).
 */
import { strict as assert } from 'node:assert';
import { runFailover } from '../support/redis-failover';
import { Stage } from '../support/stage';

/** The default lock TTL: a Sentinel failover (down-after 1 s) then passes within one lease. */
const TTL_MS = 5000;
/** README, "Redis failover": the longest two instances may send into one guild at once, with WAIT on. */
const OVERLAP_BOUND_MS = 200;

describe('player: a Sentinel failover while two instances play 3 guilds', function () {
  this.timeout(120_000);
  let stage: Stage | undefined;
  Stage.dumpOnFailure(() => stage);

  it('each guild plays on at its position, no two instances overlap past the bound, acknowledged enqueues are counted', async () => {
    const f = await runFailover({ guilds: 3, lockTtlMs: TTL_MS, toneMs: 8000, killAfterMs: 2000, onStage: (s) => (stage = s) });
    console.log(`      failover (SIGKILL to a new primary named by the Sentinels): ${Math.round(f.failoverMs)} ms`);
    for (const g of f.guilds) {
      console.log(`      guild ${g.guild}: interruption ${Math.round(g.interruptionMs)} ms, position error ${g.positionErrorMs} ms, longest overlap ${g.longestOverlapMs} ms, ${g.sessions} instance(s) heard`);
    }
    console.log(`      acknowledged enqueues: ${f.acknowledgedBeforeKill} before the kill, ${f.acknowledgedAfterKill} after it; lost in the failover: ${f.lost.length} (README: not waited for)`);

    assert.ok(f.promotedReplica, 'Sentinel promoted the replica');
    for (const g of f.guilds) {
      assert.ok(Math.abs(g.positionErrorMs) <= 1000, `guild ${g.guild} played ${g.positionErrorMs} ms off its position`);
      // Within 2 × TTL + the failover time; generously, the figure itself is the bench's.
      assert.ok(g.interruptionMs <= 2 * TTL_MS + f.failoverMs + 5000, `guild ${g.guild} was silent ${Math.round(g.interruptionMs)} ms`);
      // The bound, asserted with room for a loaded machine (the figure goes to the bench).
      assert.ok(g.longestOverlapMs <= 3 * OVERLAP_BOUND_MS, `guild ${g.guild} heard two instances at once for ${g.longestOverlapMs} ms`);
    }
    // What the guarantee allows to be lost: writes the replica had not received when the primary died. Those
    // acknowledged more than 5 enqueues (over 100 ms) before the kill had long been replicated.
    const early = f.lost.filter((i) => i < f.acknowledgedBeforeKill - 5);
    assert.deepEqual(early, [], 'enqueues acknowledged well before the kill were lost');
  });
});
