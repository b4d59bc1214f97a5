/**
 * Load: the sandbox verifies 200 concurrent streams (10,000 packets/s) from a separate sender
 * process: every packet counted, the rate right, the tone found on sampled windows.
 * Its CPU share, event-loop delay and gaps are reported, not asserted: they are figures of the
 * machine's load (on a shared 2-vCPU VM the scheduler alone sometimes delays both processes by more
 * than the 60 ms threshold, see src/sandbox/README.md). bench/sandbox-load.ts measures them, and
 * `make bench` reports the sandbox's CPU at every step.
 */
import { strict as assert } from 'node:assert';
import { runLoad } from './load';

describe('sandbox under load', function () {
  this.timeout(60_000);

  it('verifies 200 concurrent streams with sampled decoding', async () => {
    const r = await runLoad(200, 3, { decodeEvery: { windowsOutOf: 10 } });
    console.log(
      `      ${r.packets} packets in ${r.seconds} s${r.dave ? ' (DAVE)' : ''}: sandbox ${r.cpuPercent.toFixed(1)}% of a core (${r.usPerPacket.toFixed(1)} µs/packet), ` +
        `loop delay p99 ${r.loopDelayP99Ms.toFixed(1)} ms, ${r.decodedWindows} windows decoded, sender late ≤ ${r.senderMaxLateMs} ms, stalls ${JSON.stringify(r.stalls)}, ` +
        `streams with a gap over 60 ms: ${r.gapStreams} (longest ${r.maxGapMs.toFixed(0)} ms), frames missing ${r.missingFrames}, kernel drops ${r.kernelDrops ?? 'unknown'}`,
    );
    assert.deepEqual(r.bad, []);
    // Every packet sent was counted, except those the kernel dropped before the sandbox could read them (a VM
    // that stops the process for seconds overflows even a 4 MB receive buffer): those are accounted for, not lost.
    const dropped = r.kernelDrops ?? 0;
    assert.ok(r.missingFrames <= dropped, `${r.missingFrames} frames missing in ${r.shortStreams} streams, ${dropped} datagrams dropped by the kernel`);
    assert.ok(r.packets >= 200 * 3 * 50 - dropped, `${r.packets} packets`);
    assert.ok(r.decodedWindows >= 200, `decoded windows ${r.decodedWindows}`);
  });
});
