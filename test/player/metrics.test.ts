import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { framesOf, Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';

/** Prometheus text format to a map of `name{labels}` → value. */
async function scrape(bot: Bot): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${bot.httpPort}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) (\S+)$/i.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], Number(match[2]));
  }
  return values;
}

function value(metrics: Map<string, number>, name: string): number {
  return metrics.get(name) ?? 0;
}

describe('player: /metrics during real plays', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  before(async () => (stage = await Stage.start(redis.current)));
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('shows every metric moving', async () => {
    const bot = await stage.startBot();
    const keys = guildKeys(stage.guild.id);
    const before = await scrape(bot);
    assert.equal(value(before, 'hiqty_redis_connected'), 1);
    assert.ok(value(before, 'process_resident_memory_bytes') > 0, 'process metrics');
    assert.ok(before.has('nodejs_eventloop_lag_seconds'), 'Node metrics');

    // A passthrough track that a command enqueued (addedAt), then a transcoded one.
    await stage.db.rpush(keys.playlist, JSON.stringify({ id: 'm1', url: await stage.tone(440, 3000), addedAt: Date.now() }));
    // Long enough that its ffmpeg is still running (blocked on its output) when the gauge is read.
    await stage.play([await stage.tone(660, 15000, 'mp3')]);
    await waitFor('the first track', () => framesOf(stage.segments(), 440) >= 25, { timeoutMs: 15_000 });
    // The engines' counters reach /metrics with their next report (a voice worker reports every second).
    const playing = await waitFor('the frames on /metrics', async () => {
      const now = await scrape(bot);
      return value(now, 'hiqty_audio_frames_sent_total') >= 25 ? now : undefined;
    });
    assert.equal(value(playing, 'hiqty_players_active'), 1);
    assert.equal(value(playing, 'hiqty_tracks_started_total{path="passthrough"}'), 1);
    assert.equal(value(playing, 'hiqty_command_to_first_packet_seconds_count'), 1);
    assert.ok(value(playing, 'hiqty_lease_claims_total{outcome="claimed"}') >= 1);
    assert.ok(value(playing, 'hiqty_reconcile_total{controller="player",outcome="success"}') > value(before, 'hiqty_reconcile_total{controller="player",outcome="success"}'));
    assert.ok(value(playing, 'hiqty_reconcile_duration_seconds_count{controller="player"}') > 0);

    // A stalled process sends late: freeze the bot for 150 ms (the stall is made here, so the count is not
    // the machine's speed; how many frames run late under real load is `make bench`'s figure).
    const pid = bot.proc.child.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(pid, 'SIGCONT');
    await waitFor('late frames', async () => value(await scrape(bot), 'hiqty_audio_frames_late_total') >= 1);

    await waitFor('the MP3 track with its ffmpeg', async () => {
      const m = await scrape(bot);
      return value(m, 'hiqty_tracks_started_total{path="transcoded"}') === 1 && value(m, 'hiqty_ffmpeg_processes') === 1;
    }, { timeoutMs: 15_000 });
    const renewalsBefore = value(await scrape(bot), 'hiqty_lease_renewals_total{outcome="renewed"}');
    await waitFor('renewals', async () => value(await scrape(bot), 'hiqty_lease_renewals_total{outcome="renewed"}') > renewalsBefore, { timeoutMs: 10_000 });

    // A lock taken from under it counts as a loss.
    await stage.db.set(keys.player_lock, 'intruder:1', 'PX', 1500);
    await waitFor('a lease loss', async () => value(await scrape(bot), 'hiqty_lease_losses_total{reason="taken"}') === 1, { timeoutMs: 10_000 });
    await waitFor('the finished track count', async () => value(await scrape(bot), 'hiqty_tracks_ended_total{outcome="finished"}') >= 1, { timeoutMs: 10_000 });

    // After the intruder's lock lapses it plays again; a SIGTERM then hands the guild over at the track's end.
    await waitFor('playing again', async () => value(await scrape(bot), 'hiqty_players_active') === 1, { timeoutMs: 10_000 });
    bot.proc.kill('SIGTERM');
    let last = new Map<string, number>();
    await waitFor('a handover', async () => {
      try {
        last = await scrape(bot);
      } catch {
        return undefined;
      }
      return value(last, 'hiqty_lease_handovers_total') === 1;
    }, { timeoutMs: 15_000, intervalMs: 20 });
    assert.equal(value(last, 'hiqty_players_active'), 0);
    assert.equal((await bot.proc.exited).code, 0);
  });
});
