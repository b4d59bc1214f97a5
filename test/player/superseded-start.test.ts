/**
 * A track start that is superseded (skip, pause) while the source is still opening must leave nothing
 * behind: the abort reaches the HTTP request and ffmpeg (issue 11). The fixture server counts its open
 * connections; /proc shows the bot's ffmpeg children.
 */
import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { framesOf, Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';

/** The bound for a superseded start to let go of its socket and its ffmpeg. */
const RELEASED_WITHIN_MS = 1000;

describe('player: a superseded start leaves no socket and no ffmpeg', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let stage: Stage;
  let bot: Bot;
  before(async () => {
    stage = await Stage.start(redis.current);
    bot = await stage.startBot();
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);
  const keys = () => guildKeys(stage.guild.id);

  afterEach(async () => {
    await stage.db.del(keys().playlist, keys().state, keys().status);
    await waitFor('nothing left open', () => stage.fixtures.openConnections() === 0 && bot.ffmpegs().length === 0, { timeoutMs: 10_000 });
    stage.sandbox.resetVoiceStats(stage.guild.id);
  });

  /** A URL of the fixture server's slow routes for a file of the tracks folder. */
  function slowUrl(route: 'slow' | 'trickle', toneUrl: string): string {
    const name = new URL(toneUrl).pathname.slice(1);
    return `${stage.fixtures.origin}/${route}/${name}`;
  }

  it('a skip while ffmpeg waits for a stalled download closes both, and the next track plays', async () => {
    const stalled = slowUrl('trickle', await stage.tone(440, 5000, 'mp3'));
    await stage.play([stalled, await stage.tone(660, 1000)]);
    await waitFor('the stalled start to hold a socket and an ffmpeg', () => stage.fixtures.openConnections() >= 1 && bot.ffmpegs().length === 1, { timeoutMs: 15_000 });
    await stage.db.lpop(keys().playlist);
    // The next track (1 s, a few kB) opens a socket of its own but reads it whole at once, so "no socket"
    // is reached as soon as the stalled one is closed; only the MP3 has an ffmpeg.
    await waitFor('socket and ffmpeg of the superseded start to be gone', () => bot.ffmpegs().length === 0 && stage.fixtures.openConnections() === 0, { timeoutMs: RELEASED_WITHIN_MS });
    await stage.heard([660], 15_000);
    assert.equal(framesOf(stage.segments(), 440), 0, 'nothing of the stalled track was played');
  });

  it('a skip while the server has not answered yet hangs up at once', async () => {
    const silent = slowUrl('slow', await stage.tone(440, 2000));
    await stage.play([silent, await stage.tone(660, 1000)]);
    await waitFor('the request to be waiting for an answer', () => stage.fixtures.openConnections() >= 1, { timeoutMs: 15_000 });
    await stage.db.lpop(keys().playlist);
    await waitFor('the socket to close', () => stage.fixtures.openConnections() === 0, { timeoutMs: RELEASED_WITHIN_MS });
    await stage.heard([660], 15_000);
  });

  it('a pause while the track opens lets go of the download too', async () => {
    const stalled = slowUrl('trickle', await stage.tone(440, 5000, 'mp3'));
    await stage.play([stalled]);
    await waitFor('the stalled start to hold a socket and an ffmpeg', () => stage.fixtures.openConnections() >= 1 && bot.ffmpegs().length === 1, { timeoutMs: 15_000 });
    await stage.db.set(keys().state, 'paused');
    await waitFor('socket and ffmpeg to be gone', () => stage.fixtures.openConnections() === 0 && bot.ffmpegs().length === 0, { timeoutMs: RELEASED_WITHIN_MS });
    const status = await waitFor('a paused status', async () => {
      const raw = await stage.db.get(keys().status);
      return raw !== null && raw.includes('"paused"') ? raw : undefined;
    });
    assert.match(status, /"positionMs":0/, 'paused where it was: at the start');
  });
});
