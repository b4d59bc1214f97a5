/**
 * The Player's decision table (DESIGN.md §4), row by row, against the fake voice port: for each
 * desired state and each thing the guild's play can be doing, the one step the reconciler takes.
 * The engine behind the real port is tested on its own (test/voice); here a play is answered and ended
 * by hand.
 */
import { strict as assert } from 'node:assert';
import { settle } from '../../src/clock';
import { DEFAULT_SETTINGS } from '../../src/state';
import { CHANNEL, GUILD } from './fakes';
import { harness, playHead } from './harness';

describe('player reconciler: the decision table', () => {
  it('audio wanted, no voice: joins the channel, then plays the head from its start', async () => {
    const h = harness();
    h.world.track('a');
    await h.reconcile();
    const voice = h.voice.current();
    assert.deepEqual(voice.joins, [CHANNEL]);
    assert.equal(voice.lastPlay().spec.startMs, 0);
    assert.equal(voice.lastPlay().spec.volumePercent, 100);
    assert.equal(h.reconciler.held().get(GUILD)?.playback.kind, 'starting');
  });

  it('a claim no replica confirmed is not acted on: no join, no play, tried again after TTL/3; a confirmed one plays', async () => {
    const h = harness();
    h.world.track('a');
    h.leases.unconfirmed = true;
    const first = await h.reconcile();
    assert.equal(h.voice.joins(), 0, 'no voice joined on an unconfirmed claim');
    assert.equal(h.reconciler.held().size, 0);
    assert.ok(first.requeueAfterMs !== undefined && first.requeueAfterMs > 0, 'tried again later');
    h.leases.unconfirmed = false;
    await h.reconcile();
    assert.deepEqual(h.voice.current().joins, [CHANNEL], 'the confirmed claim joins');
  });

  it('a voice connection still joining is waited for, and dropped and joined again after the join timeout', async () => {
    const h = harness({ joinTimeoutMs: 2000 });
    h.world.track('a');
    await h.reconcile();
    const voice = h.voice.current();
    voice.lastPlay().answer();
    await settle();
    voice.setLink('joining');
    const waiting = await h.reconcile();
    assert.equal(waiting.requeueAfterMs, 2000, 'waits out the join timeout');
    assert.equal(voice.joins.length, 1);
    await h.clock.advance(2000);
    await h.reconcile();
    assert.equal(voice.joins.length, 2, 'joined again');
  });

  it('a start that opens plays and writes status playing at its start position; one that is unplayable is quarantined and announced', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('bad');
    const play = await playHead(h);
    assert.equal(h.world.status?.state, 'playing');
    assert.equal(h.world.status?.trackId, 'a');
    assert.equal(h.counted.started, 1);
    play.finish();
    await h.reconcile();
    assert.deepEqual(h.counted.ended, ['finished']);
    assert.equal(h.world.playlist.length, 1, 'a advanced');
    await h.reconcile();
    h.voice.current().lastPlay().answer({ kind: 'unplayable', reason: 'not audio' });
    await settle();
    await h.reconcile();
    assert.equal(h.world.quarantined.length, 1, 'bad quarantined');
    assert.equal(h.counted.unplayable, 1, 'the members were told');
    assert.equal(h.world.playlist.length, 0);
  });

  it('a play that fails mid-track is quarantined, not advanced past silently', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.finish({ kind: 'failed', reason: 'the download failed' });
    await h.reconcile();
    assert.equal(h.world.quarantined.length, 1);
    assert.deepEqual(h.counted.ended, ['failed']);
  });

  it('a live stream that went off the air is finished, not quarantined: the queue advances and the members are told why', async () => {
    const h = harness();
    h.world.track('live');
    h.world.track('next');
    const play = await playHead(h);
    play.finish({ kind: 'finished', streamEnded: 'the stream ended' });
    await h.reconcile();
    assert.deepEqual(h.counted.ended, ['finished']);
    assert.equal(h.world.quarantined.length, 0);
    assert.equal(h.world.playlist.length, 1, 'the live track advanced');
    assert.match(h.world.playlist[0] ?? '', /"id":"next"/);
    assert.deepEqual(h.counted.streamEnded, ['the stream ended']);
    assert.equal(h.counted.unplayable, 0);
  });

  it('an ordinary finish tells nobody', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.finish();
    await h.reconcile();
    assert.deepEqual(h.counted.streamEnded, []);
  });

  it('paused while playing: the play is stopped and the position written; playing again opens at that position', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.position = 42_000;
    h.world.state = 'paused';
    await h.reconcile();
    assert.ok(play.stopped, 'a paused guild holds no stream');
    assert.equal(h.world.status?.state, 'paused');
    assert.equal(h.world.status?.positionMs, 42_000);
    h.world.state = 'playing';
    await h.reconcile();
    const resumed = h.voice.current().lastPlay();
    assert.notEqual(resumed, play);
    assert.equal(resumed.spec.startMs, 42_000);
  });

  it('paused while its engine still sends (a worker reports positions late): the status is corrected to where the audio really stopped, and playing again waits for that', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.silenceByHand = true;
    play.position = 42_000; // the last position the engine reported
    h.world.state = 'paused';
    await h.reconcile();
    assert.ok(play.stopped);
    assert.equal(h.world.status?.positionMs, 42_000, 'the last reported position, at once');
    h.world.state = 'playing';
    const early = await h.reconcile();
    assert.equal(h.voice.current().lastPlay(), play, 'no new play while the stopped one may still be sending');
    assert.ok(early.requeueAfterMs !== undefined && early.requeueAfterMs > 0, 'a backstop requeue while it stops');
    play.position = 42_180; // what it really sent before its silence
    play.finish({ kind: 'stopped' });
    assert.ok(h.pokes.length > 0, 'the end pokes the guild');
    await h.reconcile();
    const resumed = h.voice.current().lastPlay();
    assert.notEqual(resumed, play);
    assert.equal(resumed.spec.startMs, 42_180, 'resumed where the audio stopped, not where it was last reported');
  });

  it('a paused guild rewrites its status once the stopped play has ended, with the exact position', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.silenceByHand = true;
    play.position = 10_000;
    h.world.state = 'paused';
    await h.reconcile();
    assert.equal(h.world.status?.positionMs, 10_000);
    play.position = 10_140;
    play.finish({ kind: 'stopped' });
    await h.reconcile();
    assert.equal(h.world.status?.state, 'paused');
    assert.equal(h.world.status?.positionMs, 10_140);
  });

  it('a track its source refused plays from another: announced once, and every status names where it plays from', async () => {
    const h = harness();
    h.world.track('a');
    await h.reconcile();
    h.voice.current().lastPlay().answer({ kind: 'playing', path: 'transcoded', via: { source: 'soundcloud', label: 'SoundCloud', because: 'YouTube refused it (LOGIN_REQUIRED)' } });
    await settle();
    assert.deepEqual(h.counted.elsewhere, ['SoundCloud']);
    assert.deepEqual(h.world.status?.playedFrom, { source: 'soundcloud', label: 'SoundCloud' });
    h.voice.current().lastPlay().position = 5000;
    await h.reconciler.checkpoint();
    assert.equal(h.world.status?.positionMs, 5000);
    assert.deepEqual(h.world.status?.playedFrom, { source: 'soundcloud', label: 'SoundCloud' }, 'checkpoints keep it');
  });

  it('a mirrored track (no refusal behind it) is not announced, but its status names the source', async () => {
    const h = harness();
    h.world.track('a');
    await h.reconcile();
    h.voice.current().lastPlay().answer({ kind: 'playing', path: 'passthrough', via: { source: 'youtube', label: 'YouTube' } });
    await settle();
    assert.deepEqual(h.counted.elsewhere, []);
    assert.deepEqual(h.world.status?.playedFrom, { source: 'youtube', label: 'YouTube' });
  });

  it('a skip (the head changed) stops the play and starts the new head', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('b');
    const play = await playHead(h);
    h.world.playlist.shift();
    await h.reconcile();
    assert.ok(play.stopped);
    assert.equal(h.voice.current().lastPlay().spec.track.url, 'https://media.example/b.ogg');
  });

  it('a handover waits until the stopped play is silent before it lets go of the lock', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('b');
    const play = await playHead(h);
    play.silenceByHand = true;
    h.reconciler.startDraining();
    h.world.playlist.shift(); // a skip during the drain: b is the next owner's
    const reconciling = h.reconcile();
    await settle();
    assert.ok(play.stopped);
    assert.notEqual(h.world.lock, undefined, 'the lock is held while the stopped play still sends its silence');
    play.finish({ kind: 'stopped' });
    await reconciling;
    assert.equal(h.world.lock, undefined, 'released once it was silent');
    assert.equal(h.counted.handedOver, 1);
  });

  it('a volume change restarts the play where the listener is, at the new volume', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.position = 10_000;
    h.world.settings = { ...DEFAULT_SETTINGS, volume: 50 };
    await h.reconcile();
    assert.ok(play.stopped);
    const again = h.voice.current().lastPlay();
    assert.equal(again.spec.volumePercent, 50);
    assert.equal(again.spec.startMs, 10_000);
  });

  it('a play interrupted by its engine (a voice worker died) starts again at its position, without advancing', async () => {
    const h = harness();
    h.world.track('a');
    const play = await playHead(h);
    play.position = 61_000;
    play.finish({ kind: 'interrupted' });
    await h.reconcile();
    assert.equal(h.world.playlist.length, 1, 'not advanced');
    assert.deepEqual(h.counted.ended, [], 'not counted as an ended track');
    const again = h.voice.current().lastPlay();
    assert.notEqual(again, play);
    assert.equal(again.spec.startMs, 61_000);
    assert.ok(h.lines.some((l) => l.msg === 'playback interrupted: starting again at the position'));
  });

  it('an open the engine gave up without being asked (its worker died) starts again at the same position', async () => {
    const h = harness();
    h.world.track('a');
    h.world.status = { instance: 'other', epoch: 0, trackId: 'a', positionMs: 30_000, state: 'playing', updatedAt: 0 };
    await h.reconcile();
    const first = h.voice.current().lastPlay();
    assert.equal(first.spec.startMs, 30_000, 'resumes where the last owner checkpointed');
    first.answer({ kind: 'cancelled' });
    await settle();
    assert.equal(h.reconciler.held().get(GUILD)?.playback.kind, 'interrupted');
    await h.reconcile();
    const second = h.voice.current().lastPlay();
    assert.notEqual(second, first);
    assert.equal(second.spec.startMs, 30_000);
  });

  it('stopped: the play is stopped, status stopped, and the channel left after the idle timeout', async () => {
    const h = harness({ idleTimeoutMs: 2000 });
    h.world.track('a');
    const play = await playHead(h);
    h.world.state = 'stopped';
    const waiting = await h.reconcile();
    assert.ok(play.stopped);
    assert.equal(h.world.status?.state, 'stopped');
    assert.equal(waiting.requeueAfterMs, 2000);
    assert.equal(h.voice.current().leaves, 0);
    await h.clock.advance(2000);
    await h.reconcile();
    assert.equal(h.voice.current().leaves, 1, 'left with the leave payload');
    assert.equal(h.reconciler.held().size, 0, 'and let the guild go');
  });

  it('24/7 (stay) with nothing to play: stays in the channel', async () => {
    const h = harness({ idleTimeoutMs: 1000 });
    h.world.settings = { ...DEFAULT_SETTINGS, stay: true };
    h.world.state = 'stopped';
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 1, 'a 24/7 guild is claimed with nothing to play');
    assert.deepEqual(h.voice.current().joins, [CHANNEL]);
    await h.clock.advance(2000);
    await h.reconcile();
    assert.equal(h.voice.current().leaves, 0, 'never leaves on idle');
    assert.equal(h.voice.current().plays.length, 0);
  });

  it('a corrupt head is quarantined before anything plays', async () => {
    const h = harness();
    h.world.playlist.push('{not json');
    h.world.track('b');
    await h.reconcile();
    assert.equal(h.world.quarantined.length, 1);
    await h.reconcile();
    assert.equal(h.voice.current().lastPlay().spec.track.url, 'https://media.example/b.ogg');
  });

  it('no channel and nothing held: nothing is claimed', async () => {
    const h = harness();
    h.world.track('a');
    h.world.channel = undefined;
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 0);
    assert.equal(h.leases.claims, 0);
  });

  it('first packets of a track answering a command are timed; a resume is not', async () => {
    const h = harness();
    h.world.track('a', { addedAt: h.clock.now() });
    const play = await playHead(h);
    h.voice.current().events.firstPacket();
    assert.equal(h.counted.firstPackets, 1);
    play.position = 5000;
    h.world.state = 'paused';
    await h.reconcile();
    h.world.state = 'playing';
    await h.reconcile();
    h.voice.current().lastPlay().answer();
    await settle();
    h.voice.current().events.firstPacket();
    assert.equal(h.counted.firstPackets, 1, 'the resume at 5 s was not timed');
  });
});
