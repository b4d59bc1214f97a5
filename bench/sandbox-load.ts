/**
 * End-to-end cost of the sandbox verifying N concurrent voice streams: a child process sends them
 * (one gateway session, one voice connection per guild, 50 encrypted packets/s each), the sandbox
 * in this process receives, decrypts, counts, times and decodes them.
 * Run: npx tsx bench/sandbox-load.ts [streams=200] [seconds=10] [case-name-substring]
 */
import { runLoad } from '../test/sandbox/load';
import type { MonitorOptions } from '../src/sandbox/audio/monitor';

const CASES: ReadonlyArray<readonly [string, MonitorOptions]> = [
  ['decode every window', { decodeEvery: 'all' }],
  ['decode 1 window in 10', { decodeEvery: { windowsOutOf: 10 } }],
  ['count and time only', { decodeEvery: 'none' }],
];

async function main(): Promise<void> {
  const streams = Number(process.argv[2] ?? 200);
  const seconds = Number(process.argv[3] ?? 10);
  const only = process.argv[4];
  for (const [name, options] of CASES.filter(([n]) => !only || n.includes(only))) {
    const r = await runLoad(streams, seconds, options);
    console.log(
      `${name.padEnd(24)} ${r.streams} streams × ${r.seconds} s: ${r.packets} packets, sandbox CPU ${r.cpuPercent.toFixed(1)}% of a core ` +
        `(${r.usPerPacket.toFixed(1)} µs/packet), loop delay p99 ${r.loopDelayP99Ms.toFixed(1)} ms max ${r.loopDelayMaxMs.toFixed(1)} ms, ` +
        `stalls ${JSON.stringify(r.stalls)}, decoded windows ${r.decodedWindows}, sender CPU ${r.senderCpuPercent.toFixed(1)}% late ≤ ${r.senderMaxLateMs} ms, streams with a gap: ${r.gapStreams} (longest ${r.maxGapMs.toFixed(0)} ms), frames missing ${r.missingFrames} (kernel drops ${r.kernelDrops ?? "unknown"}), streams not verified: ${r.bad.length}${r.bad.length ? ` e.g. ${r.bad.slice(0, 3).join(' | ')}` : ''}`,
    );
  }
}

void main();
