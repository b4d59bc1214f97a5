/**
 * Discord's localizations of the command definitions: `name_localizations` and `description_localizations`
 * of every command, subcommand (group) and option, and `name_localizations` of every choice, from i18n
 * keys looked up in every namespace (each feature keeps its commands' keys in its own):
 *   cmd.<command>.name / .description                cmd.<command>.<option>.name / .description
 *   cmd.<command>.<sub>.name / .description          cmd.<command>.<sub>.<option>.name / .description
 *   cmd.<command>[.<sub>].<option>.choice.<value>
 * The definitions are walked as JSON, so a new command is localized by adding its keys. A language
 * without a key is left out of the map, and Discord shows the default (English) text for it.
 * Localized names only change what members see and type: interactions still carry the default
 * (English) names of the command, subcommand and options, as Discord sends them, so the handlers
 * (which read options by their English names) are unaffected.
 */
import { Locale as DiscordLocale, type LocalizationMap } from 'discord.js';
import { LOCALES, type Locale } from '../../src/i18n';
import { messageInAnyNamespace } from '../../src/i18n/lookup';

/** The Discord locales each hiqty language serves (discord.com/developers/docs/reference#locales). */
export const DISCORD_LOCALES: Readonly<Record<Locale, readonly DiscordLocale[]>> = {
  en: [DiscordLocale.EnglishUS, DiscordLocale.EnglishGB],
  de: [DiscordLocale.German],
  fr: [DiscordLocale.French],
  es: [DiscordLocale.SpanishES, DiscordLocale.SpanishLATAM],
  'pt-BR': [DiscordLocale.PortugueseBR],
  ja: [DiscordLocale.Japanese],
};

/** Option types whose `options` are options of their own: SUB_COMMAND (1) and SUB_COMMAND_GROUP (2). */
const NESTING_TYPES = new Set([1, 2]);

interface Choice {
  readonly name: string;
  readonly value: string | number;
}

/** What the walk reads of a command or an option; everything else is passed through untouched. */
interface Node {
  readonly name: string;
  readonly description?: string;
  readonly type?: number;
  readonly options?: readonly Node[];
  readonly choices?: readonly Choice[];
}

/** The map for one key, or undefined when no language has it. */
export function localizationsOf(key: string): LocalizationMap | undefined {
  const map: LocalizationMap = {};
  let found = false;
  for (const locale of LOCALES) {
    const text = messageInAnyNamespace(locale, key);
    if (text === undefined) continue;
    for (const discord of DISCORD_LOCALES[locale]) map[discord] = text;
    found = true;
  }
  return found ? map : undefined;
}

/** The map of one key; localizationsOf, or a stand-in in tests. */
export type Lookup = (key: string) => LocalizationMap | undefined;

function localizeChoice<C extends Choice>(choice: C, prefix: string, lookup: Lookup): C {
  const names = lookup(`${prefix}.choice.${String(choice.value)}`);
  return names === undefined ? choice : { ...choice, name_localizations: names };
}

function localizeNode<N extends Node>(node: N, path: string, isCommand: boolean, lookup: Lookup): N {
  const names = lookup(`${path}.name`);
  const descriptions = lookup(`${path}.description`);
  const nested = isCommand || NESTING_TYPES.has(node.type ?? 0);
  return {
    ...node,
    ...(names === undefined ? {} : { name_localizations: names }),
    ...(descriptions === undefined ? {} : { description_localizations: descriptions }),
    ...(node.options === undefined || !nested ? {} : { options: node.options.map((o) => localizeNode(o, `${path}.${o.name}`, false, lookup)) }),
    ...(node.choices === undefined ? {} : { choices: node.choices.map((c) => localizeChoice(c, path, lookup)) }),
  };
}

/** The definitions with every localization their keys provide. */
export function localizeCommands<C extends Node>(definitions: readonly C[], lookup: Lookup = localizationsOf): C[] {
  return definitions.map((d) => localizeNode(d, `cmd.${d.name}`, true, lookup));
}
