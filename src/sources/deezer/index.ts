export { deezerSource, type DeezerSourceDeps, LIST_PAGE } from './source';
export { classifyLink, isDeezerUrl, pageUrl, SHORT_HOSTS, SITE_HOST, type DeezerLink } from './links';
export { API_ORIGIN, DATA_NOT_FOUND, DEFAULT_QUOTA_WAIT_MS, QUOTA_EXCEEDED } from './api';
