import { strict as assert } from 'node:assert';
import { desireOf } from '../../controllers/player/desire';
import { DEFAULT_SETTINGS, type GuildSnapshot } from '../../src/state';

const track = { id: 'a', url: 'https://example.org/a.ogg' };
function snapshot(over: Partial<GuildSnapshot>): GuildSnapshot {
  return {
    guild: '1',
    playlist: [track],
    head: { kind: 'track', raw: JSON.stringify(track), track },
    playlistLength: 1,
    state: 'playing',
    channel: '2',
    textChannel: undefined,
    settings: DEFAULT_SETTINGS,
    lock: undefined,
    lockTtlMs: undefined,
    epoch: 0,
    status: undefined,
    quarantineLength: 0,
    ...over,
  };
}

describe('player: what desired state asks for', () => {
  it("reads only the head, so the head form of a 10,000-track queue (snapshot(g, { queue: 'head' })) asks the same", () => {
    const second = { id: 'b', url: 'https://example.org/b.ogg' };
    const whole = desireOf(snapshot({ playlist: [track, second], playlistLength: 10_000 }));
    const head = desireOf(snapshot({ playlist: [track], playlistLength: 10_000 }));
    assert.deepEqual(head, whole);
    // Not even the decoded list: the head entry alone decides.
    assert.deepEqual(desireOf(snapshot({ playlist: [], playlistLength: 10_000 })), whole);
  });
  it('asks for the head, from the start, in the channel', () => {
    const d = desireOf(snapshot({}));
    assert.equal(d.kind, 'audio');
    if (d.kind === 'audio') {
      assert.equal(d.head.track.id, 'a');
      assert.equal(d.channel, '2');
      assert.equal(d.paused, false);
      assert.equal(d.resumeAtMs, 0);
    }
  });
  it('resumes at the checkpointed position when the status names the head', () => {
    const status = { instance: 'x', epoch: 3, trackId: 'a', positionMs: 61_500, state: 'playing' as const, updatedAt: 1 };
    const d = desireOf(snapshot({ status }));
    assert.ok(d.kind === 'audio' && d.resumeAtMs === 61_500);
    const other = desireOf(snapshot({ status: { ...status, trackId: 'b' } }));
    assert.ok(other.kind === 'audio' && other.resumeAtMs === 0);
  });
  it("starts a seeked entry at its startMs", () => {
    const seeked = { ...track, id: 'c', startMs: 83_000 };
    const d = desireOf(snapshot({ head: { kind: 'track', raw: JSON.stringify(seeked), track: seeked } }));
    assert.ok(d.kind === 'audio' && d.resumeAtMs === 83_000);
  });
  it('is silent when stopped, empty or without a channel, and stays only with `stay`', () => {
    assert.deepEqual(desireOf(snapshot({ state: 'stopped' })), { kind: 'silence', why: 'stopped', stayIn: undefined });
    assert.deepEqual(desireOf(snapshot({ head: undefined, playlist: [] })), { kind: 'silence', why: 'empty', stayIn: undefined });
    assert.deepEqual(desireOf(snapshot({ channel: undefined })), { kind: 'silence', why: 'no-channel', stayIn: undefined });
    assert.deepEqual(desireOf(snapshot({ head: undefined, settings: { ...DEFAULT_SETTINGS, stay: true } })), { kind: 'silence', why: 'empty', stayIn: '2' });
  });
  it('asks for a corrupt head to be quarantined before anything plays', () => {
    const d = desireOf(snapshot({ head: { kind: 'corrupt', raw: '{oops', reason: 'not JSON' } }));
    assert.deepEqual(d, { kind: 'quarantine-head', raw: '{oops', reason: 'not JSON' });
  });
  it('pauses', () => {
    const d = desireOf(snapshot({ state: 'paused' }));
    assert.ok(d.kind === 'audio' && d.paused);
  });
});
