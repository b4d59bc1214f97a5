import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { makeBadFiles } from '../../src/sandbox/fixtures/bad-files';
import { guildKeys } from '../../src/state';
import { startRecorder, type ConnectionRecorder } from '../media/support';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

describe('player: hostile URLs and broken files', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let stage: Stage;
  const recorders: ConnectionRecorder[] = [];
  before(async () => {
    stage = await Stage.start(redis.current);
    await stage.startBot();
    for (const host of ['127.0.0.1', '::1'] as const) {
      const recorder = await startRecorder(host);
      if (recorder) recorders.push(recorder);
    }
  });
  after(async () => {
    await stage.stop();
    await Promise.all(recorders.map((r) => r.close()));
  });
  Stage.dumpOnFailure(() => stage);

  it('quarantines each with its reason before any connection, announces it, and plays the good track after them', async () => {
    const v4 = recorders.find((r) => r.host === '127.0.0.1');
    assert.ok(v4, 'a loopback listener is needed to prove that no connection is made');
    const v6 = recorders.find((r) => r.host === '::1');
    const bad = await makeBadFiles(path.join(stage.dir, 'tracks'));
    const fixture = (file: string): string => stage.fixtures.url(path.basename(file));
    const hostile: Array<[url: string, reason: RegExp]> = [
      ['file:///etc/passwd', /refused/],
      ['ftp://example.org/song.mp3', /refused/],
      ['gopher://example.org/1', /refused/],
      [`http://127.0.0.1:${redis.current.port}/`, /refused.*127\.0\.0\.1/],
      [`http://127.0.0.1:${v4.port}/song.ogg`, /refused.*127\.0\.0\.1/],
      ['http://10.1.2.3/song.mp3', /refused.*10\.1\.2\.3/],
      ['http://172.16.5.4/song.mp3', /refused.*172\.16\.5\.4/],
      ['http://192.168.1.20/song.mp3', /refused.*192\.168\.1\.20/],
      ['http://169.254.169.254/latest/meta-data/', /refused.*169\.254\.169\.254/],
      [`http://[::1]:${v6?.port ?? v4.port}/song.ogg`, /refused/],
      [`http://[::ffff:127.0.0.1]:${v4.port}/song.ogg`, /refused/],
      [`http://localhost:${v4.port}/song.ogg`, /refused.*127\.0\.0\.1/],
      [`${stage.fixtures.origin}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${v4.port}/song.ogg`)}`, /refused/],
      [`${stage.fixtures.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`, /refused/],
      [`${stage.fixtures.origin}/redirect?to=${encodeURIComponent('http://10.0.0.1/x.mp3')}`, /refused/],
      [fixture(bad.randomMp3), /ffmpeg|not an audio|decode/i],
      [fixture(bad.emptyOgg), /empty/],
      [fixture(bad.truncatedOgg), /truncated/],
      [fixture(bad.htmlMp3), /not an audio/],
      [`${stage.fixtures.origin}/status/404`, /404/],
    ];
    const keys = guildKeys(stage.guild.id);
    const text = stage.guild.textChannels[0]?.id;
    assert.ok(text);
    await stage.db.set(keys.text_channel, text);
    await stage.play([...hostile.map(([url]) => url), await stage.tone(880, 2000)]);

    await waitFor('the good track after the bad ones', () => framesOf(stage.segments(), 880) >= 50, { timeoutMs: 30_000 });
    const quarantined = (await stage.db.lrange(keys.quarantine, 0, -1)).map((raw) => {
      const entry: unknown = JSON.parse(raw);
      assert.ok(typeof entry === 'object' && entry !== null && 'raw' in entry && 'reason' in entry);
      const track: unknown = JSON.parse(String(entry.raw));
      assert.ok(typeof track === 'object' && track !== null && 'url' in track);
      return { url: String(track.url), reason: String(entry.reason) };
    });
    assert.deepEqual(quarantined.map((q) => q.url), hostile.map(([url]) => url), 'every bad entry is quarantined, in queue order');
    for (const [i, [url, reason]] of hostile.entries()) assert.match(quarantined[i]?.reason ?? '', reason, url);
    for (const recorder of recorders) assert.equal(recorder.connections, 0, `a connection reached ${recorder.host}:${recorder.port}`);
    // The channel also carries the now-playing message; the skip notices are counted apart from it.
    const notices = (): number => stage.sandbox.messages(text).filter((m) => /Skipped/.test(m.content ?? '')).length;
    await waitFor('an announcement per quarantined track', () => notices() >= hostile.length);
    assert.equal(notices(), hostile.length);
  });
});
