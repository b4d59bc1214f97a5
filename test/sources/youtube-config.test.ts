/** The YouTube settings: the client order refuses clients that need player JavaScript (exit 2), secrets stay secret. */
import assert from 'node:assert/strict';
import { isLeft, isRight } from 'fp-ts/Either';
import { CONFIG_DOCS, loadConfig } from '../../src/config';
import { parseYoutubeLink, YOUTUBE_HOSTS } from '../../src/sources/youtube/links';

describe('YouTube settings', () => {
  it('defaults to the clients that need no player JavaScript', () => {
    const config = loadConfig({});
    assert.ok(isRight(config));
    if (!isRight(config)) return;
    assert.deepEqual(config.right.HIQTY_YOUTUBE_CLIENTS.map((c) => c.id), ['ANDROID_VR', 'IOS', 'ANDROID']);
    assert.equal(config.right.HIQTY_YOUTUBE_PO_TOKEN, undefined);
  });

  it('takes an order of its own', () => {
    const config = loadConfig({ HIQTY_YOUTUBE_CLIENTS: 'ios, android_vr' });
    assert.deepEqual(isRight(config) ? config.right.HIQTY_YOUTUBE_CLIENTS.map((c) => c.id) : undefined, ['IOS', 'ANDROID_VR']);
  });

  it('refuses a client that needs player JavaScript, saying why', () => {
    const config = loadConfig({ HIQTY_YOUTUBE_CLIENTS: 'ANDROID_VR,WEB' });
    assert.ok(isLeft(config));
    if (!isLeft(config)) return;
    assert.equal(config.left[0]?.variable, 'HIQTY_YOUTUBE_CLIENTS');
    assert.match(config.left[0]?.message ?? '', /WEB needs YouTube's player JavaScript.*hiqty does not run remote code/);
  });

  it('refuses an unknown client, naming the known ones', () => {
    const config = loadConfig({ HIQTY_YOUTUBE_CLIENTS: 'NOKIA' });
    assert.ok(isLeft(config));
    assert.match(isLeft(config) ? (config.left[0]?.message ?? '') : '', /"NOKIA" is not a known client \(known: ANDROID_VR, IOS/);
  });

  it('marks the PO token and the visitorData secret, so no error or listing shows them', () => {
    assert.equal(CONFIG_DOCS.HIQTY_YOUTUBE_PO_TOKEN.secret, true);
    assert.equal(CONFIG_DOCS.HIQTY_YOUTUBE_VISITOR_DATA.secret, true);
  });
});

describe('YouTube links', () => {
  const parse = (link: string) => parseYoutubeLink(new URL(link), YOUTUBE_HOSTS);
  it('reads each kind', () => {
    assert.deepEqual(parse('https://www.youtube.com/watch?v=dQw4w9WgXcQ'), { kind: 'video', videoId: 'dQw4w9WgXcQ' });
    assert.deepEqual(parse('https://youtu.be/dQw4w9WgXcQ'), { kind: 'video', videoId: 'dQw4w9WgXcQ' });
    assert.deepEqual(parse('https://www.youtube.com/shorts/dQw4w9WgXcQ'), { kind: 'video', videoId: 'dQw4w9WgXcQ' });
    assert.deepEqual(parse('https://www.youtube.com/live/dQw4w9WgXcQ?si=x'), { kind: 'video', videoId: 'dQw4w9WgXcQ' });
    assert.deepEqual(parse('https://www.youtube.com/playlist?list=PLabc123'), { kind: 'playlist', playlistId: 'PLabc123' });
    assert.deepEqual(parse('https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLabc123'), { kind: 'playlist', playlistId: 'PLabc123', fromVideoId: 'dQw4w9WgXcQ' });
    assert.deepEqual(parse('https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ'), { kind: 'mix', playlistId: 'RDdQw4w9WgXcQ', videoId: 'dQw4w9WgXcQ' });
  });

  it('reads private lists (Watch later, Liked) as the video alone, and refuses what is not a video', () => {
    assert.deepEqual(parse('https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=WL'), { kind: 'video', videoId: 'dQw4w9WgXcQ' });
    assert.equal(parse('https://www.youtube.com/watch?v=tooshort'), undefined);
    assert.equal(parse('https://www.youtube.com/channel/UC123'), undefined);
    assert.equal(parse('ftp://www.youtube.com/watch?v=dQw4w9WgXcQ'), undefined);
    assert.equal(parse('https://www.youtube.com/playlist?list=RDxyz'), undefined, 'a mix needs its seed video');
  });
});
