export { vimeoSource, NOT_A_VIDEO_REASON, type VimeoSourceDeps } from './source';
export { PASSWORD_REASON, PRIVATE_REASON, REMOVED_REASON, UNLISTED_REASON } from './player-config';
export { NO_STREAM_REASON } from './streams';
export { canonicalUrl, configUrl, parseVimeoLink, type VimeoLink } from './links';
