/**
 * Slash commands typed into the terminal of `make run` without a token: `/play never gonna give you up`
 * becomes the interaction a member of the demo guild would send, through the sandbox, and the bot's
 * answer is printed. `name:value` pairs set options by name (`/volume percent:50`); otherwise the words
 * after the command fill its first option. The sandbox is Discord here; the bot cannot tell.
 */
import * as readline from 'node:readline';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Sandbox, GuildSpec, UserView } from '../../src/sandbox';

const OptionDefs = t.array(t.intersection([t.type({ name: t.string, type: t.number }), t.partial({ options: t.unknown })]));

/** Discord's option types that take a value (3 string, 4 integer, 5 boolean, 10 number; 1 and 2 are subcommands). */
function valueOf(type: number, text: string): string | number | boolean {
  if (type === 4 || type === 10) return Number(text);
  if (type === 5) return text === 'true' || text === 'yes' || text === '1';
  return text;
}

export function parseConsoleLine(line: string, definitions: readonly { readonly name: string; readonly [k: string]: unknown }[]): { name: string; options: Record<string, string | number | boolean> } | { error: string } {
  const m = /^\/(\S+)\s*(.*)$/.exec(line.trim());
  if (m === null) return { error: 'type a slash command, e.g. /play never gonna give you up' };
  const [, name = '', rest = ''] = m;
  const definition = definitions.find((d) => d.name === name);
  if (definition === undefined) return { error: `no command /${name} (try ${definitions.map((d) => `/${d.name}`).join(' ')})` };
  const decoded = OptionDefs.decode(definition.options ?? []);
  const defs = isLeft(decoded) ? [] : decoded.right;
  const options: Record<string, string | number | boolean> = {};
  const named = [...rest.matchAll(/(\w+):(\S+)/g)].filter((p) => defs.some((d) => d.name === p[1]));
  if (named.length > 0) {
    for (const [, key = '', value = ''] of named) options[key] = valueOf(defs.find((d) => d.name === key)?.type ?? 3, value);
  } else if (rest.trim() !== '') {
    const first = defs.find((d) => d.type >= 3);
    if (first === undefined) return { error: `/${name} takes no options` };
    options[first.name] = valueOf(first.type, rest.trim());
  }
  return { name, options };
}

function describe(view: UserView): string {
  const embeds = view.embeds.map((e) => JSON.stringify(e)).join(' ');
  return `${view.ephemeral ? '(only you can see this) ' : ''}${view.content}${embeds === '' ? '' : ` ${embeds}`}`;
}

/** Reads commands from stdin until it closes; returns a function that stops reading. */
export function startSandboxConsole(sandbox: Sandbox, guild: GuildSpec, write: (line: string) => void): () => void {
  const user = Object.keys(guild.voice ?? {})[0] ?? guild.members[0]?.id;
  const channelId = guild.textChannels[0]?.id;
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    if (line.trim() === '' || user === undefined) return;
    const definitions = [...sandbox.registeredCommands('global'), ...sandbox.registeredCommands(guild.id)];
    const parsed = parseConsoleLine(line, definitions);
    if ('error' in parsed) return write(parsed.error);
    sandbox.command(guild.id, user, parsed.name, parsed.options, { ...(channelId === undefined ? {} : { channelId }) }).then(
      (view) => write(describe(view)),
      (err: unknown) => write(`the command failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  return () => lines.close();
}
