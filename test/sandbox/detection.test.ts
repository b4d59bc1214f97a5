/**
 * What the sandbox must catch, provoked with real discord.js and @discordjs/voice clients: one bot
 * playing into a guild from two sessions, two sessions answering one interaction, and a track that
 * is not the one expected.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startSandbox, trustSandboxCa, type Sandbox } from '../../src/sandbox';
import { startMiniBot, type MiniBot } from './mini-bot';
import { waitFor } from '../support/wait';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-sandbox-tones-'));

describe('sandbox detection with real clients', function () {
  this.timeout(30_000);
  let sb: Sandbox | undefined;
  const bots: MiniBot[] = [];

  afterEach(async () => {
    for (const b of bots.splice(0)) await b.destroy();
    await sb?.stop();
    sb = undefined;
  });

  it('reports overlap when one bot plays into a guild from two sessions', async () => {
    const tone = await makeTone({ hz: 440, durationMs: 4000, format: 'ogg-opus', dir: FIXTURES });
    const s = (sb = await startSandbox());
    trustSandboxCa(s.caCertPem);
    const takeovers: unknown[] = [];
    s.events.on('voice-takeover', (e) => takeovers.push(e));
    const a = await startMiniBot(s, { file: () => tone, group: 'a', answer: 'none', fight: true });
    bots.push(a);
    const b = await startMiniBot(s, { file: () => tone, group: 'b', answer: 'none', fight: true });
    bots.push(b);
    const guild = s.guilds[0];
    assert.ok(guild?.voiceChannels[0]);
    await a.play(guild.id, guild.voiceChannels[0].id);
    await waitFor('the first session to be heard', () => s.voiceStats(guild.id, { flush: false }).frames >= 25, { timeoutMs: 10_000 });
    await b.play(guild.id, guild.voiceChannels[0].id);
    const stats = await waitFor(
      'audio from both sessions, overlapping',
      () => {
        const st = s.voiceStats(guild.id, { flush: false });
        return Object.keys(st.framesBySession).length === 2 && st.overlap > 0 && takeovers.length >= 1 ? st : undefined;
      },
      { timeoutMs: 10_000 },
    );
    console.log(`      overlap ${stats.overlap}, stale ${stats.stalePackets}, takeovers ${takeovers.length}, frames ${JSON.stringify(stats.framesBySession)}`);
    assert.equal(Object.keys(stats.framesBySession).length, 2);
    assert.ok(takeovers.length >= 1);
    assert.ok(stats.overlap > 0, `overlap ${stats.overlap}`);
  });

  it('reports 40060 when two sessions of one bot both answer an interaction', async () => {
    const s = (sb = await startSandbox());
    const a = await startMiniBot(s, { file: () => '', group: 'a', answer: 'reply', register: true });
    bots.push(a);
    const b = await startMiniBot(s, { file: () => '', group: 'b', answer: 'reply' });
    bots.push(b);
    const guild = s.guilds[0];
    assert.ok(guild?.members[0]);
    const view = await s.command(guild.id, guild.members[0].id, 'play');
    assert.match(view.content, /^hello from [ab]$/);
    await waitFor('the second reply', () => a.errors.length + b.errors.length > 0);
    assert.deepEqual(
      s.interaction(view.interactionId)?.errors.map((e) => e.code),
      [40060],
    );
    const [err] = [...a.errors, ...b.errors];
    assert.equal(Reflect.get(err ?? {}, 'code'), 40060);
  });

  it('hears a 600 Hz track as 600 Hz, not 440 Hz', async () => {
    const tone = await makeTone({ hz: 600, durationMs: 1000, format: 'ogg-opus', dir: FIXTURES });
    const s = (sb = await startSandbox());
    trustSandboxCa(s.caCertPem);
    const bot = await startMiniBot(s, { file: () => tone, register: true });
    bots.push(bot);
    const guild = s.guilds[0];
    assert.ok(guild?.members[0]);
    await s.command(guild.id, guild.members[0].id, 'play');
    await bot.played();
    // Trailing silence follows the last audio frame: once it is here, the final read may flush.
    await waitFor('the trailing silence frames', () => s.voiceStats(guild.id, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });
    const stats = s.voiceStats(guild.id);
    const hz = stats.windows.flatMap((w) => (w.hz === undefined ? [] : [w.hz]));
    assert.ok(hz.length >= 3, `decoded windows ${hz.length}`);
    for (const h of hz) {
      assert.ok(Math.abs(h - 440) > 10, `window at ${h} Hz`);
      assert.ok(Math.abs(h - 600) <= 10, `window at ${h} Hz`);
    }
    assert.ok(Math.abs(stats.frames - 50) <= 3, `frames ${stats.frames}`);
  });
});
