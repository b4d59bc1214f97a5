/** The announcement of a track autoplay queued, in the guild's language. A failed post is logged by the poster, never fatal. */
import type { AutoplayAnnouncer } from '../autoplay';
import { translator, type Locale } from '../i18n';
import type { TextPoster } from './announce';
import { trackLabel } from './announce';

/** `locale`: the guild's language (its preferred_locale or /settings language; English until that is known). */
export function autoplayAnnouncer(poster: TextPoster, locale: (guild: string) => Locale): AutoplayAnnouncer {
  return {
    added(guild, textChannel, track, after, sourceLabel) {
      const t = translator(locale(guild));
      void poster.post(textChannel, t('autoplay:announce.added', { title: trackLabel(track), source: sourceLabel, after: trackLabel(after) }));
    },
  };
}
