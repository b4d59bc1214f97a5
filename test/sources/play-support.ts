/** Helpers for the tests that play a source's tracks through the media layer: the tone heard tells the tracks apart. */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { toneOf } from '../media/plan-support';

/** The first `count` packets of a stream (all of them if it ends first); leaving the loop early destroys the stream. */
export async function firstPackets(stream: Readable, count: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const packet of stream) {
    if (Buffer.isBuffer(packet)) out.push(packet);
    if (out.length >= count) break;
  }
  return out;
}

/** The stream's tone, from its first 60 packets (1.2 s), is `hz` within 5 Hz. */
export async function assertHears(stream: Readable, hz: number): Promise<void> {
  const heard = toneOf(await firstPackets(stream, 60));
  assert.ok(heard !== undefined && Math.abs(heard - hz) < 5, `heard ${heard} Hz, expected ${hz} Hz`);
}
