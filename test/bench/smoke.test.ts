/**
 * Keeps `make bench` from rotting: the whole bench pipeline at N = 2 with windows of a second,
 * asserting only that every section produced finite numbers (benchmarks are not tests).
 */
import { strict as assert } from 'node:assert';
import { SMOKE } from '../../bench/config';
import { renderReport, type Report } from '../../bench/report';
import { runBench } from '../../bench/run';
import type { Summary } from '../../bench/stats';

function finite(what: string, v: number | undefined): void {
  assert.ok(v !== undefined && Number.isFinite(v), `${what} is ${v}`);
}

function finiteSummary(what: string, s: Summary): void {
  assert.ok(s.n > 0, `${what}: no samples`);
  for (const k of ['p50', 'p95', 'max'] as const) finite(`${what} ${k}`, s[k]);
}

describe('bench: the make bench pipeline at N = 2', function () {
  // A hang guard, not a figure: the whole pipeline takes about 3.5 minutes on 2 quiet cores and more than 4
  // with another process keeping a core busy.
  this.timeout(600_000);

  it('produces every section with finite numbers', async () => {
    const lines: string[] = [];
    const report: Report = await runBench(SMOKE, (l) => lines.push(l));
    for (const subject of ['hiqty', 'baseline'] as const) {
      for (const kind of ['passthrough', 'transcode'] as const) {
        const run = report.cost.find((r) => r.subject === subject && r.kind === kind);
        assert.ok(run, `cost of ${subject} ${kind} missing`);
        const step = run.steps.find((s) => s.guilds === 2);
        assert.ok(step?.window, `${subject} ${kind} at 2 guilds not measured: ${step?.note ?? ''}`);
        assert.equal(step.heard, 2, `${subject} ${kind}: both guilds heard`);
        finite(`${subject} ${kind} RSS`, step.window.rssKb.total);
        finite(`${subject} ${kind} slope`, step.slopeKb);
        finite(`${subject} ${kind} CPU per track`, step.cpuPctPerTrack);
        finite(`${subject} ${kind} late ‰`, step.latePermille);
        assert.ok(step.frames > 0, `${subject} ${kind}: frames in the window`);
        assert.ok((step.e2ee?.frames ?? 0) > 0, `${subject} ${kind}: the sandbox's listeners decrypted DAVE frames (the bench runs with DAVE required)`);
        assert.equal(step.e2ee?.failures, 0, `${subject} ${kind}: no DAVE failures`);
        finite(`${subject} ${kind} µs per packet`, step.usPerPacket);
        finite(`${subject} ${kind} sandbox process CPU`, step.window.sandboxCpuPct);
        finite(`${subject} ${kind} longest gap`, step.maxGapMs);
      }
    }
    finite('stall: longest gap', report.stall.maxGapMs);
    assert.equal(report.stall.heard, report.stall.guilds, 'stall: every guild heard');
    assert.equal(report.metadata.tracks, 100, 'metadata: the bench playlist resolved whole');
    finiteSummary('metadata cold', report.metadata.coldMs);
    finiteSummary('metadata cached', report.metadata.cachedMs);
    assert.ok(report.metadata.coldRequests > 0, 'metadata: the cold resolution asked Spotify');
    assert.equal(report.metadata.cachedRequests, 0, 'metadata: the cached resolution asked Spotify nothing');
    finiteSummary('dashboard live', report.dashboardLive.streamMs);
    finiteSummary('dashboard polled', report.dashboardLive.pollMs);
    const failover = report.redisFailover.runs[0];
    assert.ok(failover, 'redis failover: a round ran');
    finiteSummary('redis failover: interruption', failover.interruptionMs);
    finiteSummary('redis failover: overlap', failover.overlapMs);
    for (const [what, w] of [['claim', report.redisFailover.claimMs], ['renewal round', report.redisFailover.renewalRoundMs]] as const) {
      finiteSummary(`WAIT ${what} off`, w.off);
      finiteSummary(`WAIT ${what} with a replica`, w.withReplica);
      finiteSummary(`WAIT ${what} without a replica`, w.withoutReplica);
    }
    assert.equal(report.targets14.length, 9, 'every issue-14 target is evaluated');
    assert.equal(report.dave.mode, 'required');
    assert.equal(report.dave.other.mode, 'off');
    for (const kind of ['passthrough', 'transcode'] as const) {
      const step = report.dave.other.cost.find((r) => r.subject === 'hiqty' && r.kind === kind)?.steps.find((s) => s.guilds === 2);
      assert.ok(step?.window, `DAVE off: hiqty ${kind} at 2 guilds not measured: ${step?.note ?? ''}`);
      assert.equal(step.heard, 2, `DAVE off: hiqty ${kind}: both guilds heard`);
      finite(`DAVE off: hiqty ${kind} slope`, step.slopeKb);
      finite(`DAVE off: hiqty ${kind} CPU per track`, step.cpuPctPerTrack);
      finite(`DAVE off: hiqty ${kind} late ‰`, step.latePermille);
      assert.equal(step.e2ee?.frames, 0, `DAVE off: hiqty ${kind}: no DAVE frames`);
    }
    const packet = report.dave.packet;
    for (const k of ['botEncrypt', 'transportAesGcm', 'transportXChaCha', 'listenerDecrypt', 'sandboxTransportDecrypt'] as const) {
      finite(`DAVE per packet: ${k} µs`, packet[k].us);
      finite(`DAVE per packet: ${k} fastest round µs`, packet[k].minUs);
    }
    assert.ok(packet.daveBytes > packet.opusBytes, 'encryptOpus adds its tag, nonce and marker');
    for (const [mode, set] of [['on', report.packetPath.daveOn], ['off', report.packetPath.daveOff]] as const) {
      for (const path of ['library', 'keyObject', 'own'] as const) {
        finite(`packet path ${path}, DAVE ${mode}: µs per packet`, set[path].us);
        finite(`packet path ${path}, DAVE ${mode}: bytes per packet`, set[path].bytes);
      }
    }
    for (const subject of ['hiqty', 'baseline'] as const) {
      for (const kind of ['youtube', 'soundcloud'] as const) {
        const run = report.services.cost.find((r) => r.subject === subject && r.kind === kind);
        assert.ok(run, `service cost of ${subject} ${kind} missing`);
        const step = run.steps.find((s) => s.guilds === 2);
        assert.ok(step?.window, `${subject} ${kind} at 2 guilds not measured: ${step?.note ?? ''}`);
        assert.equal(step.heard, 2, `${subject} ${kind}: both guilds heard`);
        finite(`${subject} ${kind} slope`, step.slopeKb);
        finite(`${subject} ${kind} CPU per track`, step.cpuPctPerTrack);
        finite(`${subject} ${kind} late ‰`, step.latePermille);
        assert.ok(step.frames > 0, `${subject} ${kind}: frames in the window`);
        if (subject === 'hiqty' && kind === 'youtube') assert.equal(step.window.ffmpegs, 0, 'YouTube Opus plays without ffmpeg');
      }
    }
    for (const kind of ['youtube', 'soundcloud', 'query'] as const) {
      finiteSummary(`${kind} /play cold`, report.services.latency[kind].cold);
      finiteSummary(`${kind} /play warm`, report.services.latency[kind].warm);
    }
    assert.equal(report.services.latency.soundcloud.scrapesPerCold, 1, 'a cold SoundCloud play scrapes a client_id');
    assert.equal(report.services.latency.soundcloud.scrapesPerWarm, 0, 'a warm one uses the stored client_id');
    const [atZero, atThree] = report.services.resume;
    assert.ok(atZero && atThree, 'resume rows at 0 and 3:00');
    finiteSummary('resume at 0', atZero.firstPacketMs);
    finiteSummary('resume at 3:00', atThree.firstPacketMs);
    assert.equal(atZero.firstMediaOffset, 0, 'a start at 0 reads from byte 0');
    assert.ok(atThree.firstMediaOffset > 0, `a start at 3:00 reads from an offset, not from 0 (${atThree.firstMediaOffset})`);
    finiteSummary('autocomplete cold', report.services.autocomplete.cold);
    finiteSummary('autocomplete warm', report.services.autocomplete.warm);
    assert.equal(report.services.autocomplete.sourcesPerAnswer, 2, 'every autocomplete answer has results from both services');
    finiteSummary('latency passthrough cold', report.latency.passthrough.cold);
    finiteSummary('latency passthrough warm', report.latency.passthrough.warm);
    finiteSummary('latency transcode cold', report.latency.transcode.cold);
    finiteSummary('latency transcode warm', report.latency.transcode.warm);
    finiteSummary('crash resume', report.recovery.crash.resumeMs);
    finiteSummary('crash position error', report.recovery.crash.positionErrorMs);
    finiteSummary('rollout gap', report.recovery.rollout.gapMs);
    finite('idle CPU', report.idle.cpuPct);
    finite('idle Redis commands/s', report.idle.redisCommandsPerSecond);
    assert.ok(report.idle.redisCommandsPerSecond > 0, 'the idle bot talks to Redis (resync)');
    const r = report.reactions;
    finiteSummary('lease loss to silence', r.leaseLossToSilenceMs);
    finiteSummary('skip to next tone', r.skipToNextToneMs);
    finiteSummary('stop to silence', r.stopToSilenceMs);
    assert.ok(r.baselineStopToSilenceMs, 'the baseline stop was measured');
    finiteSummary('baseline stop to silence', r.baselineStopToSilenceMs);
    finiteSummary('gap between tracks', r.trackGapMs);
    finiteSummary('SIGTERM to /readyz 503', r.sigtermToNotReadyMs);
    finiteSummary('REST change to SSE snapshot', r.restToSseMs);
    finiteSummary('filter change to filtered tone', r.filterToToneMs);
    finiteSummary('filter change hole', r.filterHoleMs);
    finiteSummary('volume change hole', r.volumeHoleMs);
    assert.ok(report.targets.length >= 8, 'every target is evaluated');
    const text = renderReport(report);
    assert.ok(report.herd.runs.length > 0, 'the herd was measured');
    for (const run of report.herd.runs) assert.equal(run.herdHeard, run.herd, `${run.mode} herd: every herd guild heard`);
    for (const heading of ['1. Passthrough', '2. Transcoded', '3a. YouTube', '3b. SoundCloud', '4. Play to first packet', 'service tracks via /play', '5. Recovery', '6. Idle', '7. A herd of starts', '8. Reaction times', '9a. DAVE off vs on', "9b. DAVE's cost per 20 ms Opus packet", '10a. Voice engine', '10b. Stall', '10c. Projection', '10d. Targets of issue 14', 'Targets']) assert.ok(text.includes(heading), `table has ${heading}`);
  });
});
