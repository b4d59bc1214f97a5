/**
 * The sandbox in a process of its own, for the bench's cost, herd and stall steps: verifying every
 * stream costs the sandbox a share of the two cores, and in the bench's own process that share would
 * be mixed with the bench's bookkeeping. Started by bench/sandbox-client.ts with fork(); argv[2] is
 * a SandboxJob (JSON). It answers requests on the IPC channel and exits when the channel closes.
 */
import * as path from 'node:path';
import { demoGuilds, startSandbox, type Sandbox } from '../src/sandbox';
import { silentLogger } from '../src/log';
import { guildAudio } from './audio-probe';
import { LATE_MS } from './late';
import { decodeOrThrow, SandboxJob, SandboxRequest, type SandboxMessage, type WireAudio } from './sandbox-protocol';

function toEpoch(t: number | undefined): number | null {
  return t === undefined ? null : performance.timeOrigin + t;
}

function answer(sandbox: Sandbox, request: SandboxRequest): SandboxMessage {
  if (request.op === 'reset') {
    for (const id of request.guilds) sandbox.resetVoiceStats(id);
    return { type: 'reply', id: request.id, audio: [] };
  }
  const audio: WireAudio[] = request.guilds.map((id) => {
    const a = guildAudio(sandbox, id);
    return { ...a, firstPacketAtEpochMs: toEpoch(a.firstPacketAtMs), lastPacketAtEpochMs: toEpoch(a.lastPacketAtMs) };
  });
  return { type: 'reply', id: request.id, audio };
}

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench/sandbox-process.ts runs as a forked child (an IPC channel is needed)');
  const job = decodeOrThrow('the sandbox job', SandboxJob, JSON.parse(process.argv[2] ?? 'null'));
  const sandbox = await startSandbox({
    guilds: demoGuilds(job.guilds),
    shards: job.shards,
    dataDir: path.join(job.dataDir),
    log: silentLogger,
    monitor: { gapThresholdMs: LATE_MS, decodeEvery: { windowsOutOf: job.decodeWindowsOutOf } },
    dave: job.dave,
    verify: job.verify,
  });
  process.on('message', (raw: unknown) => {
    let id = -1;
    try {
      const request = decodeOrThrow('a sandbox request', SandboxRequest, raw);
      id = request.id;
      send(answer(sandbox, request));
    } catch (err) {
      send({ type: 'failed', id, error: err instanceof Error ? err.message : String(err) } satisfies SandboxMessage);
    }
  });
  process.once('disconnect', () => {
    void sandbox.stop().finally(() => process.exit(0));
  });
  // The client decodes this with SandboxMessage's 'ready' branch.
  send({ type: 'ready', token: sandbox.token, apiBase: sandbox.apiBase, caCertPath: sandbox.caCertPath, guilds: sandbox.guilds });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
