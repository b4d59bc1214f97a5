/**
 * One `player` request with one client from the table: a fresh answer per play, since the media
 * URLs in it are signed for the asking client and address and expire within hours.
 */
import { isLeft } from 'fp-ts/Either';
import { decode } from '../../codecs';
import { call, notOk } from './calls';
import type { YoutubeClient } from './clients';
import { PlayerResponse } from './player-response';
import type { YoutubeSession } from './session';

export type PlayerAnswer =
  | { readonly kind: 'ok'; readonly response: PlayerResponse }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export async function requestPlayer(session: YoutubeSession, videoId: string, client: YoutubeClient, signal: AbortSignal | undefined): Promise<PlayerAnswer> {
  const poToken = session.deps.poToken;
  const answered = await call(signal, async () => {
    const innertube = await session.innertube();
    return innertube.actions.execute('/player', {
      videoId,
      client: client.id,
      racyCheckOk: true,
      contentCheckOk: true,
      playbackContext: { contentPlaybackContext: { html5Preference: 'HTML5_PREF_WANTS' } },
      ...(poToken !== undefined ? { serviceIntegrityDimensions: { poToken } } : {}),
      parse: false,
    });
  });
  if (answered.kind !== 'ok') return notOk(answered);
  const decoded = decode(PlayerResponse, answered.value.data);
  if (isLeft(decoded)) return { kind: 'failed', reason: `YouTube's player answer (${client.id}) was not understood: ${decoded.left.slice(0, 3).join('; ')}` };
  await session.noteVisitorData(decoded.right.responseContext?.visitorData);
  return { kind: 'ok', response: decoded.right };
}
