/**
 * The slash command definitions (names and options as issue #5 has them, with /play's file and
 * /search from issue #12). Descriptions say
 * what each option takes, so Discord's own form is the first validation a member meets.
 */
import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody, type SlashCommandStringOption } from 'discord.js';
import { LOCALE_NAMES, LOCALES } from '../../src/i18n';
import { HISTORY_PAGE_SIZE } from '../../src/ops';
import { HISTORY_LENGTH, MAX_QUEUE_LIMIT } from '../../src/state';
import { filterCommand } from './filter-command';
import { FOLLOW_SERVER } from './language';
import { localizeCommands } from './localize';
import { playlistCommand } from './playlist-command';

function command(name: string, description: string): SlashCommandBuilder {
  return new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);
}

/**
 * /play's query and file are both optional (Discord has no "one of"), so the handler asks for one when
 * neither is given. Autocomplete on query is always on: it searches HIQTY_SEARCH_SOURCES as you type.
 */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const builders = [
    command('play', 'Search YouTube and SoundCloud, or play a link or an uploaded audio file')
      .addStringOption((o) =>
        o
          .setName('query')
          .setDescription('Words to search for (yt:, ytm:, sc:, bc: pick a source), or a link')
          .setMaxLength(2000)
          .setAutocomplete(true),
      )
      .addAttachmentOption((o) => o.setName('file').setDescription('An audio file to play (instead of a query)'))
      .addBooleanOption((o) => o.setName('next').setDescription('Play it right after the current track instead of at the end')),
    command('search', 'Search YouTube and SoundCloud and pick results to queue').addStringOption((o) =>
      o.setName('query').setDescription('Words to search for (yt:, ytm:, sc:, bc: pick a source)').setRequired(true).setMaxLength(200),
    ),
    command('skip', 'Skip the current track (starts a vote when others are listening and you are not a DJ)'),
    command('stop', 'Stop playing and empty the queue (DJ)'),
    command('pause', 'Pause the music'),
    command('resume', 'Resume the paused music'),
    command('queue', 'Show the queue, 10 tracks per page').addIntegerOption((o) => o.setName('page').setDescription('Which page to show (1 is the first)').setMinValue(1)),
    command('nowplaying', 'Show the current track, its position and buttons to control it'),
    command('remove', 'Remove a track from the queue (only your own unless you are a DJ)').addIntegerOption((o) =>
      o.setName('index').setDescription('Its number in /queue; 1 is the current track').setRequired(true).setMinValue(1),
    ),
    command('move', 'Move a track to another place in the queue')
      .addIntegerOption((o) => o.setName('from').setDescription('Its number in /queue now; 1 is the current track').setRequired(true).setMinValue(1))
      .addIntegerOption((o) => o.setName('to').setDescription('The number it should have afterwards').setRequired(true).setMinValue(1)),
    command('shuffle', 'Shuffle the queue; the current track keeps playing'),
    command('clear', 'Empty the queue, the current track included (DJ)'),
    command('loop', 'Repeat nothing, the current track, or the whole queue').addStringOption((o) =>
      o
        .setName('mode')
        .setDescription('off, track (repeat the current track) or queue (repeat the whole queue)')
        .setRequired(true)
        .addChoices({ name: 'off', value: 'off' }, { name: 'track', value: 'track' }, { name: 'queue', value: 'queue' }),
    ),
    command('seek', 'Jump to a position in the current track').addStringOption((o) =>
      o.setName('position').setDescription('Where to jump: minutes:seconds like 1:23, or seconds like 83').setRequired(true).setMaxLength(20),
    ),
    command('volume', 'Set the volume (DJ)').addIntegerOption((o) =>
      o.setName('percent').setDescription('From 0 to 200; 100 is the track\'s own level').setRequired(true).setMinValue(0).setMaxValue(200),
    ),
    command('leave', 'Stop, empty the queue and leave the voice channel (DJ)'),
    command('stay', 'Stay in the voice channel 24/7, also when the queue is empty (DJ)').addBooleanOption((o) =>
      o.setName('enabled').setDescription('true: stay in the channel; false: leave after a while with nothing to play').setRequired(true),
    ),
    command('previous', 'Play the last played track again; the current one comes right after it'),
    command('history', 'Show the last played tracks, with a menu to queue them again').addIntegerOption((o) =>
      o.setName('page').setDescription('Which page to show (1 has the newest tracks)').setMinValue(1).setMaxValue(Math.ceil(HISTORY_LENGTH / HISTORY_PAGE_SIZE)),
    ),
    command('skipto', 'Jump to a track in the queue, dropping the ones before it (DJ)').addIntegerOption((o) =>
      o.setName('index').setDescription('Its number in /queue; 1 is the current track').setRequired(true).setMinValue(1),
    ),
    command('lyrics', 'Show the lyrics of the current track (from LRCLIB)'),
    command('autoplay', 'When the queue runs out, keep playing related tracks (DJ)').addStringOption((o) =>
      o
        .setName('mode')
        .setDescription('on: queue a related track when the queue runs out; off: stop at the end of the queue')
        .setRequired(true)
        .addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }),
    ),
    command('settings', 'Show or change the DJ role, queue limits, announce channel and language (Manage Server)')
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
      .addRoleOption((o) => o.setName('dj_role').setDescription('The role that may stop, clear, change the volume and skip without a vote'))
      .addBooleanOption((o) => o.setName('clear_dj_role').setDescription('true: remove the DJ role, so everyone may do everything'))
      .addIntegerOption((o) => o.setName('max_queue').setDescription(`Longest queue, current track included (0: back to the default)`).setMinValue(0).setMaxValue(MAX_QUEUE_LIMIT))
      .addIntegerOption((o) => o.setName('max_per_user').setDescription('Most tracks one member may have queued (0: no limit)').setMinValue(0).setMaxValue(MAX_QUEUE_LIMIT))
      .addChannelOption((o) => o.setName('announce_channel').setDescription('Where the now-playing message goes').addChannelTypes(ChannelType.GuildText))
      .addStringOption(languageOption),
    playlistCommand(),
    filterCommand(command),
  ];
  // Descriptions and choice names in every language from the i18n keys cmd.<command>... (./localize.ts).
  return localizeCommands(builders.map((b) => b.toJSON()));
}

/** Each language's name in itself (not translated: a member looks for their own), then "follow the server". */
function languageOption(o: SlashCommandStringOption): SlashCommandStringOption {
  return o
    .setName('language')
    .setDescription("The language of the bot's announcements in this server")
    .addChoices(...LOCALES.map((l) => ({ name: LOCALE_NAMES[l], value: l })), { name: "Follow the server's Discord language", value: FOLLOW_SERVER });
}
