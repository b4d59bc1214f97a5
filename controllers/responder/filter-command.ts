/**
 * The /filter command's definition (English; the translations are in src/i18n/messages/filters.ts under
 * `cmd.filter.*`). Discord's own form checks the bounds first; the op checks them again for the REST
 * API and the CLI, and for a client that skips the form.
 */
import { SlashCommandBuilder, type SlashCommandSubcommandBuilder } from 'discord.js';
import { BASS_LEVELS, EQ_BAND_COUNT, EQ_MAX_DB, EQ_MIN_DB, FACTOR_MAX, FACTOR_MIN, FILTER_PARTS, PRESETS } from '../../src/filters';
import { translator } from '../../src/i18n';

const en = translator('en');

function choices<V extends string>(sub: string, option: string, values: readonly V[]): Array<{ name: string; value: V }> {
  return values.map((value) => ({ name: en(`filters:cmd.filter.${sub}.${option}.choice.${value}`), value }));
}

function factor(b: SlashCommandSubcommandBuilder, name: 'speed' | 'pitch' | 'rate'): SlashCommandSubcommandBuilder {
  return b
    .setName(name)
    .setDescription(en(`filters:cmd.filter.${name}.description`))
    .addNumberOption((o) => o.setName('value').setDescription(en(`filters:cmd.filter.${name}.value.description`)).setRequired(true).setMinValue(FACTOR_MIN).setMaxValue(FACTOR_MAX));
}

/** Added to the command list by commands.ts; the builder there sets the guild-only context. */
export function filterCommand(command: (name: string, description: string) => SlashCommandBuilder): SlashCommandBuilder {
  const c = command('filter', en('filters:cmd.filter.description'));
  c.addSubcommand((s) =>
    s
      .setName('preset')
      .setDescription(en('filters:cmd.filter.preset.description'))
      .addStringOption((o) => o.setName('name').setDescription(en('filters:cmd.filter.preset.name.description')).setRequired(true).addChoices(...choices('preset', 'name', PRESETS)))
      .addStringOption((o) => o.setName('level').setDescription(en('filters:cmd.filter.preset.level.description')).addChoices(...choices('preset', 'level', BASS_LEVELS))),
  );
  c.addSubcommand((s) =>
    s
      .setName('equalizer')
      .setDescription(en('filters:cmd.filter.equalizer.description'))
      .addIntegerOption((o) => o.setName('band').setDescription(en('filters:cmd.filter.equalizer.band.description')).setMinValue(1).setMaxValue(EQ_BAND_COUNT))
      .addNumberOption((o) => o.setName('gain').setDescription(en('filters:cmd.filter.equalizer.gain.description')).setMinValue(EQ_MIN_DB).setMaxValue(EQ_MAX_DB))
      .addStringOption((o) => o.setName('bands').setDescription(en('filters:cmd.filter.equalizer.bands.description')).setMaxLength(100)),
  );
  c.addSubcommand((s) => factor(s, 'speed'));
  c.addSubcommand((s) => factor(s, 'pitch'));
  c.addSubcommand((s) => factor(s, 'rate'));
  c.addSubcommand((s) =>
    s
      .setName('off')
      .setDescription(en('filters:cmd.filter.off.description'))
      .addStringOption((o) => o.setName('name').setDescription(en('filters:cmd.filter.off.name.description')).addChoices(...choices('off', 'name', FILTER_PARTS))),
  );
  c.addSubcommand((s) => s.setName('show').setDescription(en('filters:cmd.filter.show.description')));
  return c;
}
