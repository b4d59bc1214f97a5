export { soundcloudSource, type SoundcloudSourceDeps, DEFAULT_IDS_BATCH, DEFAULT_MAX_LIKES, DEFAULT_MAX_SET_TRACKS } from './source';
export { CLIENT_ID_TOKEN, DEFAULT_CLIENT_ID_TTL_MS } from './client-id';
export { BLOCKED_REASON, DRM_REASON, NO_STREAM_REASON, NOT_STREAMABLE_REASON, PREVIEW_REASON } from './tracks';
