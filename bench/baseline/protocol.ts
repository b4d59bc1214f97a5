/** The baseline player's stdin protocol: one JSON command a line, decoded without casts. */

export type BaselineCommand =
  | { readonly op: 'play'; readonly guild: string; readonly channel: string; readonly url: string }
  | { readonly op: 'stop'; readonly guild: string };

function field(o: object, name: string): string {
  const v: unknown = Object.getOwnPropertyDescriptor(o, name)?.value;
  if (typeof v !== 'string') throw new Error(`"${name}" must be a string`);
  return v;
}

export function decodeCommand(line: string): BaselineCommand {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('a command is a JSON object');
  const op = field(parsed, 'op');
  if (op === 'play') return { op, guild: field(parsed, 'guild'), channel: field(parsed, 'channel'), url: field(parsed, 'url') };
  if (op === 'stop') return { op, guild: field(parsed, 'guild') };
  throw new Error(`unknown op ${op}`);
}

export function encodeCommand(command: BaselineCommand): string {
  return `${JSON.stringify(command)}\n`;
}
