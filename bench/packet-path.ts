/**
 * The packet path, step by step, in this process: µs and bytes allocated per audio packet, from the
 * Opus frame to the datagram handed to the kernel, with DAVE on (a real davey group: the bot and one
 * listener, formed as bench/dave-packet.ts forms it) and off. The paths:
 * - `library`: @discordjs/voice 0.19's own code (Networking's createAudioPacket and
 *   encryptOpusPacket, playAudioPacket's bookkeeping, VoiceUDPSocket.send): a cipher from the raw key,
 *   a header, three Buffers and a concat per packet;
 * - `keyObject`: the same, with the transport key imported once (the first step alone);
 * - `own`: src/voice/engine/packet-sink.ts's PacketBuilder: the key imported once, header, ciphertext,
 *   tag and nonce written into the send ring, sent with one callback bound per connection.
 * Every path sends on a real VoiceUDPSocket to a loopback port nobody listens on (the kernel's send
 * path is paid, no receiver shares this thread). A timed round ends when its sends have left (the
 * ticks dgram defers them to), so the figure includes them. Bytes per packet: heap and ArrayBuffer
 * growth over a short round after a full GC (rounds a scavenge interrupted are not counted).
 */
import { createCipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Networking, VoiceUDPSocket, type ConnectionData } from '@discordjs/voice';
import { PacketBuilder, routeOf, type FrameEncryptor } from '../src/voice/engine/packet-sink';
import { formGroup, opusPacket, pctOfCorePerTrack } from './dave-packet';

export interface PacketPathConfig {
  /** Packets per timed round, sent as 20 ms ticks do: one packet per connection, then the sends leave. */
  readonly packets: number;
  /** Connections per tick (each with its own builder and ring on the own path). */
  readonly guilds: number;
  /** Timed rounds per path and DAVE mode (interleaved); the median is reported. */
  readonly rounds: number;
  /** Allocation rounds: one tick each (small, so the young generation holds it without a scavenge). */
  readonly allocRounds: number;
  /** Size of the Opus frame: 20 ms of music at 48-64 kbit/s is 120-160 bytes. */
  readonly opusBytes: number;
}

/** Default: 5 000 packets (100 ticks of 50 connections) × 7 rounds per path and mode, 9 one-tick allocation rounds (about 8 s). */
export const PACKET_PATH_FULL: PacketPathConfig = { packets: 5000, guilds: 50, rounds: 7, allocRounds: 9, opusBytes: 150 };
/** Default: 300 packets × 2 rounds: only that the figures come out. */
export const PACKET_PATH_SMOKE: PacketPathConfig = { packets: 300, guilds: 50, rounds: 2, allocRounds: 3, opusBytes: 150 };

export type PacketPathName = 'library' | 'keyObject' | 'own';
export const PACKET_PATHS: readonly PacketPathName[] = ['library', 'keyObject', 'own'];

export interface PathFigure {
  /** Median µs per packet over the rounds, and the fastest round's. */
  readonly us: number;
  readonly minUs: number;
  /** Median bytes allocated per packet (heap and ArrayBuffers), NaN when every round was interrupted by a GC. */
  readonly bytes: number;
}

export interface PacketPathFigures {
  readonly opusBytes: number;
  readonly packets: number;
  readonly rounds: number;
  readonly daveOn: Readonly<Record<PacketPathName, PathFigure>>;
  readonly daveOff: Readonly<Record<PacketPathName, PathFigure>>;
  /** Ring buffers the own path had to allocate because the next slot was still in flight. */
  readonly ringFresh: number;
}

const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

interface PathRun {
  /** One packet: prepare and dispatch. */
  packet(): void;
}

function connectionData(secretKey: Uint8Array): ConnectionData {
  return {
    connectedClients: new Set(),
    encryptionMode: 'aead_aes256_gcm_rtpsize',
    nonce: 0,
    nonceBuffer: Buffer.alloc(12),
    packetsPlayed: 0,
    secretKey,
    sequence: 1000,
    timestamp: 123_456,
    speaking: true,
    ssrc: 42,
  };
}

/** playAudioPacket's bookkeeping (the part of the library path that is not building the packet). */
function played(d: ConnectionData): void {
  d.packetsPlayed++;
  d.sequence++;
  d.timestamp += 960;
  if (d.sequence >= 2 ** 16) d.sequence = 0;
  if (d.timestamp >= 2 ** 32) d.timestamp = 0;
}

/** Networking's private createAudioPacket, bound to an object holding its encryptOpusPacket (all of `this` it reads). */
function libraryCreate(): (opus: Buffer, data: ConnectionData, dave: FrameEncryptor | undefined) => unknown {
  const create: unknown = Reflect.get(Networking.prototype, 'createAudioPacket');
  const encryptOpusPacket: unknown = Reflect.get(Networking.prototype, 'encryptOpusPacket');
  if (typeof create !== 'function' || typeof encryptOpusPacket !== 'function') {
    throw new Error("@discordjs/voice's Networking has no createAudioPacket/encryptOpusPacket: the benchmark would measure nothing");
  }
  const self = { encryptOpusPacket };
  return (opus, data, dave): unknown => create.call(self, opus, data, dave);
}

function libraryRun(udp: VoiceUDPSocket, opus: Buffer, dave: FrameEncryptor | undefined): PathRun {
  const create = libraryCreate();
  const data = connectionData(randomBytes(32));
  return {
    packet() {
      const p = create(opus, data, dave);
      if (!Buffer.isBuffer(p)) throw new Error('createAudioPacket made no Buffer');
      played(data);
      udp.send(p);
    },
  };
}

/** The library's layout with one change: the key imported once. */
function keyObjectRun(udp: VoiceUDPSocket, opus: Buffer, dave: FrameEncryptor | undefined): PathRun {
  const data = connectionData(randomBytes(32));
  const key: KeyObject = createSecretKey(data.secretKey);
  return {
    packet() {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 0x78;
      header.writeUIntBE(data.sequence, 2, 2);
      header.writeUIntBE(data.timestamp, 4, 4);
      header.writeUIntBE(data.ssrc, 8, 4);
      const frame = dave ? dave.encrypt(opus) : opus;
      data.nonce++;
      data.nonceBuffer.writeUInt32BE(data.nonce, 0);
      const cipher = createCipheriv('aes-256-gcm', key, data.nonceBuffer);
      cipher.setAAD(header);
      udp.send(Buffer.concat([header, Buffer.concat([cipher.update(frame), cipher.final(), cipher.getAuthTag()]), data.nonceBuffer.subarray(0, 4)]));
      played(data);
    },
  };
}

function ownRun(builder: PacketBuilder, opus: Buffer, dave: FrameEncryptor | undefined): PathRun {
  return {
    packet() {
      builder.prepare(opus, dave);
      builder.dispatch();
    },
  };
}

/** Lets the deferred sends of a round go out (dgram resolves the address and sends on later ticks). */
function drained(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `packets` packets in ticks: one per connection, then the tick's sends leave. */
async function timedRound(runs: readonly PathRun[], packets: number): Promise<number> {
  const ticks = Math.max(1, Math.round(packets / runs.length));
  const t0 = process.hrtime.bigint();
  for (let t = 0; t < ticks; t += 1) {
    for (const run of runs) run.packet();
    await drained();
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / (ticks * runs.length);
}

function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('no gc() to measure allocations with');
  return () => void Reflect.apply(gc, undefined, []);
}

/** One tick's packets (the sends' deferred work included), after a full GC. */
async function allocRound(runs: readonly PathRun[], gc: () => void): Promise<number | undefined> {
  await drained();
  gc();
  const m0 = process.memoryUsage();
  for (const run of runs) run.packet();
  await drained();
  const m1 = process.memoryUsage();
  const packets = runs.length;
  const heap = m1.heapUsed - m0.heapUsed;
  // A scavenge during the round shrinks the heap: that round says nothing.
  if (heap <= 0) return undefined;
  return (heap + Math.max(0, m1.arrayBuffers - m0.arrayBuffers)) / packets;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
}

export async function measurePacketPath(c: PacketPathConfig): Promise<PacketPathFigures> {
  const group = formGroup();
  const gc = fullGc();
  // A port that was bound and released: the kernel takes the datagrams, nobody reads them.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', () => resolve()));
  const port = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const udp = new VoiceUDPSocket({ ip: '127.0.0.1', port });
  try {
    const opus = opusPacket(c.opusBytes);
    const daveOn: FrameEncryptor = { encrypt: (p) => (p.equals(SILENCE) ? p : group.bot.encryptOpus(p)) };
    const route = routeOf(udp);
    if (!route) throw new Error("VoiceUDPSocket's socket is not where packet-sink.ts reads it");
    const builders: PacketBuilder[] = [];
    const runs = (dave: FrameEncryptor | undefined): Record<PacketPathName, PathRun[]> => {
      const each = <T>(make: () => T): T[] => Array.from({ length: c.guilds }, make);
      const own = each(() => new PacketBuilder(connectionData(randomBytes(32)), route));
      builders.push(...own);
      return {
        library: each(() => libraryRun(udp, opus, dave)),
        keyObject: each(() => keyObjectRun(udp, opus, dave)),
        own: own.map((b) => ownRun(b, opus, dave)),
      };
    };
    const modes = { daveOn: runs(daveOn), daveOff: runs(undefined) };
    const measure = async (set: Record<PacketPathName, PathRun[]>): Promise<Record<PacketPathName, PathFigure>> => {
      const us: Record<PacketPathName, number[]> = { library: [], keyObject: [], own: [] };
      const bytes: Record<PacketPathName, number[]> = { library: [], keyObject: [], own: [] };
      for (const name of PACKET_PATHS) await timedRound(set[name], c.packets); // warm-up
      for (let r = 0; r < c.rounds; r += 1) for (const name of PACKET_PATHS) us[name].push(await timedRound(set[name], c.packets));
      for (let r = 0; r < c.allocRounds; r += 1) {
        for (const name of PACKET_PATHS) {
          const b = await allocRound(set[name], gc);
          if (b !== undefined) bytes[name].push(b);
        }
      }
      const figure = (name: PacketPathName): PathFigure => ({ us: median(us[name]), minUs: Math.min(...us[name]), bytes: median(bytes[name]) });
      return { library: figure('library'), keyObject: figure('keyObject'), own: figure('own') };
    };
    const on = await measure(modes.daveOn);
    const off = await measure(modes.daveOff);
    await drained();
    return {
      opusBytes: c.opusBytes,
      packets: c.packets,
      rounds: c.rounds,
      daveOn: on,
      daveOff: off,
      ringFresh: builders.reduce((n, b) => n + b.ringStats().fresh, 0),
    };
  } finally {
    udp.destroy();
    group.bot.reset();
    group.listener.reset();
  }
}

/** The figures as report lines (print only). */
export function renderPacketPath(f: PacketPathFigures): string[] {
  const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
  const header = ['path', 'DAVE', 'µs/packet', 'fastest', '% core/track', 'bytes/packet'];
  const rows: string[][] = [];
  for (const [mode, set] of [['on', f.daveOn], ['off', f.daveOff]] as const) {
    for (const name of PACKET_PATHS) {
      const p = set[name];
      rows.push([name, mode, fmt(p.us, 2), fmt(p.minUs, 2), fmt(pctOfCorePerTrack(p.us), 4), fmt(p.bytes, 0)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `Packet path (${f.opusBytes}-byte Opus frame, ${f.packets} packets × ${f.rounds} rounds, median; sends to loopback included):`,
    line(header),
    ...rows.map(line),
    `own path: ${f.ringFresh} ring buffers allocated because a slot was still in flight`,
  ];
}
