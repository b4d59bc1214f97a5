/**
 * What the voice engine's end-to-end tests share: the sandbox with DAVE required, a real discord.js
 * client logged into it, a fixture server with the tests' tone files, the guild and voice channel they
 * join, and the engine events they collect (with lookups over them).
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, GatewayIntentBits } from 'discord.js';
import { silentLogger } from '../../src/log';
import { startSandbox, trustSandboxCa, type Sandbox } from '../../src/sandbox';
import { startFixtureServer, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import type { EngineEvent } from '../../src/voice/engine/contract';

export type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

export interface VoiceStage {
  readonly sb: Sandbox;
  readonly client: Client;
  readonly fixtures: FixtureServer;
  readonly guildId: string;
  readonly channelId: string;
  /** The tone files' names on the fixture server, in the order asked. */
  readonly tones: readonly string[];
  stop(): Promise<void>;
}

export async function startVoiceStage(prefix: string, tones: ReadonlyArray<{ readonly hz: number; readonly durationMs: number }>): Promise<VoiceStage> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const names = [];
  for (const tone of tones) names.push(path.basename(await makeTone({ ...tone, format: 'ogg-opus', dir })));
  const fixtures = await startFixtureServer({ dir });
  const sb = await startSandbox({ dave: 'required', log: silentLogger });
  // A voice worker trusts what this thread trusts (WorkerData.caCertificates).
  trustSandboxCa(sb.caCertPem);
  const guild = sb.guilds[0];
  const channel = guild?.voiceChannels[0];
  assert.ok(guild && channel);
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: sb.apiBase } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(sb.token);
  await ready;
  return {
    sb,
    client,
    fixtures,
    guildId: guild.id,
    channelId: channel.id,
    tones: names,
    async stop() {
      await client.destroy();
      await sb.stop();
      await fixtures.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The last position reported for a play among the events, -1 before any. */
export function lastPosition(events: readonly EngineEvent[], play: number): number {
  let last = -1;
  for (const e of events) if (e.type === 'positions') for (const p of e.entries) if (p.play === play) last = p.positionMs;
  return last;
}
