/** Messages the Player posts in a guild's text channel. A failed post is logged, never fatal. */
import type { Client } from 'discord.js';
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

/** The name members recognise a track by: its title, else its URL. */
export function trackLabel(track: Track): string {
  return track.title !== undefined && track.title.trim() !== '' ? track.title : track.url;
}

export function announcer(poster: TextPoster) {
  return {
    unplayable(_guild: string, textChannel: string | undefined, track: Track, reason: string): void {
      if (textChannel === undefined) return;
      void poster.post(textChannel, `⚠️ Skipped **${trackLabel(track)}**: ${reason}. It was moved to the quarantine; the queue goes on.`);
    },
    playedElsewhere(_guild: string, textChannel: string | undefined, track: Track, via: PlanVia): void {
      if (textChannel === undefined) return;
      void poster.post(textChannel, `🔁 **${trackLabel(track)}**: ${via.because ?? 'its source could not play it'}; playing it from ${via.label}.`);
    },
    streamEnded(_guild: string, textChannel: string | undefined, track: Track, reason: string): void {
      if (textChannel === undefined) return;
      const who = track.artist !== undefined && track.artist.trim() !== '' ? `**${track.artist}** went offline: ` : '';
      void poster.post(textChannel, `📴 ${who}the live stream **${trackLabel(track)}** is over (${reason}). The queue goes on.`);
    },
  };
}
