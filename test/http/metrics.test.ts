import { strict as assert } from 'node:assert';
import { Registry } from 'prom-client';
import { Health } from '../../src/http/health';
import { createMetrics, registerMetricsRoute } from '../../src/http/metrics';
import { EMPTY_STATS } from '../../src/voice/engine/host';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { silentLogger } from '../../src/log';

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics: definitions, adapters and /metrics', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves every hiqty metric and the process metrics, moved by the adapters', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const redis = { status: 'connecting' };
    metrics.watchRedis(redis);
    // The voice engines' totals, read at each scrape: a counter follows them up and never goes down.
    let voice = { ...EMPTY_STATS, workers: 2, workerRestarts: 0, framesSent: 2, framesLate: 1, ffmpegProcesses: 1, prepareMicros: 1_500_000, packetsPrepared: 3 };
    metrics.watchVoice(() => voice);
    server = await startHttpServer({ port: 0, host: '127.0.0.1', health: new Health(), log: silentLogger, register: (app) => registerMetricsRoute(app, registry) });
    const scrape = async () => {
      const response = await fetch(`http://127.0.0.1:${server?.port}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return response.text();
    };

    const before = await scrape();
    assert.equal(sample(before, 'hiqty_redis_connected'), 0);
    assert.ok(sample(before, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(sample(before, 'nodejs_eventloop_lag_seconds') !== undefined);

    metrics.player.sessions(3);
    metrics.player.trackStarted('passthrough');
    metrics.player.trackStarted('transcoded');
    metrics.player.trackStarted('transcoded');
    metrics.player.commandToFirstPacket(0.3);
    metrics.player.trackEnded('finished');
    metrics.player.leaseLost('expired');
    metrics.player.leaseHandedOver();
    metrics.lease.claim('claimed');
    metrics.lease.claim('held');
    metrics.lease.renewal('renewed');
    metrics.lease.loss('expired');
    metrics.reconcile.observe('player', 'success', 0.002);
    redis.status = 'ready';

    voice = { ...voice, workerRestarts: 1 };
    const after = await scrape();
    const expected: Record<string, number> = {
      hiqty_players_active: 3,
      'hiqty_tracks_started_total{path="passthrough"}': 1,
      'hiqty_tracks_started_total{path="transcoded"}': 2,
      'hiqty_tracks_ended_total{outcome="finished"}': 1,
      hiqty_ffmpeg_processes: 1,
      'hiqty_lease_claims_total{outcome="claimed"}': 1,
      'hiqty_lease_claims_total{outcome="held"}': 1,
      'hiqty_lease_renewals_total{outcome="renewed"}': 1,
      // Counted once, from the player, although the keeper reported the same loss.
      'hiqty_lease_losses_total{reason="expired"}': 1,
      hiqty_lease_handovers_total: 1,
      hiqty_command_to_first_packet_seconds_count: 1,
      'hiqty_command_to_first_packet_seconds_bucket{le="0.5"}': 1,
      'hiqty_command_to_first_packet_seconds_bucket{le="0.25"}': 0,
      hiqty_audio_frames_sent_total: 2,
      hiqty_audio_frames_late_total: 1,
      hiqty_redis_connected: 1,
      hiqty_voice_workers: 2,
      hiqty_voice_worker_restarts_total: 1,
      hiqty_voice_packets_prepared_total: 3,
      hiqty_voice_prepare_seconds_total: 1.5,
      'hiqty_reconcile_total{controller="player",outcome="success"}': 1,
    };
    for (const [series, value] of Object.entries(expected)) assert.equal(sample(after, series), value, series);
  });
});
