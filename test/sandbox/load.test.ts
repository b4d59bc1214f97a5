/**
 * Load: the sandbox verifies 200 concurrent streams (10,000 packets/s) from a separate sender
 * process without becoming the bottleneck: every packet counted, the rate right, the tone found on
 * sampled windows, and the sandbox using well under one of this machine's two cores.
 * Gaps are reported, not asserted: on a shared 2-vCPU VM the scheduler alone sometimes delays both
 * processes by more than the 60 ms threshold (see src/sandbox/README.md).
 */
import { strict as assert } from 'node:assert';
import { runLoad } from './load';

describe('sandbox under load', function () {
  this.timeout(60_000);

  it('verifies 200 concurrent streams with sampled decoding', async () => {
    const r = await runLoad(200, 3, { decodeEvery: { windowsOutOf: 10 } });
    console.log(
      `      ${r.packets} packets in ${r.seconds} s: sandbox ${r.cpuPercent.toFixed(1)}% of a core (${r.usPerPacket.toFixed(1)} µs/packet), ` +
        `loop delay p99 ${r.loopDelayP99Ms.toFixed(1)} ms, ${r.decodedWindows} windows decoded, sender late ≤ ${r.senderMaxLateMs} ms, stalls ${JSON.stringify(r.stalls)}, ` +
        `streams with a gap over 60 ms: ${r.gapStreams} (longest ${r.maxGapMs.toFixed(0)} ms)`,
    );
    assert.equal(r.packets, 200 * 3 * 50);
    assert.deepEqual(r.bad, []);
    assert.ok(r.decodedWindows >= 200, `decoded windows ${r.decodedWindows}`);
    assert.ok(r.cpuPercent < 60, `sandbox CPU ${r.cpuPercent}%`);
  });
});
