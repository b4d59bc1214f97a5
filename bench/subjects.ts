/**
 * The two players under measurement behind one interface: hiqty (driven through Redis, its public
 * contract) and the baseline (driven through its stdin). Both play into the same sandbox.
 */
import type { GuildSpec } from '../src/sandbox';
import { waitFor } from '../test/support/wait';
import { encodeCommand, type BaselineCommand } from './baseline/protocol';
import { cleanEnv, killProgram, startProgram, type Program } from './procs';
import { voiceChannel, type BenchStage } from './stage';

export interface Subject {
  readonly name: 'hiqty' | 'baseline';
  /** The processes whose trees are measured. */
  readonly pids: readonly number[];
  /** Where the player's Prometheus metrics are (hiqty's engine counters), when it has them. */
  readonly metricsUrl?: string;
  play(guilds: readonly GuildSpec[], url: string): Promise<void>;
  stop(guilds: readonly GuildSpec[]): Promise<void>;
  /** Errors the player reported itself (the baseline prints them; hiqty's are in Redis quarantine). */
  errors(): string[];
  close(): Promise<void>;
}

export async function hiqtySubject(stage: BenchStage): Promise<Subject> {
  const bot = await stage.startBot();
  return {
    name: 'hiqty',
    pids: [bot.program.pid],
    metricsUrl: `http://127.0.0.1:${bot.httpPort}/metrics`,
    play: (guilds, url) => stage.play(guilds, [url]),
    stop: (guilds) => stage.stopGuilds(guilds),
    errors: () => [],
    close: () => stage.stopBots(),
  };
}

/**
 * opusscript 0.0.8 indexes its 16-bit PCM view with a byte address, so in one process only the
 * encoders in the lower half of its fixed WebAssembly heap work: from the 21st on, every encode throws
 * "RangeError: offset is out of bounds". A bot on opusscript therefore shards: one process per 20
 * guilds, all started before the 0-guild step (so their idle RSS is in RSS(0), not in the slope).
 */
export const BASELINE_GUILDS_PER_PROCESS = 20;

export async function baselineSubject(stage: BenchStage, maxGuilds: number): Promise<Subject> {
  const sb = stage.connection;
  const count = Math.max(1, Math.ceil(maxGuilds / BASELINE_GUILDS_PER_PROCESS));
  const programs = await Promise.all(
    Array.from({ length: count }, async () => {
      const program = startProgram('bench/baseline/main', [], cleanEnv({ BASELINE_TOKEN: sb.token, BASELINE_API_BASE: sb.apiBase, NODE_EXTRA_CA_CERTS: sb.caCertPath }));
      await program.waitForLine('the baseline to log in', (l) => l.msg === 'ready' || l.msg === 'fatal', 60_000);
      const fatal = program.lines.find((l) => l.msg === 'fatal');
      if (fatal) throw new Error(`baseline failed to start: ${JSON.stringify(fatal)}`);
      return program;
    }),
  );
  /** Guild i of the sandbox always goes to the same process, 20 per process. */
  const index = new Map(stage.guilds.map((g, i) => [g.id, i]));
  const programOf = (g: GuildSpec): Program => {
    const p = programs[Math.floor((index.get(g.id) ?? 0) / BASELINE_GUILDS_PER_PROCESS) % programs.length];
    if (!p) throw new Error('no baseline process');
    return p;
  };
  const send = async (guilds: readonly GuildSpec[], command: (g: GuildSpec) => BaselineCommand): Promise<void> => {
    await Promise.all(
      programs.map(
        (program) =>
          new Promise<void>((resolve, reject) => {
            const text = guilds.filter((g) => programOf(g) === program).map((g) => encodeCommand(command(g))).join('');
            if (text === '') return resolve();
            program.child.stdin?.write(text, (err) => (err ? reject(err) : resolve()));
          }),
      ),
    );
  };
  return {
    name: 'baseline',
    pids: programs.map((p) => p.pid),
    play: (guilds, url) => send(guilds, (g) => ({ op: 'play', guild: g.id, channel: voiceChannel(g), url })),
    stop: (guilds) => send(guilds, (g) => ({ op: 'stop', guild: g.id })),
    errors: () => programs.flatMap((p) => p.lines.filter((l) => l.msg === 'error').map((l) => String(l.err))),
    close: async () => {
      for (const p of programs) p.child.stdin?.end();
      await waitFor('the baseline to exit', () => programs.every((p) => !p.alive()), { timeoutMs: 3000 }).catch(() => undefined);
      await Promise.all(programs.map(killProgram));
    },
  };
}
