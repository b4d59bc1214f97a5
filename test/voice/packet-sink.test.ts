/**
 * The engine's own packet path end to end: a real discord.js client and @discordjs/voice connection
 * joined to the sandbox, 100 frames of a real Ogg/Opus tone sent through `packetSinks` every 20 ms.
 * With DAVE required the sandbox's listener must decrypt every frame (none unencrypted, none failing);
 * with DAVE off, every frame must pass the transport decryption. What went on the wire is read at the
 * connection's real socket: RTP sequence, timestamp and nonce counter continuous, and the library's
 * connectionData advanced exactly as its own path would have.
 */
import { strict as assert } from 'node:assert';
import { Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { entersState, joinVoiceChannel, NetworkingStatusCode, VoiceConnectionStatus, type NetworkingReadyState, type VoiceConnection } from '@discordjs/voice';
import { Client, GatewayIntentBits } from 'discord.js';
import { startSandbox, trustSandboxCa, type DaveMode, type Sandbox } from '../../src/sandbox';
import { readOggOpusFrames } from '../../src/sandbox/fixtures/opus-frames';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { PacketSink, packetSinks } from '../../src/voice/engine/packet-sink';
import { waitFor } from '../support/wait';

const FIXTURES = mkdtempSync(path.join(tmpdir(), 'hiqty-packet-sink-'));
const FRAMES = 100;
const FRAME_MS = 20;

interface Wire {
  readonly sequence: number;
  readonly timestamp: number;
  readonly nonce: number;
}

function readyNetworking(conn: VoiceConnection): NetworkingReadyState {
  const state = conn.state;
  assert.equal(state.status, VoiceConnectionStatus.Ready);
  const net = state.networking.state;
  assert.equal(net.code, NetworkingStatusCode.Ready);
  return net;
}

/** Records the RTP header fields and nonce counter of every audio datagram the connection's socket sends. */
function tapWire(net: NetworkingReadyState): Wire[] {
  const socket: unknown = Reflect.get(net.udp, 'socket');
  assert.ok(socket instanceof Socket);
  const wire: Wire[] = [];
  const send = socket.send.bind(socket);
  // Observes the real socket (it still sends): the sandbox does not expose the packets it received.
  Reflect.set(socket, 'send', (msg: Buffer, offset: number, length: number, port: number, address: string, cb?: (e: Error | null, n: number) => void) => {
    if (length >= 12 && (msg[0] ?? 0) === 0x80) {
      wire.push({ sequence: msg.readUInt16BE(offset + 2), timestamp: msg.readUInt32BE(offset + 4), nonce: msg.readUInt32BE(offset + length - 4) });
    }
    send(msg, offset, length, port, address, cb);
  });
  return wire;
}

/** Sends each frame at its own deadline (start + i·20 ms), the way the engine's clock does. */
function sendAt20ms(sink: ReturnType<typeof packetSinks>, frames: readonly Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let i = 0;
    sink.speaking(true);
    const tick = (): void => {
      while (i < frames.length && performance.now() >= start + i * FRAME_MS) {
        const frame = frames[i];
        if (frame) sink.prepare(frame);
        assert.ok(sink.dispatch(), `frame ${i} sent`);
        i += 1;
      }
      if (i < frames.length) setTimeout(tick, Math.max(0, start + i * FRAME_MS - performance.now()));
      else resolve();
    };
    tick();
  });
}

for (const dave of ['required', 'off'] as const satisfies readonly DaveMode[]) {
  describe(`packet sink, DAVE ${dave}`, function () {
    this.timeout(30_000);
    let sb: Sandbox;
    let client: Client;
    let conn: VoiceConnection | undefined;
    let frames: Buffer[];

    before(async () => {
      const tone = await makeTone({ hz: 440, durationMs: (FRAMES + 20) * FRAME_MS, format: 'ogg-opus', dir: FIXTURES });
      frames = (await readOggOpusFrames(tone)).slice(0, FRAMES);
      assert.equal(frames.length, FRAMES);
      sb = await startSandbox({ dave, daveTuning: { listenerCommitDelayMs: 10_000 } });
      trustSandboxCa(sb.caCertPem);
      client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: sb.apiBase } });
      const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
      await client.login(sb.token);
      await ready;
    });

    after(async () => {
      conn?.destroy();
      await client?.destroy();
      await sb?.stop();
    });

    it(`the sandbox gets ${FRAMES} frames, continuous on the wire, ${dave === 'required' ? 'every one DAVE-decrypted' : 'transport only'}`, async () => {
      const guildSpec = sb.guilds[0];
      const channel = guildSpec?.voiceChannels[0];
      assert.ok(guildSpec && channel);
      const guild = await client.guilds.fetch(guildSpec.id);
      conn = joinVoiceChannel({ guildId: guild.id, channelId: channel.id, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true, daveEncryption: true });
      const c = conn;
      const transitioned = new Promise<void>((resolve) => c.once('transitioned', () => resolve()));
      await entersState(c, VoiceConnectionStatus.Ready, 10_000);
      if (dave === 'required') await transitioned;

      const sink = packetSinks(c);
      assert.ok(sink instanceof PacketSink);
      assert.ok(sink.ready());
      const net = readyNetworking(c);
      assert.equal(net.connectionData.encryptionMode, 'aead_aes256_gcm_rtpsize');
      assert.equal(net.dave !== undefined && net.dave.session?.ready === true, dave === 'required', 'DAVE negotiated as the sandbox asks');
      const wire = tapWire(net);
      const before = { ...net.connectionData };

      await sendAt20ms(sink, frames);
      assert.equal(sink.path(), 'own');
      sink.speaking(false);

      await waitFor('every frame counted by the sandbox', () => sb.voiceStats(guild.id, { flush: false }).frames >= FRAMES, { timeoutMs: 5000 });
      const stats = sb.voiceStats(guild.id);
      console.log(`      ${JSON.stringify({ frames: stats.frames, e2ee: stats.dave?.e2eeFrames, unencrypted: stats.unencrypted, e2eeFailures: stats.e2eeFailures, ring: sink.ringStats() })}`);
      assert.equal(stats.frames, FRAMES);
      assert.equal(stats.decryptFailures, 0);
      assert.equal(stats.unencrypted, 0);
      assert.equal(stats.e2eeFailures, 0);
      if (dave === 'required') {
        assert.equal(stats.dave?.e2eeFrames, FRAMES, 'every frame came through DAVE');
        assert.equal(stats.dave.unheard, 0);
      } else {
        assert.equal(stats.dave, undefined);
      }
      assert.ok(stats.windows.some((w) => w.hz !== undefined && Math.abs(w.hz - 440) <= 10), 'the tone decodes back');

      // On the wire: one packet per frame, each sequence, timestamp and nonce one step after the last.
      assert.equal(wire.length, FRAMES);
      wire.forEach((w, i) => {
        assert.equal(w.sequence, (before.sequence + i) % 2 ** 16, `sequence of packet ${i}`);
        assert.equal(w.timestamp, (before.timestamp + i * 960) % 2 ** 32, `timestamp of packet ${i}`);
        assert.equal(w.nonce, before.nonce + i + 1, `nonce of packet ${i}`);
      });
      // The library's own state advanced as its own path would have advanced it.
      const after = net.connectionData;
      assert.equal(after.packetsPlayed, before.packetsPlayed + FRAMES);
      assert.equal(after.sequence, (before.sequence + FRAMES) % 2 ** 16);
      assert.equal(after.timestamp, (before.timestamp + FRAMES * 960) % 2 ** 32);
      assert.equal(after.nonce, before.nonce + FRAMES);
      assert.equal(after.speaking, false);
      await waitFor('every send completed', () => sink.ringStats()?.inFlight === 0);
      assert.deepEqual(sink.ringStats(), { sends: FRAMES, fresh: 0, inFlight: 0, errors: 0 });
    });
  });
}
