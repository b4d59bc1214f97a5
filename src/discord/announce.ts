/**
 * Messages the Player posts in a guild's text channel, in the guild's language (src/i18n/guild.ts).
 * A failed post is logged, never fatal.
 *
 * Known limit: the reasons inside them (`reason`, `via.because`) come from the sources and the media
 * layer in English (e.g. "refused: 10.1.2.3 is a private address"), and stay English inside the
 * translated sentence; so do service names (`via.label`).
 */
import type { Client } from 'discord.js';
import { DEFAULT_LOCALE, translator, type Locale, type Translate } from '../i18n';
import type { Logger } from '../log';
import type { PlanVia } from '../media/plan';
import type { Track } from '../state';

export interface TextPoster {
  post(channelId: string, content: string): Promise<void>;
}

export function discordTextPoster(client: Client, log: Logger): TextPoster {
  return {
    async post(channelId, content) {
      try {
        const channel = await client.channels.fetch(channelId);
        if (channel?.isSendable()) await channel.send({ content, allowedMentions: { parse: [] } });
        else log.warn({ channelId }, 'announce channel is not a text channel this bot can post in');
      } catch (err) {
        log.warn({ channelId, err }, 'could not post an announcement');
      }
    },
  };
}

/** The language a guild's announcements are written in; see src/discord/guild-locale.ts. */
export type GuildLocaleOf = (guild: string) => Promise<Locale>;

/** The name members recognise a track by: its title, else its URL. */
export function trackLabel(track: Track): string {
  return track.title !== undefined && track.title.trim() !== '' ? track.title : track.url;
}

/** Writes one announcement in the guild's language and posts it; nothing when the guild has no text channel. */
export type GuildSay = (guild: string, textChannel: string | undefined, write: (t: Translate) => string) => void;

/** A lookup that fails (Redis away) does not cost the announcement: it goes out in English. */
export function guildSay(poster: TextPoster, localeOf: GuildLocaleOf, log?: Logger): GuildSay {
  return (guild, textChannel, write) => {
    if (textChannel === undefined) return;
    void (async () => {
      let locale: Locale = DEFAULT_LOCALE;
      try {
        locale = await localeOf(guild);
      } catch (err) {
        log?.warn({ guild, err }, 'could not read the guild language: announcing in English');
      }
      await poster.post(textChannel, write(translator(locale)));
    })();
  };
}

export function announcer(poster: TextPoster, localeOf: GuildLocaleOf, log?: Logger) {
  const say = guildSay(poster, localeOf, log);
  return {
    unplayable(guild: string, textChannel: string | undefined, track: Track, reason: string): void {
      say(guild, textChannel, (t) => t('announce:unplayable', { track: trackLabel(track), reason }));
    },
    playedElsewhere(guild: string, textChannel: string | undefined, track: Track, via: PlanVia): void {
      say(guild, textChannel, (t) => t('announce:played-elsewhere', { track: trackLabel(track), because: via.because ?? t('announce:played-elsewhere-no-reason'), source: via.label }));
    },
    streamEnded(guild: string, textChannel: string | undefined, track: Track, reason: string): void {
      const artist = track.artist !== undefined && track.artist.trim() !== '' ? track.artist : undefined;
      say(guild, textChannel, (t) =>
        artist === undefined ? t('announce:stream-ended', { track: trackLabel(track), reason }) : t('announce:stream-ended-artist', { artist, track: trackLabel(track), reason }),
      );
    },
  };
}
