/** The sandbox's YouTube: a fake speaking InnerTube and googlevideo, and the catalog it serves. */
export { startYoutubeFake, FAKE_VISITOR_DATA, type YoutubeFake, type YoutubeFakeOptions, type ServiceTrouble } from './server';
export { VIDEOS, PLAYLISTS, MIX, MISSING_PLAYLIST_ID, FORBIDDEN_AFTER_BYTES, TROUBLED_CLIENT, fakeVideo, fakePlaylist, relatedVideos, searchCatalog, type FakeVideo, type FakePlaylist, type FakeTrouble } from './catalog';
export { webmIndex, mp4Index, type MediaIndex } from './media-index';
