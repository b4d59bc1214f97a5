/** The YouTube and YouTube Music sources, and what the lead wires them with. */
export { youtubeSource, youtubeMusicSource, DEFAULT_PLAYLIST_MAX_TRACKS } from './source';
export { youtubeSession, VISITOR_DATA_TOKEN, VISITOR_DATA_TTL_MS, type YoutubeDeps, type YoutubeSession } from './session';
export { YOUTUBE_CLIENTS, DEFAULT_YOUTUBE_CLIENT_ORDER, defaultClientOrder, parseClientOrder, youtubeClient, type YoutubeClient } from './clients';
