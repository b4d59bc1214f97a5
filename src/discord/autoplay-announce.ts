/** The announcement of a track autoplay queued, in the guild's language. A failed post is logged by the poster, never fatal. */
import type { AutoplayAnnouncer } from '../autoplay';
import { trackLabel, type GuildSay } from './announce';

export function autoplayAnnouncer(say: GuildSay): AutoplayAnnouncer {
  return {
    added(guild, textChannel, track, after, sourceLabel) {
      say(guild, textChannel, (t) => t('autoplay:announce.added', { title: trackLabel(track), source: sourceLabel, after: trackLabel(after) }));
    },
  };
}
