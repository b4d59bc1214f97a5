/**
 * The Player's side of autoplay, against the fakes: when the queue runs out with autoplay on, the lease
 * holder asks autoplay once (in the background), keeps the guild while it looks, plays what it queued,
 * asks again later after an outcome that queued nothing, and lets go of a lease autoplay found lost.
 */
import { strict as assert } from 'node:assert';
import type { AutoplayOutcome, AutoplayRequest, Autoplayer } from '../../src/autoplay';
import { settle } from '../../src/clock';
import { DEFAULT_SETTINGS } from '../../src/state';
import { CHANNEL, GUILD } from './fakes';
import { harness, playHead, type Harness } from './harness';

class FakeAutoplayer implements Autoplayer {
  readonly calls: { request: AutoplayRequest; signal: AbortSignal; answer: (o: AutoplayOutcome) => void }[] = [];
  follow(request: AutoplayRequest, signal: AbortSignal): Promise<AutoplayOutcome> {
    return new Promise((resolve) => this.calls.push({ request, signal, answer: resolve }));
  }
  last() {
    const call = this.calls.at(-1);
    assert.ok(call !== undefined, 'autoplay was asked');
    return call;
  }
}

/** Plays track `a` to its end with autoplay on; returns once the queue has run out and the Player reconciled it. */
async function ranOut(autoplay: boolean): Promise<{ h: Harness; ap: FakeAutoplayer }> {
  const ap = new FakeAutoplayer();
  const h = harness({ idleTimeoutMs: 1000 }, ap);
  h.world.settings = { ...DEFAULT_SETTINGS, autoplay };
  h.world.track('a');
  const play = await playHead(h);
  play.finish();
  await settle();
  await h.reconcile(); // the end: advance
  assert.deepEqual(h.world.playlist, []);
  await h.reconcile(); // the queue ran out
  return { h, ap };
}

describe('player: autoplay when the queue runs out', () => {
  it('asks autoplay once under the lease, keeps the guild while it looks, and plays what it queued', async () => {
    const { h, ap } = await ranOut(true);
    assert.equal(ap.calls.length, 1);
    const { request } = ap.last();
    assert.equal(request.guild, GUILD);
    assert.equal(request.channel, CHANNEL);
    assert.equal(request.lease.value, h.world.lock, 'with the lease it holds');
    await h.clock.advance(1500); // past the idle timeout, inside the lease
    await h.reconcile();
    assert.equal(ap.calls.length, 1, 'not asked twice while it looks');
    assert.equal(h.reconciler.held().size, 1, 'the guild is kept past the idle timeout while autoplay looks');
    assert.equal(h.voice.current().leaves, 0);
    h.world.track('related');
    ap.last().answer({ kind: 'queued', followed: 'a' });
    await settle();
    assert.ok(h.pokes.includes(GUILD), 'its answer pokes the guild');
    await h.reconcile();
    assert.equal(h.voice.current().lastPlay().spec.track.url, 'https://media.example/related.ogg');
  });

  it('an empty guild no instance holds, whose last track autoplay has still to follow (a crashed owner): claimed and asked', async () => {
    const ap = new FakeAutoplayer();
    const h = harness({}, ap);
    h.world.settings = { ...DEFAULT_SETTINGS, autoplay: true };
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 0, 'followed already (isIdle): not claimed');
    h.world.autoplayDue = true;
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 1, 'claimed');
    assert.equal(ap.calls.length, 1, 'autoplay asked');
  });

  it('autoplay off: never asked, and the guild idles out as before', async () => {
    const { h, ap } = await ranOut(false);
    await h.clock.advance(2000);
    await h.reconcile();
    assert.equal(ap.calls.length, 0);
    assert.equal(h.voice.current().leaves, 1);
  });

  it('nothing queued (no listeners): not asked again at once, but after 30 s if the guild is still here', async () => {
    const { h, ap } = await ranOut(true);
    ap.last().answer({ kind: 'no-listeners', followed: 'a' });
    await settle();
    assert.ok(h.delayed.some((d) => d.guild === GUILD && d.ms === 30_000), 'asked again in 30 s');
    await h.reconcile();
    assert.equal(ap.calls.length, 1, 'not asked again at once');
  });

  it('a lease autoplay found lost is let go through the one loss path', async () => {
    const { h, ap } = await ranOut(true);
    ap.last().answer({ kind: 'lease-lost', followed: 'a' });
    await settle();
    assert.equal(h.reconciler.held().size, 0);
    assert.deepEqual(h.counted.lost, ['taken']);
  });

  it('losing the guild while autoplay looks aborts the lookup', async () => {
    const { h, ap } = await ranOut(true);
    h.world.lock = 'other:99';
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 0);
    assert.ok(ap.last().signal.aborted);
  });
});
