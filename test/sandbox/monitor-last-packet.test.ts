import assert from 'node:assert/strict';
import { GuildAudioMonitor } from '../../src/sandbox/audio/monitor';
import type { AudioPacketEvent } from '../../src/sandbox/audio/types';

const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
/** Any non-silence payload is counted as audio; decoding is off, so it need not be real Opus. */
const AUDIO = Buffer.from([0xfc, 0x01, 0x02, 0x03]);

function packet(sessionId: string, receivedAtMs: number, opus: Buffer | undefined, stale = false): AudioPacketEvent {
  return { guildId: 'g', sessionId, receivedAtMs, sequence: 0, timestamp: 0, ssrc: 1, opus, stale };
}

describe('sandbox audio monitor: the last packet of each session', () => {
  it('records the last arrival of audio, silence and stale packets per session, not of undecryptable ones', () => {
    const m = new GuildAudioMonitor('g', { decodeEvery: 'none' });
    m.onPacket(packet('a', 100, AUDIO));
    m.onPacket(packet('a', 120, SILENCE));
    m.onPacket(packet('old', 130, AUDIO, true));
    m.onPacket(packet('old', 900, AUDIO, true));
    m.onPacket(packet('b', 1000, AUDIO));
    m.onPacket(packet('b', 2000, undefined));
    const st = m.stats();
    assert.deepEqual(st.lastPacketBySession, { a: 120, old: 900, b: 1000 });
    assert.deepEqual(st.staleBySession, { old: 2 });
    m.reset();
    assert.deepEqual(m.stats().lastPacketBySession, {});
  });
});
