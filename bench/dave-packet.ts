/**
 * DAVE's cost per audio packet, in this process: a real MLS group of @snazzah/davey sessions (the bot
 * and one listener, as in the sandbox's calls), formed through the sandbox's external sender
 * (src/sandbox/dave) exactly as a voice server would: the bot commits the listener's Add, the listener
 * joins by the welcome. Then:
 * - the bot: `encryptOpus` of a 20 ms Opus packet, what @discordjs/voice 0.19 calls on every packet
 *   before the transport encryption, against that transport encryption alone (AES-256-GCM the way
 *   @discordjs/voice does it, a cipher per packet from the raw key; XChaCha20-Poly1305 with
 *   @noble/ciphers, its fallback) on the DAVE-sized payload;
 * - the sandbox: the listener's `decrypt` of each frame, against the transport decryption the sandbox
 *   does anyway (src/sandbox/rtp-crypto.ts).
 * Each figure is the median over rounds of a timed loop (after a warm-up), in µs per packet, the
 * JavaScript-to-native call and the new Buffer included, as the bot pays them. (davey's own stats count
 * whole µs per call, truncated, so they read near 0 for encryption: not used.)
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { DAVESession, MediaType, ProposalsOperationType } from '@snazzah/davey';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { appendPayload, ExternalSender, groupIdOf } from '../src/sandbox/dave/external-sender';
import { DAVE_PROTOCOL_VERSION } from '../src/sandbox/dave/opcodes';
import { decryptRtp, encryptRtp, rtpKey } from '../src/sandbox/rtp-crypto';

export interface DavePacketConfig {
  /** Packets per timed round. */
  readonly packets: number;
  /** Timed rounds; the median is reported (the first warm-up round is not timed). */
  readonly rounds: number;
  /** Size of the Opus packet: a 20 ms frame of music at 48-64 kbit/s is 120-160 bytes. */
  readonly opusBytes: number;
}

/** Default: 20 000 packets × 5 rounds of a 150-byte packet (about 3 s in all on one core). */
export const DAVE_PACKET_FULL: DavePacketConfig = { packets: 20_000, rounds: 5, opusBytes: 150 };
/** Default: 500 packets × 2 rounds: only that the figures come out. */
export const DAVE_PACKET_SMOKE: DavePacketConfig = { packets: 500, rounds: 2, opusBytes: 150 };

/** Packets per second of one playing track (20 ms frames). */
export const PACKETS_PER_SECOND = 50;

export interface PacketCost {
  /** Median µs per packet over the rounds, and the fastest round's. */
  readonly us: number;
  readonly minUs: number;
}

export interface DavePacketFigures {
  readonly opusBytes: number;
  /** The packet after `encryptOpus`: the Opus bytes, DAVE's 8-byte truncated tag, the nonce, the supplemental size and magic marker. */
  readonly daveBytes: number;
  readonly groupSize: number;
  readonly packets: number;
  readonly rounds: number;
  /** The bot: DAVE's encryption, and the transport encryption of the DAVE-sized payload. */
  readonly botEncrypt: PacketCost;
  readonly transportAesGcm: PacketCost;
  readonly transportXChaCha: PacketCost;
  /** The sandbox: the listener's DAVE decryption, and the transport decryption (AES-256-GCM). */
  readonly listenerDecrypt: PacketCost;
  readonly sandboxTransportDecrypt: PacketCost;
}

/** µs per packet as % of one core for one playing track (50 packets/s). */
export function pctOfCorePerTrack(us: number): number {
  return ((us * PACKETS_PER_SECOND) / 1e6) * 100;
}

interface Group {
  readonly bot: DAVESession;
  readonly listener: DAVESession;
  readonly botUserId: string;
}

/** The bot and a listener in one group at epoch 1, through the external sender's Add, a commit and a welcome. */
export function formGroup(): Group {
  const channelId = '1180000000000000001';
  const botUserId = '1180000000000000002';
  const listenerUserId = '1180000000000000003';
  const sender = new ExternalSender();
  const bot = new DAVESession(DAVE_PROTOCOL_VERSION, botUserId, channelId);
  const listener = new DAVESession(DAVE_PROTOCOL_VERSION, listenerUserId, channelId);
  bot.setExternalSender(sender.package());
  listener.setExternalSender(sender.package());
  bot.getSerializedKeyPackage();
  const add = sender.propose(groupIdOf(channelId), 0n, { kind: 'add', keyPackage: listener.getSerializedKeyPackage() });
  const { commit, welcome } = bot.processProposals(ProposalsOperationType.APPEND, appendPayload([add.message]).subarray(1), [listenerUserId]);
  if (!commit || !welcome) throw new Error('davey made no commit and welcome for the Add');
  bot.processCommit(commit);
  listener.processWelcome(welcome);
  if (!bot.ready || !listener.ready) throw new Error('the DAVE group did not form');
  return { bot, listener, botUserId };
}

/** An Opus-looking packet: TOC byte of a 20 ms CELT fullband stereo frame, then noise (DAVE encrypts all of an Opus frame). */
export function opusPacket(bytes: number): Buffer {
  const p = randomBytes(bytes);
  p[0] = 0xfc;
  return p;
}

/**
 * Runs `round` (which does `packets` operations) once untimed, then `rounds` times timed: µs per
 * operation. `prepare` runs untimed before each round and hands it its input.
 */
function time<T>(rounds: number, packets: number, prepare: () => T, round: (input: T) => void): PacketCost {
  round(prepare());
  const perRound: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const input = prepare();
    const t0 = process.hrtime.bigint();
    round(input);
    perRound.push(Number(process.hrtime.bigint() - t0) / 1000 / packets);
  }
  perRound.sort((a, b) => a - b);
  return { us: perRound[Math.floor((perRound.length - 1) / 2)] ?? NaN, minUs: perRound[0] ?? NaN };
}

export function measureDavePacketCost(c: DavePacketConfig): DavePacketFigures {
  const group = formGroup();
  try {
    const opus = opusPacket(c.opusBytes);
    const sample = group.bot.encryptOpus(opus);
    const back = group.listener.decrypt(group.botUserId, MediaType.AUDIO, sample);
    if (!back.equals(opus)) throw new Error('the listener did not get the packet back: the benchmark would measure nothing');

    const none = (): undefined => undefined;
    const botEncrypt = time(c.rounds, c.packets, none, () => {
      for (let i = 0; i < c.packets; i += 1) group.bot.encryptOpus(opus);
    });

    // The transport encryption of what DAVE hands it, as @discordjs/voice 0.19 does it per packet.
    const key = randomBytes(32);
    const header = Buffer.from([0x80, 0x78, 0, 1, 0, 0, 3, 0xc0, 0, 0, 0, 42]);
    const gcmNonce = Buffer.alloc(12);
    const transportAesGcm = time(c.rounds, c.packets, none, () => {
      for (let i = 0; i < c.packets; i += 1) {
        gcmNonce.writeUInt32BE(i, 0);
        const cipher = createCipheriv('aes-256-gcm', key, gcmNonce);
        cipher.setAAD(header);
        Buffer.concat([cipher.update(sample), cipher.final(), cipher.getAuthTag()]);
      }
    });
    const xNonce = Buffer.alloc(24);
    const transportXChaCha = time(c.rounds, c.packets, none, () => {
      for (let i = 0; i < c.packets; i += 1) {
        xNonce.writeUInt32BE(i, 0);
        xchacha20poly1305(key, xNonce, header).encrypt(sample);
      }
    });

    // The listener: every frame decrypted once, as in a call (fresh frames before each round, untimed).
    const listenerDecrypt = time(
      c.rounds,
      c.packets,
      () => Array.from({ length: c.packets }, () => group.bot.encryptOpus(opus)),
      (frames) => {
        for (const f of frames) group.listener.decrypt(group.botUserId, MediaType.AUDIO, f);
      },
    );

    const rtp = rtpKey('aead_aes256_gcm_rtpsize', key);
    const packets = Array.from({ length: c.packets }, (_, i) => encryptRtp('aead_aes256_gcm_rtpsize', key, header, sample, i));
    const sandboxTransportDecrypt = time(c.rounds, c.packets, none, () => {
      for (const p of packets) decryptRtp(rtp, p);
    });

    return {
      opusBytes: c.opusBytes,
      daveBytes: sample.length,
      groupSize: group.bot.getUserIds().length,
      packets: c.packets,
      rounds: c.rounds,
      botEncrypt,
      transportAesGcm,
      transportXChaCha,
      listenerDecrypt,
      sandboxTransportDecrypt,
    };
  } finally {
    group.bot.reset();
    group.listener.reset();
  }
}
