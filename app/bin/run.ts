/**
 * `hiqty run`: configuration, then the app, then signals. The first SIGTERM or SIGINT drains;
 * a second one shortens the drain to checkpoint-release-exit. Without DISCORD_TOKEN it plays
 * against the bundled local Discord sandbox (see sandbox-mode.ts).
 */
import { config as loadDotenv } from 'dotenv';
import { isLeft } from 'fp-ts/Either';
import { startApp, type DiscordTarget } from '../app';
import type { Redis } from 'ioredis';
import { EXIT_BAD_CONFIG, loadConfig, type Config } from '../../src/config';
import { peerAddress } from '../../src/state/failover-watch';
import { RedisMisconfigured } from '../../src/state/redis-check';
import { createLogger, type Logger } from '../../src/log';
import { isClosedUdpKeepAlive } from '../../src/voice/engine/known-races';

/**
 * After a first SIGTERM, the process exits this long after the drain timeout even if shutdown hangs.
 * Default 4000: the drain ends within HIQTY_DRAIN_TIMEOUT_MS plus this, well inside the chart's 20 s margin.
 */
export const HARD_EXIT_MARGIN_MS = 4000;

async function discordTarget(config: Config, log: Logger, stack: Array<() => Promise<void>>): Promise<{ target: DiscordTarget; config: Config; afterStart: (app: { redis: Redis }) => void }> {
  if (config.DISCORD_TOKEN !== undefined) {
    return { target: { token: config.DISCORD_TOKEN, apiBase: config.DISCORD_API_BASE }, config, afterStart: () => {} };
  }
  // Loaded only here: a bot on real Discord never carries the sandbox (its certificates, tones, fakes).
  const { startSandboxMode } = await import('./sandbox-mode.js');
  const sandbox = await startSandboxMode(config, log);
  stack.push(() => sandbox.stop());
  return { target: sandbox.target, config: sandbox.config, afterStart: (app) => sandbox.printHowTo(peerAddress(app.redis) ?? 'unknown:0') };
}

export async function runCommand(env: NodeJS.ProcessEnv): Promise<number> {
  // .env fills in what the real environment does not set; it never overrides it.
  loadDotenv({ quiet: true });
  const decoded = loadConfig(env);
  if (isLeft(decoded)) {
    createLogger('info').fatal({ errors: decoded.left.map((e) => e.message) }, 'bad configuration: fix the variables named here and start again');
    return EXIT_BAD_CONFIG;
  }
  const log = createLogger(decoded.right.HIQTY_LOG_LEVEL, { instance: decoded.right.HIQTY_INSTANCE_ID });
  // A promise nobody awaited is a bug, but one guild's bug must not stop the music of every other guild.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (a bug): logged, and the bot carries on'));
  process.on('uncaughtException', (err) => {
    // One library bug is known and harmless to the rest: a keep-alive of an already closed voice UDP
    // socket (see src/voice/engine/known-races.ts). Anything else is unknown state: log it and exit as Node would.
    if (isClosedUdpKeepAlive(err)) {
      log.warn({ err }, 'a closed voice UDP socket was sent to (a known @discordjs/voice race): ignored');
      return;
    }
    log.fatal({ err }, 'uncaught exception: exiting');
    process.exit(1);
  });
  const after: Array<() => Promise<void>> = [];

  let app;
  try {
    const { target, config, afterStart } = await discordTarget(decoded.right, log, after);
    app = await startApp(config, target, log);
    afterStart(app);
  } catch (err) {
    if (err instanceof RedisMisconfigured) {
      // One line naming the setting to fix (no credentials in it), as for any other bad configuration.
      log.fatal({ errors: [err.message] }, 'bad configuration: fix the variables named here and start again');
      for (const stop of after.reverse()) await stop().catch(() => {});
      return EXIT_BAD_CONFIG;
    }
    log.fatal({ err }, 'could not start');
    for (const stop of after.reverse()) await stop().catch(() => {});
    return 1;
  }
  const running = app;
  const config = running.config;

  return new Promise<number>((resolve) => {
    let signals = 0;
    const finish = async (code: number): Promise<void> => {
      for (const stop of after.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'a stop step failed'));
      after.length = 0;
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      log.info({ signal }, signals === 1 ? 'draining: current tracks play to their end' : 'second signal: releasing now');
      if (signals > 1) {
        void running.shutdown('fast');
        return;
      }
      // The last line of defence: whatever hangs (a Redis that stopped answering, a stuck teardown step),
      // the process ends inside the pod's grace period, which the chart keeps 20 s above the drain timeout.
      setTimeout(() => {
        const held = running.player.keeper.size;
        log.warn({ held, afterMs: config.HIQTY_DRAIN_TIMEOUT_MS + HARD_EXIT_MARGIN_MS }, 'shutdown did not finish within the drain timeout: exiting now');
        resolve(held === 0 ? 0 : 1);
      }, config.HIQTY_DRAIN_TIMEOUT_MS + HARD_EXIT_MARGIN_MS).unref();
      void running.shutdown('drain').then(finish, async (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        await finish(1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

