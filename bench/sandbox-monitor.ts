/**
 * Micro-benchmark of the sandbox audio monitor: µs of CPU per received packet for 200 concurrent
 * guild streams, with full decoding, sampled decoding and counting only.
 * Run: npx tsx bench/sandbox-monitor.ts [guilds] [seconds]
 */
import os from 'node:os';
import path from 'node:path';
import { GuildAudioMonitor, type MonitorOptions } from '../src/sandbox/audio/monitor';
import type { AudioPacketEvent } from '../src/sandbox/audio/types';
import { makeTone } from '../src/sandbox/fixtures/tones';
import { readOggOpusFrames } from '../src/sandbox/fixtures/opus-frames';

interface Case {
  readonly name: string;
  readonly options: MonitorOptions;
}

const CASES: readonly Case[] = [
  { name: 'count only (decodeEvery: none)', options: { decodeEvery: 'none' } },
  { name: 'full decode, 12 kHz mono', options: { decodeEvery: 'all' } },
  { name: 'full decode, 48 kHz mono', options: { decodeEvery: 'all', decodeRate: 48000 } },
  { name: 'sampled 1 of 5 windows', options: { decodeEvery: { windowsOutOf: 5 } } },
  { name: 'sampled 1 of 10 windows', options: { decodeEvery: { windowsOutOf: 10 } } },
];

function run(frames: readonly Buffer[], guilds: number, seconds: number, options: MonitorOptions): { usPerPacket: number; packets: number } {
  const monitors = Array.from({ length: guilds }, (_, g) => new GuildAudioMonitor(String(g), options));
  // Events are prebuilt so the measurement is the monitor, not the harness.
  const events: AudioPacketEvent[][] = monitors.map((m, g) =>
    Array.from({ length: seconds * 50 }, (_, i) => ({
      guildId: m.guildId,
      sessionId: `s${g}`,
      receivedAtMs: i * 20 + g * 0.05,
      sequence: i & 0xffff,
      timestamp: (i * 960) >>> 0,
      ssrc: g + 1,
      opus: frames[i % frames.length],
      stale: false,
    })),
  );
  const packetsPerGuild = seconds * 50;
  const started = process.cpuUsage();
  for (let i = 0; i < packetsPerGuild; i++) {
    for (let g = 0; g < guilds; g++) {
      const e = events[g]?.[i];
      if (e !== undefined) monitors[g]?.onPacket(e);
    }
  }
  const used = process.cpuUsage(started);
  const packets = packetsPerGuild * guilds;
  for (const m of monitors) m.dispose();
  return { usPerPacket: (used.user + used.system) / packets, packets };
}

async function main(): Promise<void> {
  const guilds = Number(process.argv[2] ?? 200);
  const seconds = Number(process.argv[3] ?? 10);
  const file = await makeTone({ hz: 440, durationMs: 10_000, format: 'ogg-opus', dir: path.join(os.tmpdir(), 'hiqty-bench-tones') });
  const frames = await readOggOpusFrames(file);
  run(frames, 20, 2, { decodeEvery: 'all' }); // JIT warm-up
  console.log(`${guilds} guilds x ${seconds} s of 20 ms frames (${guilds * 50} packets/s real time), ${os.cpus()[0]?.model ?? 'cpu'}`);
  for (const c of CASES) {
    const { usPerPacket, packets } = run(frames, guilds, seconds, c.options);
    const coreShare = (usPerPacket * guilds * 50) / 1e6;
    console.log(`${c.name.padEnd(34)} ${usPerPacket.toFixed(2).padStart(7)} µs/packet  ${packets} packets  => ${(coreShare * 100).toFixed(1)}% of one core at ${guilds} streams`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
