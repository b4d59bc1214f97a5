/**
 * The YouTube and YouTube Music sources (DESIGN.md §6 "Services"): youtubei.js over hiqty's Fetcher,
 * without YouTube's player JavaScript. Every failure is an outcome; nothing here throws.
 */
import { YTNodes, type Innertube } from 'youtubei.js';
import type { PlanOutcome } from '../../media/plan';
import type { PlayableTrack, ResolveOutcome, SearchOutcome, Source, SourceTrack } from '../types';
import { call, notOk } from './calls';
import { chooseFormat } from './formats';
import { parseYoutubeLink, storedVideoId, YOUTUBE_HOSTS, YOUTUBE_MUSIC_HOSTS, youtubePlaylistUrl, type YoutubeLink } from './links';
import { requestPlayer } from './player';
import { unplayableReason } from './player-response';
import { youtubeRelated } from './related';
import { youtubeSession, type YoutubeDeps, type YoutubeSession } from './session';
import { fromMusicItem, fromPanelVideo, fromPlaylistVideo, fromVideo, fromVideoDetails, type Flavour } from './tracks';

/** Default cap on the tracks read from one playlist: 500 (five continuation pages after the first). */
export const DEFAULT_PLAYLIST_MAX_TRACKS = 500;
/** Default cap on the pages read from one playlist: 20, so a playlist that never ends cannot loop forever. */
export const DEFAULT_PLAYLIST_MAX_PAGES = 20;

function sessionOf(deps: YoutubeDeps | YoutubeSession): YoutubeSession {
  return 'innertube' in deps ? deps : youtubeSession(deps);
}

/** An error youtubei.js raised for an alert in a 200 answer ("The playlist does not exist."): the item's fault, not the service's. */
function alertOf(error: unknown): string | undefined {
  return error instanceof Error && 'info' in error && error.info instanceof YTNodes.Alert ? error.message : undefined;
}

async function resolveVideo(session: YoutubeSession, flavour: Flavour, videoId: string, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
  const client = session.deps.clients[0];
  if (client === undefined) return { kind: 'failed', reason: 'no YouTube client is configured' };
  const answer = await requestPlayer(session, videoId, client, signal);
  if (answer.kind !== 'ok') return answer;
  const unplayable = unplayableReason(answer.response);
  if (unplayable !== undefined) return { kind: 'unavailable', reason: unplayable };
  const details = answer.response.videoDetails;
  if (details === undefined) return { kind: 'failed', reason: "YouTube's player answer had no video details" };
  return { kind: 'tracks', tracks: [fromVideoDetails(flavour, details)] };
}

async function resolvePlaylist(session: YoutubeSession, flavour: Flavour, link: Extract<YoutubeLink, { kind: 'playlist' }>, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
  const read = await call(signal, async () => {
    const innertube = await session.innertube();
    let page = await innertube.getPlaylist(link.playlistId);
    const title = page.info.title ?? link.playlistId;
    const tracks: SourceTrack[] = [];
    for (let pages = 1; ; pages++) {
      for (const item of page.items) {
        if (item instanceof YTNodes.PlaylistVideo && item.is_playable !== false) tracks.push(fromPlaylistVideo(flavour, item));
      }
      if (!page.has_continuation || tracks.length >= DEFAULT_PLAYLIST_MAX_TRACKS || pages >= DEFAULT_PLAYLIST_MAX_PAGES) break;
      page = await page.getContinuation();
    }
    return { title, tracks: tracks.slice(0, DEFAULT_PLAYLIST_MAX_TRACKS) };
  });
  if (read.kind === 'cancelled') return read;
  if (read.kind === 'failed') {
    const alert = alertOf(read.error);
    return alert !== undefined ? { kind: 'unavailable', reason: `YouTube says: ${alert}` } : { kind: 'failed', reason: read.reason };
  }
  const from = link.fromVideoId === undefined ? -1 : read.value.tracks.findIndex((t) => t.sourceId === link.fromVideoId);
  const tracks = from > 0 ? read.value.tracks.slice(from) : read.value.tracks;
  if (tracks.length === 0) return { kind: 'empty', what: 'this YouTube playlist' };
  return { kind: 'tracks', tracks, playlist: { url: youtubePlaylistUrl(link.playlistId, flavour === 'youtube-music'), title: read.value.title } };
}

async function resolveMix(session: YoutubeSession, flavour: Flavour, link: Extract<YoutubeLink, { kind: 'mix' }>, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
  const read = await call(signal, async () => {
    const innertube = await session.innertube();
    const next = await innertube.actions.execute('/next', { videoId: link.videoId, playlistId: link.playlistId, parse: true });
    // youtube.com puts the mix beside the video (twoColumnWatchNextResults.playlist); music.youtube.com in a playlistPanelRenderer.
    const beside = next.contents_memo?.getType(YTNodes.TwoColumnWatchNextResults)[0]?.playlist;
    const panel = next.contents_memo?.getType(YTNodes.PlaylistPanel)[0];
    const items = (beside?.contents ?? panel?.contents)?.filterType(YTNodes.PlaylistPanelVideo) ?? [];
    return { title: beside?.title ?? panel?.title ?? 'Mix', tracks: items.map((v) => fromPanelVideo(flavour, v)) };
  });
  if (read.kind !== 'ok') return notOk(read);
  if (read.value.tracks.length === 0) return { kind: 'empty', what: 'this YouTube mix' };
  return { kind: 'tracks', tracks: read.value.tracks, playlist: { url: `${youtubeWatchBase(flavour)}?v=${link.videoId}&list=${link.playlistId}`, title: read.value.title } };
}

function youtubeWatchBase(flavour: Flavour): string {
  return flavour === 'youtube' ? 'https://www.youtube.com/watch' : 'https://music.youtube.com/watch';
}

/**
 * A fresh plan: attempt N asks the Nth client of the order. A client that got nothing usable (only
 * signed formats, no HLS for a live stream) hands over to the next within the same call; what the
 * video itself refuses (removed, sign-in, geo-block) is the answer whatever the client.
 */
async function openTrack(session: YoutubeSession, track: PlayableTrack, options: { readonly attempt: number; readonly signal: AbortSignal }): Promise<PlanOutcome> {
  const videoId = storedVideoId(track);
  if (videoId === undefined) return { kind: 'unplayable', reason: 'this is not a YouTube video link' };
  const clients = session.deps.clients;
  if (options.attempt >= clients.length) {
    return { kind: 'failed', reason: `every YouTube client was tried (${clients.map((c) => c.id).join(', ')}) and none could stream it` };
  }
  const skipped: string[] = [];
  for (const client of clients.slice(options.attempt)) {
    const answer = await requestPlayer(session, videoId, client, options.signal);
    if (answer.kind !== 'ok') return answer;
    const unplayable = unplayableReason(answer.response);
    if (unplayable !== undefined) return { kind: 'unplayable', reason: unplayable };
    const choice = chooseFormat(answer.response, client, session.deps.poToken);
    if (choice.kind === 'plan') return { kind: 'plan', plan: choice.plan };
    skipped.push(choice.reason);
  }
  return { kind: 'failed', reason: skipped.join('; ') };
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(25, Math.floor(limit)));
}

interface Flavoured {
  readonly flavour: Flavour;
  readonly label: string;
  readonly hosts: ReadonlySet<string>;
  /** The reason given for a link on these hosts that names no video, playlist or mix. */
  readonly notALink: string;
  /** The search's results as tracks, in YouTube's order. */
  search(innertube: Innertube, text: string): Promise<SourceTrack[]>;
}

/** YouTube and YouTube Music differ only in their hosts, their search and the flavour of their tracks. */
function flavouredSource(session: YoutubeSession, f: Flavoured): Source {
  return {
    name: f.flavour,
    label: f.label,
    matches: (url) => parseYoutubeLink(url, f.hosts) !== undefined,
    async resolve(url, { signal }) {
      const link = parseYoutubeLink(url, f.hosts);
      if (link === undefined) return { kind: 'unavailable', reason: f.notALink };
      if (link.kind === 'video') return resolveVideo(session, f.flavour, link.videoId, signal);
      if (link.kind === 'mix') return resolveMix(session, f.flavour, link, signal);
      return resolvePlaylist(session, f.flavour, link, signal);
    },
    async search(text, { signal, limit }): Promise<SearchOutcome> {
      const found = await call(signal, async () => f.search(await session.innertube(), text));
      if (found.kind !== 'ok') return notOk(found);
      return { kind: 'results', tracks: found.value.slice(0, clampLimit(limit)) };
    },
    related: (track, options) => youtubeRelated(session, f.flavour, track, options),
    open: (track, options) => openTrack(session, track, options),
  };
}

export function youtubeSource(deps: YoutubeDeps | YoutubeSession): Source {
  return flavouredSource(sessionOf(deps), {
    flavour: 'youtube',
    label: 'YouTube',
    hosts: YOUTUBE_HOSTS,
    notALink: 'this YouTube link is not a video, playlist or mix',
    async search(innertube, text) {
      const results = await innertube.search(text, { type: 'video' });
      return results.results.filterType(YTNodes.Video).map((v) => fromVideo('youtube', v));
    },
  });
}

export function youtubeMusicSource(deps: YoutubeDeps | YoutubeSession): Source {
  return flavouredSource(sessionOf(deps), {
    flavour: 'youtube-music',
    label: 'YouTube Music',
    hosts: YOUTUBE_MUSIC_HOSTS,
    notALink: 'this YouTube Music link is not a song, playlist or mix',
    async search(innertube, text) {
      const results = await innertube.music.search(text, { type: 'song' });
      const shelves = results.contents?.filterType(YTNodes.MusicShelf) ?? [];
      return shelves.flatMap((shelf) => shelf.contents.filterType(YTNodes.MusicResponsiveListItem)).map(fromMusicItem).filter((t): t is SourceTrack => t !== undefined);
    },
  });
}
