/**
 * A child process that plays N concurrent streams into the sandbox as fast-path clients would: one
 * gateway session, one voice connection per guild, one encrypted Opus frame per guild every 20 ms.
 * Run with NODE_EXTRA_CA_CERTS set to the sandbox's certificate, and a JSON job as argv[2].
 * Writes "ready" once every connection has its key (and, with DAVE, executed its first transition)
 * and "done" after the last tick.
 */
import * as t from 'io-ts';
import { decode, parseJson } from '../../src/sandbox/frames';
import { readOggOpusFrames } from '../../src/sandbox/fixtures/opus-frames';
import { rawSession, rawVoice, type RawVoice } from './raw-client';

const Job = t.type({
  gatewayUrl: t.string,
  token: t.string,
  file: t.string,
  seconds: t.number,
  guilds: t.array(t.type({ id: t.string, channelId: t.string })),
  dave: t.boolean,
});

async function main(): Promise<void> {
  const job = decode(Job, parseJson(process.argv[2] ?? ''));
  if (!job) throw new Error('usage: load-sender <json job>');
  const frames = await readOggOpusFrames(job.file);
  const session = await rawSession(job);
  const voices: RawVoice[] = [];
  // Batches keep the TLS handshakes from piling up all at once.
  for (let i = 0; i < job.guilds.length; i += 25) {
    voices.push(...(await Promise.all(job.guilds.slice(i, i + 25).map((g) => rawVoice(session, g.id, g.channelId, { dave: job.dave })))));
  }
  // With DAVE, every frame is end-to-end encrypted from the first: wait for every group.
  await Promise.all(voices.map((v) => v.dave?.executed));
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const ticks = job.seconds * 50;
  const start = performance.now();
  let maxLateMs = 0;
  for (let tick = 0; tick < ticks; tick++) {
    maxLateMs = Math.max(maxLateMs, performance.now() - (start + tick * 20));
    const frame = frames[tick % frames.length];
    if (frame) for (const v of voices) v.send(frame);
    const wait = start + (tick + 1) * 20 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  // A late last tick has no wait after it: without this, close() below would drop its packets.
  await Promise.all(voices.map((v) => v.sent()));
  // How late the sender itself was: gaps this long are the sender's, not the sandbox's.
  process.stdout.write(`late ${maxLateMs.toFixed(1)}\ndone\n`);
  for (const v of voices) v.close();
  session.close();
  setTimeout(() => process.exit(0), 100);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
