export { appleMusicSource, type AppleMusicSourceDeps } from './source';
export { DEVELOPER_TOKEN, SITE_URL, bundleUrls, developerTokenIn, jwtExpiryMs } from './token';
export { API_ORIGIN, PLAYER_ORIGIN } from './api';
export { classifyLink, isAppleMusicUrl, DEFAULT_STOREFRONT, type AppleMusicLink } from './links';
export { notInStorefrontReason } from './tracks';
