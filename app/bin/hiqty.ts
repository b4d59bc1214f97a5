#!/usr/bin/env node
/**
 * The one `hiqty` binary. `hiqty run` runs the bot; the other subcommands (src/cli) are operator tools
 * that talk to Redis directly or to the REST API.
 * Exit codes: 0 ok, 1 runtime error, 2 bad usage or bad configuration.
 */
import { Command, CommanderError } from 'commander';
import { registerCliCommands } from '../../src/cli/commands';

const program = new Command()
  .name('hiqty')
  .description('A Discord music bot whose desired state lives in Redis.')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('run')
  .description('run the bot (the local Discord sandbox when DISCORD_TOKEN is unset)')
  .action(async () => {
    // Exit at once: a connection that is still closing (a Redis that stopped answering) must not keep
    // a drained bot alive past its grace period. Logs are written synchronously, so nothing is lost.
    // Loaded here, so the operator commands start without loading the bot.
    const { runCommand } = await import('./run.js');
    process.exit(await runCommand(process.env));
  });

registerCliCommands(program, process.env);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
