export { spotifySource, type SpotifySourceDeps, MISSING_CREDENTIALS_REASON, DEVELOPMENT_MODE_REASON, PLAYLIST_PAGE, ALBUM_PAGE } from './source';
export { accessTokenName, TOKEN_URL, type SpotifyCredentials } from './token';
export { classifyLink, isSpotifyUrl, pageUrl, type SpotifyLink } from './links';
export { EPISODE_REASON, LOCAL_FILE_REASON, REMOVED_REASON } from './tracks';
