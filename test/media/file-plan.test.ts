import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseOriginOverrides } from '../../src/media/origins';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { collect } from './support';
import { assertAbout, assertPlaying, firstByte, providerOf, toneOf, totalMs, usePlanStage } from './plan-support';

describe('media/openTrack with file plans', function () {
  this.timeout(60_000);
  let mp3: string;
  let wav: string;
  const stage = usePlanStage('file-plan', {
    fixtures: async (dir) => {
      mp3 = await makeTone({ hz: 330, durationMs: 60_000, format: 'mp3', dir });
      wav = await makeTone({ hz: 330, durationMs: 10_000, format: 'wav', dir });
    },
  });
  const { open, recent } = stage;

  it('an MP3 resumed at 45 s of 60 s reads its head, then a Range from the TOC estimate, and plays from the position', async () => {
    const size = statSync(mp3).size;
    const plan = providerOf({ kind: 'file', url: stage.server.url(path.basename(mp3)), durationMs: 60_000, contentLength: size });
    const outcome = await open({ url: 'u', plan: plan.provide, startMs: 45_000 });
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assertAbout(totalMs(packets), 15_000, 'audio from 45 s');
    assert.equal(Math.round(toneOf(packets) ?? 0), 330);
    const asked = recent().map(firstByte);
    assert.equal(asked.length, 2);
    assert.equal(asked[0], 0, 'the head');
    assert.ok((asked[1] ?? 0) > size * 0.7, `the rest from byte ${asked[1]} of ${size}`);
  });

  it('a plain link with a known duration seeks the same way, its size taken from Content-Range', async () => {
    const outcome = await open({ url: stage.server.url(path.basename(mp3)), durationMs: 60_000, startMs: 30_000 });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 30_000, 'audio from 30 s');
    const rest = recent()[1];
    assert.ok(rest !== undefined && firstByte(rest) > 0, 'the rest is a Range from past the start');
  });

  it('a WAV (no estimate) downloads from the start and ffmpeg drops the past', async () => {
    const outcome = await open({ url: 'u', plan: providerOf({ kind: 'file', url: stage.server.url(path.basename(wav)), durationMs: 10_000 }).provide, startMs: 4000 });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 6000, 'audio from 4 s');
    assert.equal(recent().at(-1)?.range, undefined, 'the last request is the whole file');
  });

  it('HIQTY_SERVICE_ORIGINS reaches every fetch: a service host is sent to the fixture server', async () => {
    const parsed = parseOriginOverrides(`media.example.com=${stage.server.origin}`);
    assert.ok('ok' in parsed);
    const outcome = await open({ url: 'u', plan: providerOf({ kind: 'file', url: `https://media.example.com/${path.basename(mp3)}` }).provide }, { overrides: parsed.ok });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 60_000, 'the whole file');
  });
});
