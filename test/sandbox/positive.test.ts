/**
 * The sandbox against the real clients: a minimal discord.js + @discordjs/voice bot logs in, gets a
 * slash command, joins voice and plays a 3 s 440 Hz Ogg/Opus tone, in both transport encryption modes, with
 * DAVE required (Discord's rule since March 2026, the sandbox's default) and once more with DAVE off.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startSandbox, trustSandboxCa, VOICE_MODES, type Sandbox } from '../../src/sandbox';
import { waitFor } from '../support/wait';
import { startMiniBot, type MiniBot } from './mini-bot';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-sandbox-tones-'));

const RUNS = [...VOICE_MODES.map((mode) => ({ mode, dave: 'required' as const })), { mode: VOICE_MODES[0], dave: 'off' as const }];

for (const { mode, dave } of RUNS) {
  describe(`sandbox with a real discord.js client (${mode}, DAVE ${dave})`, function () {
    this.timeout(30_000);
    let sb: Sandbox;
    let bot: MiniBot;
    let tone: string;

    before(async () => {
      tone = await makeTone({ hz: 440, durationMs: 3000, format: 'ogg-opus', dir: FIXTURES });
      sb = await startSandbox({ voiceModes: [mode], dave });
      trustSandboxCa(sb.caCertPem);
      bot = await startMiniBot(sb, { file: () => tone, register: true });
    });

    after(async () => {
      await bot?.destroy();
      await sb?.stop();
    });

    it('registers the command, answers it and plays 150 frames of 440 Hz at 50 packets/s', async () => {
      assert.deepEqual(
        sb.registeredCommands('global').map((c) => c.name),
        ['play'],
      );
      const guild = sb.guilds[0];
      const alice = guild?.members[0];
      assert.ok(guild && alice);
      const seen = await sb.command(guild.id, alice.id, 'play');
      assert.match(seen.content, /^Playing in <#\d+>$/);
      assert.equal(seen.ephemeral, false);
      assert.deepEqual(
        seen.callbacks.map((c) => [c.type, c.status]),
        [[5, 204]],
      );
      await bot.played();
      // Trailing silence frames follow the last audio frame (@discordjs/voice sends 4 of its 5 padding
      // frames before the player goes idle); once one is here, the final read may flush the last window.
      await waitFor('the trailing silence frames', () => sb.voiceStats(guild.id, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });

      const stats = sb.voiceStats(guild.id);
      const connection = sb.voiceConnections().find((c) => c.guildId === guild.id);
      assert.equal(connection?.mode, mode);
      const hz = stats.windows.flatMap((w) => (w.hz === undefined ? [] : [w.hz]));
      const summary = { frames: stats.frames, pps: stats.packetsPerSecond.toFixed(2), gaps: stats.gaps, hz: [...new Set(hz.map(Math.round))], segments: stats.segments };
      console.log(`      ${mode}: ${JSON.stringify(summary)}`);
      assert.ok(Math.abs(stats.frames - 150) <= 3, `frames ${stats.frames}`);
      // Paced like a stream, not dumped at once (that would be thousands a second). The rate itself and
      // the gaps depend on the machine's load and are not asserted (bench/sandbox-load.ts measures them).
      assert.ok(stats.packetsPerSecond > 0 && stats.packetsPerSecond < 150, `packets/s ${stats.packetsPerSecond}`);
      assert.equal(stats.decryptFailures, 0);
      assert.equal(stats.overlap, 0);
      assert.equal(stats.stalePackets, 0);
      assert.ok(hz.length >= 10, `decoded windows ${hz.length}`);
      for (const h of hz) assert.ok(Math.abs(h - 440) <= 10, `window at ${h} Hz`);
      assert.equal(stats.segments.length, 1);
      assert.ok(Math.abs((stats.segments[0]?.hz ?? 0) - 440) <= 10);
      if (dave === 'required') {
        // What was checked above is what the listener decrypted: every audio frame was DAVE-encrypted.
        assert.ok(Math.abs((stats.dave?.e2eeFrames ?? 0) - 150) <= 3, `DAVE frames decrypted ${stats.dave?.e2eeFrames}`);
        assert.equal(stats.unencrypted, 0);
        assert.equal(stats.e2eeFailures, 0);
      } else {
        assert.equal(stats.dave, undefined, 'no DAVE call without DAVE');
      }
    });
  });
}
