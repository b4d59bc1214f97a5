/**
 * `hiqty run`: configuration, then the app, then signals. The first SIGTERM or SIGINT drains;
 * a second one shortens the drain to checkpoint-release-exit.
 */
import { config as loadDotenv } from 'dotenv';
import { isLeft } from 'fp-ts/Either';
import { EXIT_BAD_CONFIG, loadConfig } from '../config';
import { createLogger } from '../log';
import { startApp } from '../app';

export async function runCommand(env: NodeJS.ProcessEnv): Promise<number> {
  // .env fills in what the real environment does not set; it never overrides it.
  loadDotenv({ quiet: true });
  const decoded = loadConfig(env);
  if (isLeft(decoded)) {
    createLogger('info').fatal({ errors: decoded.left.map((e) => e.message) }, 'bad configuration: fix the variables named here and start again');
    return EXIT_BAD_CONFIG;
  }
  const config = decoded.right;
  const log = createLogger(config.HIQTY_LOG_LEVEL, { instance: config.HIQTY_INSTANCE_ID });

  let app;
  try {
    app = await startApp(config, log);
  } catch (err) {
    log.fatal({ err }, 'could not start');
    return 1;
  }
  const running = app;

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      log.info({ signal }, signals === 1 ? 'draining: current tracks play to their end' : 'second signal: releasing now');
      void running.shutdown(signals === 1 ? 'drain' : 'fast').then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
