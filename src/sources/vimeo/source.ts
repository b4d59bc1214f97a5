/**
 * The Vimeo source (DESIGN.md §6 "Services"), written directly against the embedded player's config
 * JSON, as maintained clients read it (yt-dlp's vimeo extractor, lavaplayer's Vimeo source): one
 * request gives the metadata at /play and, asked again at play time, freshly signed media URLs.
 * Known limits: no search (Vimeo's search API needs an account's token); no showcases, channels'
 * video lists or users' pages, only single videos; no password entry; live events are not told apart.
 */
import type { Logger } from '../../log';
import type { PlanOutcome } from '../../media/plan';
import type { Fetcher, PlayableTrack, ResolveOutcome, Source } from '../types';
import { parseVimeoLink, storedVimeoLink } from './links';
import { fetchPlayerConfig } from './player-config';
import { choosePlan } from './streams';
import { toSourceTrack } from './tracks';

export interface VimeoSourceDeps {
  readonly fetch: Fetcher;
  readonly log: Logger;
  /** Headers and idle timeout of each config request; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
}

export const NOT_A_VIDEO_REASON = 'this Vimeo link is not a video';

export function vimeoSource(deps: VimeoSourceDeps): Source {
  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const link = parseVimeoLink(url);
    if (link === undefined) return { kind: 'unavailable', reason: NOT_A_VIDEO_REASON };
    const answer = await fetchPlayerConfig(link, { fetch: deps.fetch, timeoutMs: deps.timeoutMs, signal });
    if (answer.kind !== 'config') return answer;
    // A video that will not play is refused at /play, not when its turn comes.
    const streams = choosePlan(answer.config, 0);
    if (streams.kind === 'unplayable') return { kind: 'unavailable', reason: streams.reason };
    return { kind: 'tracks', tracks: [toSourceTrack(answer.config, link)] };
  }

  async function open(track: PlayableTrack, attempt: number, signal: AbortSignal): Promise<PlanOutcome> {
    const link = storedVimeoLink(track);
    if (link === undefined) return { kind: 'unplayable', reason: 'the track has no Vimeo video id or link' };
    // Fresh every time: the media URLs in a config are signed and expire.
    const answer = await fetchPlayerConfig(link, { fetch: deps.fetch, timeoutMs: deps.timeoutMs, signal });
    switch (answer.kind) {
      case 'config':
        break;
      case 'unavailable':
        return { kind: 'unplayable', reason: answer.reason };
      case 'failed':
      case 'cancelled':
        return answer;
    }
    const choice = choosePlan(answer.config, attempt);
    if (choice.kind === 'unplayable') return choice;
    deps.log.debug({ video: link.videoId, plan: choice.plan.kind, attempt }, 'vimeo: planned');
    return { kind: 'plan', plan: choice.plan };
  }

  /** Belt and braces: a bug below is a failure with a reason, not a crash of the caller. */
  async function guarded<T>(what: string, body: () => Promise<T>, failed: (reason: string) => T): Promise<T> {
    try {
      return await body();
    } catch (err) {
      deps.log.error({ err }, `vimeo: ${what} threw`);
      return failed(`Vimeo ${what} failed unexpectedly (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  return {
    name: 'vimeo',
    label: 'Vimeo',
    matches: (url) => parseVimeoLink(url) !== undefined,
    resolve: (url, { signal }) => guarded('resolve', () => resolve(url, signal), (reason) => ({ kind: 'failed', reason })),
    open: (track, { attempt, signal }) => guarded('open', () => open(track, attempt, signal), (reason) => ({ kind: 'failed', reason })),
  };
}
