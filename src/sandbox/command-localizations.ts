/**
 * The localization maps of application commands as Discord handles them: PUT and POST refuse a map
 * with a key that is not one of Discord's locales or a value over the limit of what it localizes,
 * a localized name of a slash command or option that breaks Discord's naming rules (the pattern, 1-32
 * characters, lower case), and two commands, or two options of one command or subcommand, with the
 * same name in one locale (50035 Invalid Form Body); GET returns the maps only when asked
 * `with_localizations=true` (discord.com/developers/docs/interactions/application-commands#localization
 * and #application-command-naming). Interactions carry the default names whatever the member's locale,
 * as Discord sends them, so the sandbox never puts a localized name in an interaction.
 */
import { Locale } from 'discord.js';

const DISCORD_LOCALES = new Set<string>(Object.values(Locale));

/** Longest text per field: a description 100, a choice name 100, a command or option name 32. */
const LIMITS = { description: 100, choiceName: 100, name: 32 } as const;

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function checkMap(where: string, map: unknown, max: number, problems: string[]): void {
  if (map === undefined || map === null) return;
  if (!isRecord(map)) {
    problems.push(`${where}: not an object`);
    return;
  }
  for (const [locale, text] of Object.entries(map)) {
    if (!DISCORD_LOCALES.has(locale)) problems.push(`${where}.${locale}: not a Discord locale`);
    else if (text !== null && (typeof text !== 'string' || text.length < 1 || text.length > max)) problems.push(`${where}.${locale}: must be 1 to ${max} characters`);
  }
}

/** Discord's pattern for CHAT_INPUT command and option names (with the unicode flag). */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** A localized name of a slash command or option: Discord's pattern, and lower case where the script has case. */
function checkNames(where: string, map: unknown, problems: string[]): void {
  if (!isRecord(map)) return;
  for (const [locale, name] of Object.entries(map)) {
    if (typeof name !== 'string' || !DISCORD_LOCALES.has(locale)) continue;
    if (!CHAT_INPUT_NAME.test(name)) problems.push(`${where}.${locale}: ${JSON.stringify(name)} does not match Discord's name pattern`);
    else if (name !== name.toLowerCase()) problems.push(`${where}.${locale}: ${JSON.stringify(name)} must be lower case`);
  }
}

/** One locale's name of a node: its localized name, or the default one where the map has none. */
function nameIn(node: Record<string, unknown>, locale: string): unknown {
  const map = node.name_localizations;
  const localized = isRecord(map) ? map[locale] : undefined;
  return typeof localized === 'string' ? localized : node.name;
}

/** Siblings (commands of one type, or options of one command or subcommand) must differ in name in every locale they localize. */
function checkUnique(where: string, siblings: readonly Record<string, unknown>[], problems: string[]): void {
  const locales = new Set<string>();
  for (const s of siblings) if (isRecord(s.name_localizations)) for (const l of Object.keys(s.name_localizations)) if (DISCORD_LOCALES.has(l)) locales.add(l);
  for (const locale of locales) {
    const seen = new Set<unknown>();
    for (const s of siblings) {
      const name = nameIn(s, locale);
      if (seen.has(name)) problems.push(`${where}: two have the name ${JSON.stringify(name)} in ${locale}`);
      seen.add(name);
    }
  }
}

function checkNode(where: string, node: Record<string, unknown>, chatInput: boolean, problems: string[]): void {
  checkMap(`${where}.name_localizations`, node.name_localizations, LIMITS.name, problems);
  if (chatInput) checkNames(`${where}.name_localizations`, node.name_localizations, problems);
  checkMap(`${where}.description_localizations`, node.description_localizations, LIMITS.description, problems);
  const options = (Array.isArray(node.options) ? node.options : []).filter(isRecord);
  options.forEach((o, i) => checkNode(`${where}.options.${i}`, o, chatInput, problems));
  checkUnique(`${where}.options`, options, problems);
  const choices = Array.isArray(node.choices) ? node.choices : [];
  choices.forEach((c, i) => {
    if (isRecord(c)) checkMap(`${where}.choices.${i}.name_localizations`, c.name_localizations, LIMITS.choiceName, problems);
  });
}

/** What Discord would refuse in these definitions' localization maps; empty when it would take them. */
export function localizationProblems(definitions: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  // User and message commands (types 2 and 3) may have spaces and capitals; slash commands (1, the default) may not.
  definitions.forEach((d, i) => checkNode(String(i), d, d.type === undefined || d.type === 1, problems));
  for (const type of new Set(definitions.map((d) => d.type ?? 1))) checkUnique('commands', definitions.filter((d) => (d.type ?? 1) === type), problems);
  return problems;
}

/** A definition as GET returns it without `with_localizations=true`: every map left out, at every depth. */
export function withoutLocalizations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocalizations);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'name_localizations' && k !== 'description_localizations') out[k] = withoutLocalizations(v);
  return out;
}
