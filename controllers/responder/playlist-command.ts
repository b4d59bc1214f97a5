/**
 * /playlist's definition: seven subcommands, each with `scope` (mine, the default, or server). The
 * English texts are the ones in src/i18n/messages/playlists.ts (`cmd.playlist.*`), which also carries
 * their translations; the definition reads them from there so the two cannot drift apart.
 */
import { InteractionContextType, SlashCommandBuilder, type SlashCommandStringOption, type SlashCommandSubcommandBuilder, type SlashCommandSubcommandsOnlyBuilder } from 'discord.js';
import { translator } from '../../src/i18n';
import { MAX_PLAYLIST_NAME_LENGTH } from '../../src/state';

export const PLAYLIST_SCOPES = ['mine', 'server'] as const;
export type PlaylistScope = (typeof PLAYLIST_SCOPES)[number];

export function playlistCommand(): SlashCommandSubcommandsOnlyBuilder {
  const t = translator('en');
  const text = (key: string): string => t(`playlists:cmd.playlist.${key}`);

  const scope = (sub: string) => (o: SlashCommandStringOption) =>
    o
      .setName('scope')
      .setDescription(text(`${sub}.scope.description`))
      .addChoices(...PLAYLIST_SCOPES.map((value) => ({ name: text(`${sub}.scope.choice.${value}`), value })));
  const name = (sub: string, autocomplete: boolean) => (o: SlashCommandStringOption) =>
    o.setName('name').setDescription(text(`${sub}.name.description`)).setRequired(true).setMaxLength(MAX_PLAYLIST_NAME_LENGTH).setAutocomplete(autocomplete);
  const sub = (s: SlashCommandSubcommandBuilder, key: string) => s.setName(key).setDescription(text(`${key}.description`));

  return new SlashCommandBuilder()
    .setName('playlist')
    .setDescription(text('description'))
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      sub(s, 'save')
        .addStringOption(name('save', false))
        .addStringOption(scope('save'))
        .addBooleanOption((o) => o.setName('replace').setDescription(text('save.replace.description'))),
    )
    .addSubcommand((s) =>
      sub(s, 'load')
        .addStringOption(name('load', true))
        .addStringOption(scope('load'))
        .addBooleanOption((o) => o.setName('next').setDescription(text('load.next.description'))),
    )
    .addSubcommand((s) => sub(s, 'list').addStringOption(scope('list')))
    .addSubcommand((s) => sub(s, 'show').addStringOption(name('show', true)).addStringOption(scope('show')))
    .addSubcommand((s) => sub(s, 'delete').addStringOption(name('delete', true)).addStringOption(scope('delete')))
    .addSubcommand((s) =>
      sub(s, 'rename')
        .addStringOption(name('rename', true))
        .addStringOption((o) => o.setName('new_name').setDescription(text('rename.new_name.description')).setRequired(true).setMaxLength(MAX_PLAYLIST_NAME_LENGTH))
        .addStringOption(scope('rename')),
    )
    .addSubcommand((s) => sub(s, 'add').addStringOption(name('add', true)).addStringOption(scope('add')));
}
