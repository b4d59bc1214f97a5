/**
 * The passthrough cost steps alone (`make bench` section 10a), for working on the voice engine:
 * `make build && node dist/bench/engine.js [--counts 0,100,400] [--node-options '...'] [--env NAME=value,...]`. The sandbox
 * runs in its own process with sampled verification and DAVE required, as in `make bench`; the bot
 * runs with the image's node options plus any given (say `--perf-basic-prof`, for `perf record -p` on
 * the bot: it is stopped with SIGKILL, so profiles written at exit never are). Prints each step's
 * progress line, then the steps as JSON.
 */
import { HIQTY_NODE_OPTIONS } from '../app/node-options';
import { measureCostInNewPlayer, type StartSubject } from './cost';
import { FULL } from './config';
import { runProgram } from './program';
import { BenchStage } from './stage';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const counts = (argument('--counts') ?? '0,100,200,400').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 0) || counts[0] !== 0) throw new Error('--counts is a list of guild counts from 0, e.g. 0,100,400');
  const extra = argument('--node-options');
  // `--env NAME=value,NAME=value`: more environment for the bot (say MALLOC_ARENA_MAX=2).
  const env = Object.fromEntries((argument('--env') ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const stage = await BenchStage.start(Math.max(...counts), {}, FULL.dave, { in: 'process', verify: FULL.verify });
  try {
    const url = await stage.tone(440, FULL.trackMs, 'ogg-opus');
    const start: StartSubject = async (s) => {
      const bot = await s.startBot({ ...env, ...(extra === undefined ? {} : { NODE_OPTIONS: `${HIQTY_NODE_OPTIONS} ${extra}` }) });
      return {
        name: 'hiqty',
        pids: [bot.program.pid],
        metricsUrl: `http://127.0.0.1:${bot.httpPort}/metrics`,
        play: (guilds, u) => s.play(guilds, [u]),
        stop: (guilds) => s.stopGuilds(guilds),
        errors: () => [],
        close: () => s.stopBots(),
      };
    };
    const run = await measureCostInNewPlayer(stage, start, 'passthrough', { ...FULL, counts, url, progress: (l) => console.error(l) }, 'engine');
    console.log(JSON.stringify(run.steps.map(({ window: _window, ...step }) => step)));
  } finally {
    await stage.stop();
  }
}

if (require.main === module) runProgram(main);
