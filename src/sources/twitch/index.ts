export { twitchSource, type TwitchSourceDeps } from './source';
export { isTwitchUrl } from './links';
