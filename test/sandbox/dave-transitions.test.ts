/**
 * DAVE failure detection and epoch changes: a hand-driven client that is a real member of the group
 * (its own davey session) but sends transport-only frames is caught; listeners joining and leaving
 * mid-track move the group to new epochs while the remaining listener decrypts every frame.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readOggOpusFrames } from '../../src/sandbox/fixtures/opus-frames';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startSandbox, trustSandboxCa, type Sandbox } from '../../src/sandbox';
import { waitFor } from '../support/wait';
import { startMiniBot, type MiniBot } from './mini-bot';
import { rawSession, rawVoice, type RawSession, type RawVoice } from './raw-client';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-sandbox-dave-'));

describe('sandbox DAVE: transport-only frames and epoch transitions', function () {
  this.timeout(30_000);
  let sb: Sandbox | undefined;
  const voices: RawVoice[] = [];
  const sessions: RawSession[] = [];
  let bot: MiniBot | undefined;

  afterEach(async () => {
    for (const v of voices.splice(0)) v.close();
    for (const s of sessions.splice(0)) s.close();
    await bot?.destroy();
    bot = undefined;
    await sb?.stop();
    sb = undefined;
  });

  async function daveMember(s: Sandbox): Promise<{ voice: RawVoice; guildId: string }> {
    const guild = s.guilds[0];
    assert.ok(guild?.voiceChannels[0]);
    const session = await rawSession(s);
    sessions.push(session);
    const voice = await rawVoice(session, guild.id, guild.voiceChannels[0].id, { dave: true });
    voices.push(voice);
    assert.equal(voice.daveProtocolVersion, 1);
    assert.ok(voice.dave);
    await voice.dave.executed;
    return { voice, guildId: guild.id };
  }

  it('counts transport-only frames from a member of the active group as unencrypted', async () => {
    const s = (sb = await startSandbox({ dave: 'required' }));
    trustSandboxCa(s.caCertPem);
    const frames = (await readOggOpusFrames(await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir: FIXTURES }))).slice(0, 20);
    const { voice, guildId } = await daveMember(s);
    // Every server frame, JSON or binary, carries the next sequence number: what seq_ack acknowledges.
    assert.deepEqual(voice.queue.seqs, voice.queue.seqs.map((_, i) => i + 1));
    assert.ok(voice.queue.seqs.length >= 6, `frames ${voice.queue.seqs.length}`);
    for (const f of frames.slice(0, 10)) voice.send(f, { e2ee: true });
    for (const f of frames.slice(10)) voice.send(f, { e2ee: false });
    voice.send(Buffer.from([0xf8, 0xff, 0xfe]));
    await voice.sent();
    const stats = await waitFor('20 frames and the silence', () => {
      const st = s.voiceStats(guildId, { flush: false });
      return st.frames === 20 && st.silenceFrames === 1 ? st : undefined;
    });
    console.log(`      raw member: ${JSON.stringify({ unencrypted: stats.unencrypted, e2ee: stats.dave?.e2eeFrames, transportOnly: stats.dave?.transportOnly })}`);
    assert.equal(stats.unencrypted, 10);
    assert.equal(stats.dave?.e2eeFrames, 10);
    assert.equal(stats.e2eeFailures, 0);
  });

  it('counts every transport-only frame of a member that never encrypts', async () => {
    const s = (sb = await startSandbox({ dave: 'required' }));
    trustSandboxCa(s.caCertPem);
    const frames = (await readOggOpusFrames(await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir: FIXTURES }))).slice(0, 15);
    const { voice, guildId } = await daveMember(s);
    for (const f of frames) voice.send(f, { e2ee: false });
    await voice.sent();
    await waitFor('15 frames', () => s.voiceStats(guildId, { flush: false }).frames === 15);
    assert.equal(s.voiceStats(guildId).unencrypted, 15);
  });

  it('a frame no listener can decrypt counts as an e2ee failure', async () => {
    const s = (sb = await startSandbox({ dave: 'required' }));
    trustSandboxCa(s.caCertPem);
    const frames = (await readOggOpusFrames(await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir: FIXTURES }))).slice(0, 5);
    const { voice, guildId } = await daveMember(s);
    for (const f of frames) {
      const e2ee = voice.dave?.session.encryptOpus(f);
      assert.ok(e2ee);
      // Damage the DAVE ciphertext (its first byte) but keep the transport layer intact.
      e2ee[0] = (e2ee[0] ?? 0) ^ 0xff;
      voice.send(e2ee, { e2ee: false });
    }
    await voice.sent();
    const stats = await waitFor('5 failures', () => {
      const st = s.voiceStats(guildId, { flush: false });
      return st.e2eeFailures === 5 ? st : undefined;
    });
    assert.equal(stats.decryptFailures, 5, 'the monitor hears nothing of them');
    assert.equal(stats.unencrypted, 0);
  });

  it('the first valid commit of a round wins: a late commit is ignored and its sender gets the welcome', async () => {
    const s = (sb = await startSandbox({ dave: 'required', daveTuning: { listenerCommitDelayMs: 0 } }));
    trustSandboxCa(s.caCertPem);
    const guild = s.guilds[0];
    assert.ok(guild?.voiceChannels[0]);
    const session = await rawSession(s);
    sessions.push(session);
    const voice = await rawVoice(session, guild.id, guild.voiceChannels[0].id, { dave: true, holdCommits: true });
    voices.push(voice);
    assert.ok(voice.dave);
    await voice.dave.executed;
    const { dave } = s.voiceStats(guild.id, { flush: false });
    assert.ok(dave);
    // Op 11, then op 25, op 27 (the listener's Add), op 30 (the listener's commit won), op 22.
    assert.deepEqual(voice.dave.ops, [11, 25, 27, 30, 22]);
    assert.deepEqual(dave.commitsBy, { listener: 1 });
    assert.equal(dave.epoch, 1n);
    assert.equal(dave.members.length, 2);
    assert.equal(dave.invalidCommits, 0, 'a late commit is not an invalid one');
  });

  it('op 31 (invalid commit/welcome): the member is removed and added again with its new key package', async () => {
    const s = (sb = await startSandbox({ dave: 'required' }));
    trustSandboxCa(s.caCertPem);
    const frames = (await readOggOpusFrames(await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir: FIXTURES }))).slice(0, 10);
    const { voice, guildId } = await daveMember(s);
    const dave = voice.dave;
    assert.ok(dave);
    const before = s.voiceStats(guildId, { flush: false }).dave;
    assert.ok(before);
    const firstId = await dave.executed;
    dave.recover(firstId);
    await waitFor('the re-join transition', () => dave.executedIds.length >= 2 && dave.session.ready, { timeoutMs: 10_000 });
    const after = s.voiceStats(guildId, { flush: false }).dave;
    assert.ok(after);
    assert.equal(after.recoveries, 1);
    assert.ok(after.epoch > before.epoch, `epoch ${after.epoch} after ${before.epoch}`);
    assert.equal(after.members.length, 2);
    for (const f of frames) voice.send(f, { e2ee: true });
    await voice.sent();
    const stats = await waitFor('10 frames', () => {
      const st = s.voiceStats(guildId, { flush: false });
      return st.frames === 10 ? st : undefined;
    });
    assert.equal(stats.dave?.e2eeFrames, 10);
    assert.equal(stats.e2eeFailures, 0);
  });

  it('a listener joining and another leaving mid-track: new epochs, and the remaining listener decrypts every frame', async () => {
    const s = (sb = await startSandbox({ dave: 'required' }));
    trustSandboxCa(s.caCertPem);
    const tone = await makeTone({ hz: 440, durationMs: 4000, format: 'ogg-opus', dir: FIXTURES });
    bot = await startMiniBot(s, { file: () => tone, awaitDave: true });
    const guild = s.guilds[0];
    assert.ok(guild?.voiceChannels[0]);
    await bot.play(guild.id, guild.voiceChannels[0].id);
    const dave = () => {
      const d = s.voiceStats(guild.id, { flush: false }).dave;
      assert.ok(d);
      return d;
    };
    const first = s.listeners(guild.id)[0];
    assert.ok(first);
    await waitFor('audio', () => s.voiceStats(guild.id, { flush: false }).frames >= 40, { timeoutMs: 10_000 });
    const startEpoch = dave().epoch;
    const joined = s.addListener(guild.id);
    await waitFor('the join transition', () => dave().epoch > startEpoch && dave().listeners.every((l) => l.inGroup), { timeoutMs: 10_000 });
    const afterJoin = s.voiceStats(guild.id, { flush: false }).frames;
    await waitFor('more audio', () => s.voiceStats(guild.id, { flush: false }).frames >= afterJoin + 40, { timeoutMs: 10_000 });
    const joinEpoch = dave().epoch;
    assert.equal(s.removeListener(guild.id, first), first);
    await waitFor('the leave transition', () => dave().epoch > joinEpoch, { timeoutMs: 10_000 });
    await bot.played();
    await waitFor('the trailing silence frames', () => s.voiceStats(guild.id, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });

    const stats = s.voiceStats(guild.id);
    const d = stats.dave;
    assert.ok(d);
    const remaining = d.listeners.find((l) => l.userId === joined);
    console.log(
      `      transitions: ${JSON.stringify({ frames: stats.frames, epoch: String(d.epoch), transitions: d.transitions, gaps: stats.gaps.map((g) => Math.round(g.ms)), remaining: remaining && { decrypted: remaining.decrypted, failures: remaining.failures, early: remaining.earlyFailures } })}`,
    );
    assert.deepEqual(s.listeners(guild.id), [joined]);
    assert.ok(d.epoch >= startEpoch + 2n, `epoch ${d.epoch}`);
    assert.ok(remaining && remaining.decrypted > 0);
    assert.equal(remaining.failures, 0);
    assert.equal(remaining.protocolErrors, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.decryptFailures, 0);
    assert.equal(stats.frames, d.e2eeFrames, 'every frame the monitor counted was decrypted by a listener');
    assert.ok(Math.abs(stats.frames - 200) <= 3, `frames ${stats.frames}`);
    assert.equal(d.members.length, 2, 'the bot and the remaining listener');
  });
});
