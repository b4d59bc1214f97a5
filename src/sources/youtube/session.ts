/**
 * One youtubei.js Innertube per process, shared by the YouTube and YouTube Music sources, with every
 * request through the instance's Fetcher. The session is made locally (no `sw.js_data` scrape, no
 * player script): the visitorData YouTube hands back in its answers is kept in Redis, so every
 * instance of a fleet presents the same visitor instead of starting one per instance.
 */
import { Innertube, Log } from 'youtubei.js';
import type { Logger } from '../../log';
import type { Fetcher, TokenStore } from '../types';
import { webFetch } from '../web-fetch';
import type { YoutubeClient } from './clients';

/** The TokenStore name of the shared visitorData. */
export const VISITOR_DATA_TOKEN = 'youtube:visitor-data';
/** Default lifetime of a stored visitorData: 6 hours, well inside the day or so YouTube keeps a visitor. */
export const VISITOR_DATA_TTL_MS = 6 * 60 * 60 * 1000;

export interface YoutubeDeps {
  readonly fetcher: Fetcher;
  readonly tokens: TokenStore;
  /** The order of clients asked for formats (HIQTY_YOUTUBE_CLIENTS); attempt N asks the Nth. */
  readonly clients: readonly YoutubeClient[];
  /** HIQTY_YOUTUBE_PO_TOKEN. */
  readonly poToken?: string;
  /** HIQTY_YOUTUBE_VISITOR_DATA: pinned by the operator, never replaced by what YouTube answers. */
  readonly visitorData?: string;
  readonly log?: Pick<Logger, 'warn' | 'debug'>;
  /** Default VISITOR_DATA_TTL_MS (6 h). */
  readonly visitorDataTtlMs?: number;
}

export interface YoutubeSession {
  readonly deps: YoutubeDeps;
  /** The shared Innertube; rejects when youtubei.js cannot start (then the next call tries again). */
  innertube(): Promise<Innertube>;
  /** What a response said the visitor is: shared through the TokenStore when it is new. */
  noteVisitorData(value: string | undefined): Promise<void>;
}

/**
 * youtubei.js prints parser complaints to the console, around hiqty's JSON logs; what matters of
 * them reaches hiqty as a failed or thinner answer, which the sources report.
 */
Log.setLevel(Log.Level.NONE);

export function youtubeSession(deps: YoutubeDeps): YoutubeSession {
  let created: Promise<Innertube> | undefined;
  let current: string | undefined = deps.visitorData;

  async function storedVisitorData(): Promise<string | undefined> {
    if (deps.visitorData !== undefined) return deps.visitorData;
    try {
      return await deps.tokens.get(VISITOR_DATA_TOKEN);
    } catch (err) {
      // Redis trouble costs a fresh visitor, not the play.
      deps.log?.warn({ err }, 'could not read the shared YouTube visitorData');
      return undefined;
    }
  }

  async function create(): Promise<Innertube> {
    const visitor = await storedVisitorData();
    current = visitor;
    return Innertube.create({
      fetch: webFetch(deps.fetcher),
      retrieve_player: false,
      generate_session_locally: true,
      retrieve_innertube_config: false,
      enable_session_cache: false,
      lang: 'en',
      location: 'US',
      ...(visitor !== undefined ? { visitor_data: visitor } : {}),
      ...(deps.poToken !== undefined ? { po_token: deps.poToken } : {}),
    });
  }

  return {
    deps,
    innertube() {
      created ??= create().catch((e: unknown) => {
        created = undefined;
        throw e;
      });
      return created;
    },
    async noteVisitorData(value) {
      if (value === undefined || value === '' || value === current || deps.visitorData !== undefined) return;
      current = value;
      const innertube = await created?.catch(() => undefined);
      if (innertube !== undefined) innertube.session.context.client.visitorData = value;
      try {
        await deps.tokens.set(VISITOR_DATA_TOKEN, value, deps.visitorDataTtlMs ?? VISITOR_DATA_TTL_MS);
      } catch (err) {
        deps.log?.warn({ err }, 'could not share the YouTube visitorData');
      }
    },
  };
}
