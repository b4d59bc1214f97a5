/**
 * Track and album pages as bandcamp.com serves them, as far as clients read them (field names and
 * shapes as yt-dlp, lavaplayer and public bug reports show them; values made up): the player's script tag
 * carries `data-tralbum` (and `data-embed`), HTML-escaped JSON whose `trackinfo` lists each track with its
 * signed `file: {"mp3-128": …}`, or `file: null` when Bandcamp does not stream it. Extra fields hiqty does
 * not read are there so the decoder is proven to ignore them.
 */
import { albumOf, albumUrl, artIdOf, siteUrl, trackUrl, type FakeAlbum, type FakeBand, type FakeBandcampTrack } from './catalog';

/** HTML-escapes an attribute value as Bandcamp's templates do. */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
}

/** Makes a track's signed stream URL, fresh for each page served. */
export type StreamUrls = (track: FakeBandcampTrack) => string;

/** The page's idea of each track's length, in seconds (Bandcamp gives them with decimals). */
export interface PageTiming {
  readonly toneMs: number;
}

function trackInfo(track: FakeBandcampTrack, num: number, streams: StreamUrls, timing: PageTiming): Record<string, unknown> {
  return {
    id: track.id,
    track_id: track.id,
    file: track.streamable ? { 'mp3-128': streams(track) } : null,
    artist: null,
    title: track.title,
    encodings_id: track.id + 7_000_000,
    license_type: 1,
    private: null,
    track_num: num,
    album_preorder: false,
    unreleased_track: false,
    title_link: `/track/${track.slug}`,
    has_lyrics: false,
    has_info: false,
    streaming: track.streamable ? 1 : null,
    is_downloadable: true,
    has_free_download: null,
    free_album_download: false,
    duration: timing.toneMs / 1000,
    lyrics: null,
    sizeof_lyrics: 0,
    is_draft: false,
    video_source_type: null,
    video_source_id: null,
    video_mobile_url: null,
    video_poster_url: null,
    video_id: null,
    video_caption: null,
    video_featured: null,
    alt_link: null,
    encoding_error: null,
    encoding_pending: null,
    play_count: null,
    is_capped: null,
    track_license_id: null,
  };
}

const CURIOUS = 'https://bandcamp.com/help/audio_basics#steal and https://bandcamp.com/terms_of_use';

function current(kind: 'album' | 'track', id: number, title: string, band: FakeBand, artId: number, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    audit: 0,
    title,
    new_date: '06 Jan 2026 10:00:00 GMT',
    mod_date: '07 Jan 2026 11:00:00 GMT',
    publish_date: '08 Jan 2026 12:00:00 GMT',
    private: null,
    killed: null,
    download_pref: 2,
    require_email: null,
    is_set_price: null,
    set_price: 7.0,
    minimum_price: 7.0,
    minimum_price_nonzero: 7.0,
    require_email_0: null,
    artist: null,
    about: 'Sine tones, recorded at 48 kHz.',
    credits: null,
    auto_repriced: null,
    new_desc_format: 1,
    band_id: band.id,
    selling_band_id: band.id,
    art_id: artId,
    download_desc_id: null,
    release_date: '09 Jan 2026 00:00:00 GMT',
    upc: null,
    purchase_url: null,
    purchase_title: null,
    id,
    type: kind,
    ...extra,
  };
}

function tralbumCommon(kind: 'album' | 'track', id: number, band: FakeBand, artId: number, url: string): Record<string, unknown> {
  return {
    'for the curious': CURIOUS,
    preorder_count: null,
    hasAudio: true,
    art_id: artId,
    packages: null,
    defaultPrice: 7.0,
    freeDownloadPage: null,
    FREE: 1,
    PAID: 2,
    artist: band.name,
    item_type: kind,
    id,
    last_subscription_item: null,
    has_discounts: false,
    is_bonus: null,
    play_cap_data: { streaming_limits_enabled: true, streaming_limit: 3 },
    is_purchased: null,
    items_purchased: null,
    is_private_stream: null,
    is_band_member: null,
    licensed_version_ids: null,
    package_associated_license_id: null,
    has_video: null,
    tralbum_subscriber_only: false,
    initial_track_num: null,
    is_preorder: false,
    album_is_preorder: false,
    album_release_date: '09 Jan 2026 00:00:00 GMT',
    url,
    use_expando_lyrics: false,
  };
}

export function albumTralbum(album: FakeAlbum, streams: StreamUrls, timing: PageTiming): Record<string, unknown> {
  const featured = album.tracks.find((t) => t.streamable)?.id ?? null;
  return {
    ...tralbumCommon('album', album.id, album.band, album.artId, albumUrl(album)),
    current: current('album', album.id, album.title, album.band, album.artId, { featured_track_id: featured }),
    featured_track_id: featured,
    trackinfo: album.tracks.map((t, i) => trackInfo(t, i + 1, streams, timing)),
    playing_from: 'album page',
  };
}

export function trackTralbum(track: FakeBandcampTrack, streams: StreamUrls, timing: PageTiming): Record<string, unknown> {
  const album = albumOf(track);
  const artId = artIdOf(track);
  const num = album === undefined ? 1 : album.tracks.indexOf(track) + 1;
  return {
    ...tralbumCommon('track', track.id, track.band, artId, trackUrl(track)),
    current: current('track', track.id, track.title, track.band, artId, { track_number: num, isrc: track.isrc ?? null, lyrics: null }),
    album_url: album === undefined ? null : `/album/${album.slug}`,
    featured_track_id: null,
    trackinfo: [trackInfo(track, num, streams, timing)],
    playing_from: 'track page',
  };
}

function embedData(title: string, band: FakeBand, artId: number, url: string, album: FakeAlbum | undefined): Record<string, unknown> {
  return {
    tralbum_param: { name: album === undefined ? 'track' : 'album', value: album?.id ?? 0 },
    art_id: artId,
    album_title: album?.title ?? null,
    artist: band.name,
    linkback: url,
    embed_info: { exclusive_embeddable: null, public_embeddable: '01 Jan 2026 00:00:00 GMT', no_track_preorder: false, item_public: true },
    title,
  };
}

/**
 * A whole page: head with its meta tags and the player's script tag carrying the escaped JSON, and a
 * body a browser would fill. `tralbum` is the attribute's text before escaping (so a broken one can be served).
 */
export function pageHtml(options: { readonly title: string; readonly band: FakeBand; readonly url: string; readonly artId: number; readonly album: FakeAlbum | undefined; readonly tralbumText: string | undefined }): string {
  const { title, band, url, artId, album } = options;
  const embed = escapeAttribute(JSON.stringify(embedData(title, band, artId, url, album)));
  const bandData = escapeAttribute(JSON.stringify({ id: band.id, name: band.name, fan_email: null, account_id: band.id + 1, image_id: artId }));
  const player =
    options.tralbumText === undefined
      ? ''
      : `<script type="text/javascript" src="https://s4.bcbits.com/bundle/bundle/1/tralbum_head-9f8e7d6c5b4a3f2e1d0c.js" data-tralbum="${escapeAttribute(options.tralbumText)}" data-embed="${embed}" data-band="${bandData}" data-fan="null" data-payment="{&quot;paymentType&quot;:&quot;paypal&quot;}"></script>`;
  const cover = `https://f4.bcbits.com/img/a${String(artId).padStart(10, '0')}_5.jpg`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeAttribute(title)} | ${escapeAttribute(band.name)}</title>
<meta name="title" content="${escapeAttribute(title)}, by ${escapeAttribute(band.name)}">
<meta property="og:title" content="${escapeAttribute(title)}, by ${escapeAttribute(band.name)}">
<meta property="og:type" content="${album === undefined ? 'song' : 'album'}">
<meta property="og:site_name" content="${escapeAttribute(band.name)}">
<meta property="og:url" content="${escapeAttribute(url)}">
<meta property="og:image" content="${cover}">
<link rel="canonical" href="${escapeAttribute(url)}">
<script type="application/ld+json">{"@type":"MusicRecording","@id":${JSON.stringify(url)},"name":${JSON.stringify(title)},"byArtist":{"@type":"MusicGroup","name":${JSON.stringify(band.name)}}}</script>
${player}
</head>
<body class="tralbum-page">
<div id="pgBd" class="yui-skin-sam"><div id="name-section"><h2 class="trackTitle">${escapeAttribute(title)}</h2>
<h3>by <span><a href="${siteUrl(band)}">${escapeAttribute(band.name)}</a></span></h3></div>
<div class="inline_player"></div></div>
</body>
</html>
`;
}

/** What Bandcamp answers for a page that is not there. */
export const NOT_FOUND_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sorry, that something isn’t here. | Bandcamp</title></head>
<body><div id="content"><h2>Sorry, that something isn’t here.</h2><p><a href="https://bandcamp.com">start at the beginning</a></p></div></body></html>
`;
