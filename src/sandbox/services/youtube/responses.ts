/**
 * InnerTube answers as YouTube sends them, trimmed to the renderers its clients read: the shapes
 * follow real responses as maintained clients observe them (youtubei.js's parser nodes, yt-dlp's
 * extractor), not what hiqty happens to read.
 */
import type { FakePlaylist, FakeVideo } from './catalog';

export interface MediaFile {
  readonly itag: number;
  readonly mimeType: string;
  readonly size: number;
  readonly bitrate: number;
  readonly initRange: { readonly start: number; readonly end: number };
  readonly indexRange?: { readonly start: number; readonly end: number };
}

const text = (s: string) => ({ runs: [{ text: s }] });
const simple = (s: string) => ({ simpleText: s });

export function clock(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function channelId(artist: string): string {
  return `UC${Buffer.from(artist).toString('base64url').padEnd(22, 'x').slice(0, 22)}`;
}

export function thumbnails(id: string) {
  return {
    thumbnails: [
      { url: `https://i.ytimg.com/vi/${id}/default.jpg`, width: 120, height: 90 },
      { url: `https://i.ytimg.com/vi/${id}/hqdefault.jpg`, width: 480, height: 360 },
    ],
  };
}

function byline(artist: string) {
  return {
    runs: [
      {
        text: artist,
        navigationEndpoint: {
          commandMetadata: { webCommandMetadata: { url: `/@${artist.replace(/\s+/g, '')}`, webPageType: 'WEB_PAGE_TYPE_CHANNEL', rootVe: 3611, apiUrl: '/youtubei/v1/browse' } },
          browseEndpoint: { browseId: channelId(artist), canonicalBaseUrl: `/@${artist.replace(/\s+/g, '')}` },
        },
      },
    ],
  };
}

function watchEndpoint(videoId: string, extra: Record<string, unknown> = {}) {
  return {
    commandMetadata: { webCommandMetadata: { url: `/watch?v=${videoId}`, webPageType: 'WEB_PAGE_TYPE_WATCH', rootVe: 3832 } },
    watchEndpoint: { videoId, ...extra },
  };
}

export function responseContext(visitorData: string) {
  return {
    visitorData,
    serviceTrackingParams: [{ service: 'GFEEDBACK', params: [{ key: 'logged_in', value: '0' }] }],
    maxAgeSeconds: 0,
  };
}

export function playabilityStatus(video: FakeVideo): Record<string, unknown> {
  switch (video.trouble) {
    case 'login-required':
      return {
        status: 'LOGIN_REQUIRED',
        reason: 'Sign in to confirm your age',
        errorScreen: { playerErrorMessageRenderer: { subreason: text('This video may be inappropriate for some users.'), reason: simple('Sign in to confirm your age') } },
      };
    case 'unplayable':
      return {
        status: 'UNPLAYABLE',
        reason: 'Video unavailable',
        errorScreen: { playerErrorMessageRenderer: { reason: simple('Video unavailable'), subreason: text('Playback on other websites has been disabled by the video owner') } },
      };
    case 'geo-block':
      return {
        status: 'UNPLAYABLE',
        reason: 'Video unavailable',
        errorScreen: { playerErrorMessageRenderer: { reason: simple('Video unavailable'), subreason: text('The uploader has not made this video available in your country') } },
      };
    case 'removed':
      return { status: 'ERROR', reason: 'This video has been removed by the uploader', messages: ['This video has been removed by the uploader'] };
    case 'live-offline':
      return {
        status: 'LIVE_STREAM_OFFLINE',
        reason: 'This live event will begin in 7 days.',
        liveStreamability: { liveStreamabilityRenderer: { videoId: video.id, pollDelayMs: '15000' } },
      };
    default:
      return { status: 'OK', playableInEmbed: true, contextParams: 'Q0FFU0FnZ0M=' };
  }
}

export function videoDetails(video: FakeVideo) {
  const live = video.kind === 'live';
  return {
    videoId: video.id,
    title: video.title,
    lengthSeconds: live ? '0' : String(Math.round(video.durationMs / 1000)),
    channelId: channelId(video.artist),
    isOwnerViewing: false,
    shortDescription: `${video.title}, a ${video.hz} Hz tone served by the hiqty sandbox.`,
    isCrawlable: true,
    thumbnail: thumbnails(video.id),
    allowRatings: true,
    viewCount: '1234',
    author: video.artist,
    isPrivate: false,
    isUnpluggedCorpus: false,
    isLiveContent: live,
    ...(live && video.trouble !== 'live-offline' ? { isLive: true } : {}),
  };
}

export function adaptiveFormat(file: MediaFile, video: FakeVideo, location: { url: string } | { signatureCipher: string }) {
  const audio = file.mimeType.startsWith('audio/');
  return {
    itag: file.itag,
    ...location,
    mimeType: file.mimeType,
    bitrate: file.bitrate,
    ...(audio ? {} : { width: 256, height: 144, fps: 1, qualityLabel: '144p' }),
    initRange: { start: String(file.initRange.start), end: String(file.initRange.end) },
    ...(file.indexRange !== undefined ? { indexRange: { start: String(file.indexRange.start), end: String(file.indexRange.end) } } : {}),
    lastModified: '1700000000000000',
    contentLength: String(file.size),
    quality: audio ? 'tiny' : 'small',
    projectionType: 'RECTANGULAR',
    averageBitrate: file.bitrate,
    ...(audio ? { audioQuality: file.itag === 251 ? 'AUDIO_QUALITY_MEDIUM' : 'AUDIO_QUALITY_MEDIUM', audioSampleRate: '48000', audioChannels: 2, loudnessDb: -3.2 } : {}),
    approxDurationMs: String(video.durationMs),
  };
}

export function videoRenderer(video: FakeVideo) {
  const live = video.kind === 'live';
  return {
    videoRenderer: {
      videoId: video.id,
      thumbnail: thumbnails(video.id),
      title: { runs: [{ text: video.title }], accessibility: { accessibilityData: { label: `${video.title} by ${video.artist}` } } },
      longBylineText: byline(video.artist),
      ownerText: byline(video.artist),
      shortBylineText: byline(video.artist),
      ...(live ? {} : { publishedTimeText: simple('3 years ago') }),
      ...(live ? {} : { lengthText: { accessibility: { accessibilityData: { label: clock(video.durationMs) } }, simpleText: clock(video.durationMs) } }),
      viewCountText: live ? text('12 watching') : simple('1,234 views'),
      navigationEndpoint: watchEndpoint(video.id),
      badges: live ? [{ metadataBadgeRenderer: { style: 'BADGE_STYLE_TYPE_LIVE_NOW', label: 'LIVE', trackingParams: 'x' } }] : [],
      thumbnailOverlays: [{ thumbnailOverlayTimeStatusRenderer: live ? { text: text('LIVE'), style: 'LIVE' } : { text: simple(clock(video.durationMs)), style: 'DEFAULT' } }],
      trackingParams: 'CAAQ',
    },
  };
}

export function searchResponse(visitorData: string, videos: readonly FakeVideo[]) {
  return {
    responseContext: responseContext(visitorData),
    estimatedResults: String(videos.length),
    contents: {
      twoColumnSearchResultsRenderer: {
        primaryContents: {
          sectionListRenderer: {
            contents: [{ itemSectionRenderer: { contents: videos.map(videoRenderer) } }],
            trackingParams: 'CAAQ',
          },
        },
      },
    },
    trackingParams: 'CAAQ',
    refinements: [],
  };
}

function playlistVideoRenderer(video: FakeVideo, playlistId: string, index: number) {
  return {
    playlistVideoRenderer: {
      videoId: video.id,
      thumbnail: thumbnails(video.id),
      title: { runs: [{ text: video.title }], accessibility: { accessibilityData: { label: `${video.title} ${clock(video.durationMs)}` } } },
      index: simple(String(index + 1)),
      shortBylineText: byline(video.artist),
      lengthText: { accessibility: { accessibilityData: { label: clock(video.durationMs) } }, simpleText: clock(video.durationMs) },
      navigationEndpoint: watchEndpoint(video.id, { playlistId, index }),
      lengthSeconds: String(Math.round(video.durationMs / 1000)),
      trackingParams: 'CAAQ',
      isPlayable: true,
      thumbnailOverlays: [{ thumbnailOverlayTimeStatusRenderer: { text: simple(clock(video.durationMs)), style: 'DEFAULT' } }],
      videoInfo: { runs: [{ text: '1,234 views' }] },
    },
  };
}

function continuationItem(token: string) {
  return {
    continuationItemRenderer: {
      trigger: 'CONTINUATION_TRIGGER_ON_ITEM_SHOWN',
      continuationEndpoint: {
        clickTrackingParams: 'CAAQ',
        commandMetadata: { webCommandMetadata: { sendPost: true, apiUrl: '/youtubei/v1/browse' } },
        continuationCommand: { token, request: 'CONTINUATION_REQUEST_TYPE_BROWSE' },
      },
    },
  };
}

/** One page of a playlist's entries, with a continuation item at its end when more follow. */
function playlistItems(playlist: FakePlaylist, videos: readonly FakeVideo[], from: number, pageSize: number) {
  const page = videos.slice(from, from + pageSize).map((video, i) => playlistVideoRenderer(video, playlist.id, from + i));
  const next = from + pageSize;
  return next < videos.length ? [...page, continuationItem(playlistToken(playlist.id, next))] : page;
}

/** Continuation tokens are opaque to clients; the fake's carry the playlist and the offset. */
export function playlistToken(playlistId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ p: playlistId, o: offset })).toString('base64url');
}

export function readPlaylistToken(token: string): { readonly playlistId: string; readonly offset: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'p' in parsed && 'o' in parsed && typeof parsed.p === 'string' && typeof parsed.o === 'number') {
      return { playlistId: parsed.p, offset: parsed.o };
    }
  } catch {
    // not one of ours
  }
  return undefined;
}

export function playlistResponse(visitorData: string, playlist: FakePlaylist, videos: readonly FakeVideo[], pageSize: number) {
  const count = { runs: [{ text: String(videos.length) }, { text: ' videos' }] };
  return {
    responseContext: responseContext(visitorData),
    contents: {
      twoColumnBrowseResultsRenderer: {
        tabs: [
          {
            tabRenderer: {
              selected: true,
              content: {
                sectionListRenderer: {
                  contents: [
                    {
                      itemSectionRenderer: {
                        contents: [
                          {
                            playlistVideoListRenderer: {
                              contents: playlistItems(playlist, videos, 0, pageSize),
                              playlistId: playlist.id,
                              isEditable: false,
                              canReorder: false,
                              targetId: playlist.id,
                            },
                          },
                        ],
                        trackingParams: 'CAAQ',
                      },
                    },
                  ],
                  trackingParams: 'CAAQ',
                  targetId: 'browse-feedVL' + playlist.id,
                },
              },
              trackingParams: 'CAAQ',
            },
          },
        ],
      },
    },
    header: {
      playlistHeaderRenderer: {
        playlistId: playlist.id,
        title: simple(playlist.title),
        numVideosText: count,
        stats: [count, simple('No views'), text('Last updated today')],
        briefStats: [count],
        shareData: { canShare: true },
        editableDetails: { canDelete: false },
        isEditable: false,
        descriptionText: {},
        ownerText: byline(playlist.owner),
        viewCountText: simple('No views'),
        privacy: 'PUBLIC',
        trackingParams: 'CAAQ',
      },
    },
    metadata: { playlistMetadataRenderer: { title: playlist.title, androidAppindexingLink: '', iosAppindexingLink: '' } },
    sidebar: {
      playlistSidebarRenderer: {
        items: [
          {
            playlistSidebarPrimaryInfoRenderer: {
              thumbnailRenderer: { playlistVideoThumbnailRenderer: { thumbnail: thumbnails(videos[0]?.id ?? playlist.id) } },
              title: text(playlist.title),
              stats: [count, simple('No views'), text('Updated today')],
              navigationEndpoint: watchEndpoint(videos[0]?.id ?? '', { playlistId: playlist.id }),
            },
          },
        ],
      },
    },
    trackingParams: 'CAAQ',
  };
}

export function playlistContinuationResponse(visitorData: string, playlist: FakePlaylist, videos: readonly FakeVideo[], from: number, pageSize: number) {
  return {
    responseContext: responseContext(visitorData),
    onResponseReceivedActions: [{ clickTrackingParams: 'CAAQ', appendContinuationItemsAction: { continuationItems: playlistItems(playlist, videos, from, pageSize), targetId: playlist.id } }],
    trackingParams: 'CAAQ',
  };
}

export function missingPlaylistResponse(visitorData: string) {
  return {
    responseContext: responseContext(visitorData),
    alerts: [{ alertRenderer: { type: 'ERROR', text: text('The playlist does not exist.') } }],
    trackingParams: 'CAAQ',
  };
}

export function mixResponse(visitorData: string, mix: { id: string; title: string }, videos: readonly FakeVideo[], seedId: string) {
  return {
    responseContext: responseContext(visitorData),
    contents: {
      twoColumnWatchNextResults: {
        results: { results: { contents: [], trackingParams: 'CAAQ' } },
        playlist: {
          playlist: {
            title: mix.title,
            contents: videos.map((video, i) => ({
              playlistPanelVideoRenderer: {
                title: simple(video.title),
                longBylineText: byline(video.artist),
                thumbnail: thumbnails(video.id),
                navigationEndpoint: watchEndpoint(video.id, { playlistId: mix.id, index: i, params: 'OAE%3D' }),
                lengthText: { accessibility: { accessibilityData: { label: clock(video.durationMs) } }, simpleText: clock(video.durationMs) },
                selected: video.id === seedId,
                indexText: simple(String(i + 1)),
                shortBylineText: byline(video.artist),
                videoId: video.id,
                playlistSetVideoId: `set-${video.id}`,
                trackingParams: 'CAAQ',
              },
            })),
            currentIndex: 0,
            playlistId: mix.id,
            isInfinite: true,
            longBylineText: text('YouTube'),
            trackingParams: 'CAAQ',
          },
        },
      },
    },
    currentVideoEndpoint: watchEndpoint(seedId, { playlistId: mix.id }),
    trackingParams: 'CAAQ',
  };
}

function musicItem(video: FakeVideo) {
  const artistRun = {
    text: video.artist,
    navigationEndpoint: { browseEndpoint: { browseId: channelId(video.artist), browseEndpointContextSupportedConfigs: { browseEndpointContextMusicConfig: { pageType: 'MUSIC_PAGE_TYPE_ARTIST' } } } },
  };
  const albumRun = {
    text: `${video.artist} Singles`,
    navigationEndpoint: { browseEndpoint: { browseId: `MPREb_${video.id}`, browseEndpointContextSupportedConfigs: { browseEndpointContextMusicConfig: { pageType: 'MUSIC_PAGE_TYPE_ALBUM' } } } },
  };
  return {
    musicResponsiveListItemRenderer: {
      trackingParams: 'CAAQ',
      thumbnail: { musicThumbnailRenderer: { thumbnail: { thumbnails: [{ url: `https://i.ytimg.com/vi/${video.id}/sddefault.jpg`, width: 120, height: 120 }] }, thumbnailCrop: 'MUSIC_THUMBNAIL_CROP_UNSPECIFIED' } },
      flexColumns: [
        {
          musicResponsiveListItemFlexColumnRenderer: {
            text: {
              runs: [
                {
                  text: video.title,
                  navigationEndpoint: { watchEndpoint: { videoId: video.id, watchEndpointMusicSupportedConfigs: { watchEndpointMusicConfig: { musicVideoType: 'MUSIC_VIDEO_TYPE_ATV' } } } },
                },
              ],
            },
            displayPriority: 'MUSIC_RESPONSIVE_LIST_ITEM_COLUMN_DISPLAY_PRIORITY_HIGH',
          },
        },
        {
          musicResponsiveListItemFlexColumnRenderer: {
            text: { runs: [artistRun, { text: ' • ' }, albumRun, { text: ' • ' }, { text: clock(video.durationMs) }] },
            displayPriority: 'MUSIC_RESPONSIVE_LIST_ITEM_COLUMN_DISPLAY_PRIORITY_HIGH',
          },
        },
      ],
      flexColumnDisplayStyle: 'MUSIC_RESPONSIVE_LIST_ITEM_FLEX_COLUMN_DISPLAY_STYLE_TWO_LINES',
      itemHeight: 'MUSIC_RESPONSIVE_LIST_ITEM_HEIGHT_TALL',
      playlistItemData: { videoId: video.id },
    },
  };
}

export function musicSearchResponse(visitorData: string, videos: readonly FakeVideo[]) {
  return {
    responseContext: responseContext(visitorData),
    contents: {
      tabbedSearchResultsRenderer: {
        tabs: [
          {
            tabRenderer: {
              title: 'YT Music',
              selected: true,
              content: {
                sectionListRenderer: {
                  contents: [{ musicShelfRenderer: { title: text('Songs'), contents: videos.map(musicItem), trackingParams: 'CAAQ', shelfDivider: { musicShelfDividerRenderer: { hidden: true } } } }],
                  trackingParams: 'CAAQ',
                },
              },
              trackingParams: 'CAAQ',
            },
          },
        ],
      },
    },
    trackingParams: 'CAAQ',
  };
}

/**
 * The watch page's `next` answer without a playlist: the "up next" column (secondaryResults) of
 * compactVideoRenderers, as youtube.com's watch page carries it, and the autoplay endpoint at its top.
 */
export function watchNextResponse(visitorData: string, seedId: string, related: readonly FakeVideo[]) {
  return {
    responseContext: responseContext(visitorData),
    contents: {
      twoColumnWatchNextResults: {
        results: { results: { contents: [], trackingParams: 'CAAQ' } },
        secondaryResults: {
          secondaryResults: {
            results: related.map((video) => ({
              compactVideoRenderer: {
                videoId: video.id,
                thumbnail: thumbnails(video.id),
                title: simple(video.title),
                longBylineText: byline(video.artist),
                shortBylineText: byline(video.artist),
                viewCountText: simple('1,234 views'),
                lengthText: { accessibility: { accessibilityData: { label: clock(video.durationMs) } }, simpleText: clock(video.durationMs) },
                navigationEndpoint: watchEndpoint(video.id),
                trackingParams: 'CAAQ',
              },
            })),
            trackingParams: 'CAAQ',
          },
        },
        autoplay: related[0] === undefined ? undefined : { autoplay: { sets: [{ mode: 'NORMAL', autoplayVideo: watchEndpoint(related[0].id) }], countDownSecs: 5, trackingParams: 'CAAQ' } },
      },
    },
    currentVideoEndpoint: watchEndpoint(seedId),
    trackingParams: 'CAAQ',
  };
}
