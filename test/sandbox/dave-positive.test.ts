/**
 * DAVE required, against the real clients: the mini-bot (discord.js + @discordjs/voice + davey, not
 * hiqty) joins the MLS group the sandbox runs and plays a 3 s 440 Hz tone; the simulated listener, a
 * real davey session in the group, decrypts every frame. A client offering no DAVE is refused.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { joinVoiceChannel } from '@discordjs/voice';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { CLOSE_E2EE_REQUIRED, startSandbox, trustSandboxCa, type Sandbox } from '../../src/sandbox';
import { waitFor } from '../support/wait';
import { startMiniBot, type MiniBot } from './mini-bot';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-sandbox-dave-'));

describe('sandbox with DAVE required and a real discord.js client', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let bot: MiniBot | undefined;
  let tone: string;

  before(async () => {
    tone = await makeTone({ hz: 440, durationMs: 3000, format: 'ogg-opus', dir: FIXTURES });
    // The listener holds its commits back, so the group is the one @discordjs/voice's own commit creates.
    sb = await startSandbox({ dave: 'required', daveTuning: { listenerCommitDelayMs: 10_000 } });
    trustSandboxCa(sb.caCertPem);
  });

  afterEach(async () => {
    await bot?.destroy();
    bot = undefined;
  });

  after(async () => {
    await sb?.stop();
  });

  it('the listener decrypts 150 frames of 440 Hz, none unencrypted, none failing', async () => {
    bot = await startMiniBot(sb, { file: () => tone, register: true, awaitDave: true });
    const guild = sb.guilds[0];
    const alice = guild?.members[0];
    assert.ok(guild && alice);
    const seen = await sb.command(guild.id, alice.id, 'play');
    assert.match(seen.content, /^Playing in <#\d+>$/);
    await bot.played();
    await waitFor('the trailing silence frames', () => sb.voiceStats(guild.id, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });

    const stats = sb.voiceStats(guild.id);
    const dave = stats.dave;
    assert.ok(dave, 'a DAVE call');
    const hz = stats.windows.flatMap((w) => (w.hz === undefined ? [] : [w.hz]));
    console.log(`      dave: ${JSON.stringify({ frames: stats.frames, decrypted: dave.e2eeFrames, pps: stats.packetsPerSecond.toFixed(2), gaps: stats.gaps.length, epoch: String(dave.epoch), transitions: dave.transitions, hz: [...new Set(hz.map(Math.round))] })}`);
    assert.ok(Math.abs(dave.e2eeFrames - 150) <= 3, `decrypted frames ${dave.e2eeFrames}`);
    assert.equal(stats.frames, dave.e2eeFrames, 'every audio frame the monitor counted came through DAVE');
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.equal(dave.unheard, 0);
    assert.equal(stats.decryptFailures, 0);
    assert.ok(stats.packetsPerSecond > 0 && stats.packetsPerSecond < 150, `packets/s ${stats.packetsPerSecond}`);
    assert.ok(hz.length >= 10, `decoded windows ${hz.length}`);
    for (const h of hz) assert.ok(Math.abs(h - 440) <= 10, `window at ${h} Hz`);
    assert.equal(stats.segments.length, 1);
    assert.equal(dave.members.length, 2, 'the bot and the listener');
    assert.ok(dave.transitions >= 1);
    assert.deepEqual(dave.commitsBy, { bot: 1 }, "the bot's commit created the group");
    assert.equal(dave.invalidCommits, 0);
    assert.deepEqual(dave.listeners.map((l) => [l.inGroup, l.failures, l.protocolErrors]), [[true, 0, 0]]);
  });

  it('a client that offers no DAVE is refused with 4017', async () => {
    const refused = new Promise<number>((resolve) => sb.events.once('voice-refused', (e) => resolve(e.code)));
    bot = await startMiniBot(sb, { file: () => tone, daveEncryption: false });
    const guild = sb.guilds[0];
    const channel = guild?.voiceChannels[0];
    assert.ok(guild && channel);
    const client = await bot.client.guilds.fetch(guild.id);
    const conn = joinVoiceChannel({ guildId: guild.id, channelId: channel.id, adapterCreator: client.voiceAdapterCreator, group: 'no-dave', daveEncryption: false });
    try {
      assert.equal(await refused, CLOSE_E2EE_REQUIRED);
    } finally {
      conn.destroy();
    }
    assert.equal(
      sb.voiceConnections().some((c) => c.guildId === guild.id && c.mode !== undefined && c.open && !c.stale),
      false,
    );
  });
});
