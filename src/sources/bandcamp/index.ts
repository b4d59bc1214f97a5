export { bandcampSource, type BandcampSourceDeps, REMOVED_REASON, SEARCH_URL } from './source';
export { PURCHASE_REASON, PURCHASE_SINGLE_REASON, artworkUrl } from './tracks';
export { classifyLink, isBandcampUrl } from './links';
export { tralbumOf, unescapeHtml } from './page';
