/**
 * Filters in the Player's decisions, against the fake voice port: a filter change restarts the play
 * where the listener is (as a volume change does), every play carries the guild's filters, and under
 * speed or rate the position is counted in track time, so status, pause, resume and failover agree.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/state';
import { harness, playHead } from './harness';

describe('player reconciler: filters', () => {
  it('a filter change restarts the play at the position, with the new filters; the same filters again change nothing', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    assert.deepEqual(play.spec.filters, {}, 'none yet');
    play.position = 10_000;
    h.world.settings = { ...DEFAULT_SETTINGS, filters: { karaoke: true } };
    await h.reconcile();
    assert.ok(play.stopped);
    const again = h.voice.current().lastPlay();
    assert.deepEqual(again.spec.filters, { karaoke: true });
    assert.equal(again.spec.startMs, 10_000);
    again.answer();
    await h.reconcile();
    h.world.settings = { ...DEFAULT_SETTINGS, filters: { karaoke: true } };
    await h.reconcile();
    assert.equal(again.stopped, false, 'equal filters (a fresh object) are no change');
    assert.equal(h.plays(), 2);
  });

  it('under nightcore (rate 1.25) 8 s heard is 10 s of track: the checkpoint, the restart and a pause all say 10 s', async () => {
    const h = harness();
    h.world.settings = { ...DEFAULT_SETTINGS, filters: { nightcore: true } };
    h.world.track('a');
    const play = await playHead(h);
    assert.deepEqual(play.spec.filters, { nightcore: true }, 'the first play already has them');
    play.position = 8000;
    await h.reconciler.checkpoint();
    assert.equal(h.world.status?.positionMs, 10_000);

    h.world.settings = { ...DEFAULT_SETTINGS, filters: { speed: 2 } };
    await h.reconcile();
    const faster = h.voice.current().lastPlay();
    assert.equal(faster.spec.startMs, 10_000, 'restarts at the track position, not at what was heard');
    faster.answer();
    await h.reconcile();
    faster.position = 3000;
    h.world.state = 'paused';
    await h.reconcile();
    assert.ok(faster.stopped);
    faster.finish({ kind: 'stopped' });
    await h.reconcile();
    assert.equal(h.world.status?.state, 'paused');
    assert.equal(h.world.status?.positionMs, 16_000, '10 s + 3 s heard at speed 2');
  });

  it('filters off plays the rest with none (the engine then passes Opus straight through)', async () => {
    const h = harness();
    h.world.settings = { ...DEFAULT_SETTINGS, filters: { vaporwave: true } };
    h.world.track('a');
    const play = await playHead(h);
    play.position = 5000;
    h.world.settings = DEFAULT_SETTINGS;
    await h.reconcile();
    const plain = h.voice.current().lastPlay();
    assert.deepEqual(plain.spec.filters, {});
    assert.equal(plain.spec.startMs, 4000, '5 s heard at 0.8');
  });
});
