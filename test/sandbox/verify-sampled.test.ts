/**
 * Sampled verification (src/sandbox/verify.ts): every packet is counted and timed, only packets in a
 * stream's sampled windows are decrypted, and what those windows find is still reported: a packet
 * that does not authenticate (a wrong transport key), a DAVE frame no listener can decrypt, and a
 * member's transport-only frame are caught when they fall inside a window.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readOggOpusFrames } from '../../src/sandbox/fixtures/opus-frames';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startSandbox, trustSandboxCa, type Sandbox, type VoiceStats } from '../../src/sandbox';
import { checkVerifyMode, inSampledWindow } from '../../src/sandbox/verify';
import { waitFor } from '../support/wait';
import { rawSession, rawVoice, type RawSession, type RawVoice } from './raw-client';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-sandbox-verify-'));
/** Half of every 100 ms decrypted: 80 packets 10 ms apart cross eight windows and eight gaps between them. */
const VERIFY = { sampleEveryMs: 100, windowMs: 50 } as const;
const PACKETS = 80;
const PACE_MS = 10;

describe('sandbox: sampled verification', function () {
  this.timeout(30_000);
  let sb: Sandbox | undefined;
  const voices: RawVoice[] = [];
  const sessions: RawSession[] = [];

  afterEach(async () => {
    for (const v of voices.splice(0)) v.close();
    for (const s of sessions.splice(0)) s.close();
    await sb?.stop();
    sb = undefined;
  });

  it('staggers the windows of consecutive SSRCs and refuses a window longer than its period', () => {
    const mode = { sampleEveryMs: 10_000, windowMs: 1000 };
    assert.equal(inSampledWindow(mode, 0, 500), true);
    assert.equal(inSampledWindow(mode, 0, 1500), false);
    assert.equal(inSampledWindow(mode, 1, 500), false);
    assert.equal(inSampledWindow(mode, 1, 1500), true);
    assert.equal(inSampledWindow(mode, 10, 500), true, 'SSRC 10 wraps round to the first window');
    assert.throws(() => checkVerifyMode({ sampleEveryMs: 100, windowMs: 200 }), /windowMs must be in/);
  });

  async function member(dave: boolean): Promise<{ s: Sandbox; voice: RawVoice; guildId: string; frames: Buffer[] }> {
    const s = (sb = await startSandbox({ dave: dave ? 'required' : 'off', verify: VERIFY }));
    trustSandboxCa(s.caCertPem);
    const guild = s.guilds[0];
    assert.ok(guild?.voiceChannels[0]);
    const session = await rawSession(s);
    sessions.push(session);
    const voice = await rawVoice(session, guild.id, guild.voiceChannels[0].id, { dave });
    voices.push(voice);
    if (dave) await voice.dave?.executed;
    const frames = await readOggOpusFrames(await makeTone({ hz: 440, durationMs: 2000, format: 'ogg-opus', dir: FIXTURES }));
    return { s, voice, guildId: guild.id, frames };
  }

  /** Sends `PACKETS` frames paced 10 ms apart (arrival times decide the windows), then waits until all are accounted for. */
  async function stream(s: Sandbox, voice: RawVoice, guildId: string, frames: readonly Buffer[], send: (voice: RawVoice, frame: Buffer) => void): Promise<VoiceStats> {
    for (let i = 0; i < PACKETS; i++) {
      send(voice, frames[i % frames.length] ?? Buffer.from([0xfc]));
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    await voice.sent();
    return waitFor('every packet counted or refused', () => {
      const st = s.voiceStats(guildId, { flush: false });
      return st.frames + st.decryptFailures === PACKETS ? st : undefined;
    });
  }

  it('counts every packet, decrypts and checks DAVE only in the windows', async () => {
    const { s, voice, guildId, frames } = await member(true);
    const st = await stream(s, voice, guildId, frames, (v, f) => v.send(f));
    assert.equal(st.frames, PACKETS, 'every packet counted as a frame');
    assert.ok(st.unverifiedFrames > 0 && st.unverifiedFrames < PACKETS, `some but not all unverified: ${st.unverifiedFrames}`);
    assert.equal(st.decryptFailures, 0);
    assert.equal(st.e2eeFailures, 0);
    assert.equal(st.unencrypted, 0);
    assert.equal(st.dave?.e2eeFrames, PACKETS - st.unverifiedFrames, 'the DAVE listener decrypted exactly the sampled frames');
    assert.ok(st.windows.every((w) => !w.decoded || w.hz === undefined || Math.abs(w.hz - 440) <= 10), 'decoded windows hear 440 Hz');
  });

  it('catches packets that do not authenticate (a wrong transport key) inside the windows', async () => {
    const { s, voice, guildId, frames } = await member(false);
    const st = await stream(s, voice, guildId, frames, (v, f) => v.send(f, { corrupt: true }));
    assert.ok(st.decryptFailures > 0, 'failures found in the sampled windows');
    assert.equal(st.frames, st.unverifiedFrames, 'only packets outside the windows count as frames');
    assert.ok(st.unverifiedFrames > 0, 'and there were some outside');
  });

  it('catches DAVE frames no listener can decrypt inside the windows', async () => {
    const { s, voice, guildId, frames } = await member(true);
    // Looks like DAVE (ends in the 0xFAFA marker) but was not sealed with the group's key.
    const forged = (f: Buffer): Buffer => Buffer.concat([f, Buffer.alloc(12, 7), Buffer.from([0x0c, 0xfa, 0xfa])]);
    const st = await stream(s, voice, guildId, frames, (v, f) => v.send(forged(f), { e2ee: false }));
    assert.ok(st.e2eeFailures > 0, `e2ee failures found in the sampled windows (listener failures ${st.dave?.listeners.map((l) => l.failures).join(",")})`);
    assert.equal(st.dave?.e2eeFrames, 0);
  });

  it("catches a member's transport-only frames inside the windows", async () => {
    const { s, voice, guildId, frames } = await member(true);
    const st = await stream(s, voice, guildId, frames, (v, f) => v.send(f, { e2ee: false }));
    assert.ok(st.unencrypted > 0, 'unencrypted frames found');
    assert.equal(st.unencrypted, PACKETS - st.unverifiedFrames, 'every sampled one of them');
  });
});
