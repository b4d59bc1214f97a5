/**
 * The voice engines' counters on the registry, read at scrape time: the engines keep plain numbers
 * (nothing per frame touches prom-client, which hashes a label object per call) and a scrape turns
 * them into Prometheus counters and gauges.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EngineStats } from '../voice/engine/contract';

/** What the voice side reports, summed over its engines (src/voice/voice-engines.ts). */
export interface VoiceTotals extends EngineStats {
  /** Voice worker threads running (0: none started yet, or the engine runs in the main thread). */
  readonly workers: number;
  readonly workerRestarts: number;
}

type CounterField = 'framesSent' | 'framesLate' | 'ticks' | 'ticksMissed' | 'packetsPrepared' | 'workerRestarts';

const COUNTERS: ReadonlyArray<{ readonly name: string; readonly help: string; readonly field: CounterField }> = [
  { name: 'hiqty_audio_frames_sent_total', help: 'Opus frames sent to Discord voice.', field: 'framesSent' },
  { name: 'hiqty_audio_frames_late_total', help: 'Opus frames sent over 40 ms after the previous frame of their track: what listeners hear as stutter.', field: 'framesLate' },
  { name: 'hiqty_voice_ticks_total', help: '20 ms ticks the voice engines ran.', field: 'ticks' },
  { name: 'hiqty_voice_ticks_missed_total', help: '20 ms ticks skipped because their deadline had passed (never sent as a burst).', field: 'ticksMissed' },
  { name: 'hiqty_voice_packets_prepared_total', help: 'Packets prepared (read, DAVE-encrypted, transport-encrypted).', field: 'packetsPrepared' },
  { name: 'hiqty_voice_worker_restarts_total', help: 'Voice workers that died and were restarted.', field: 'workerRestarts' },
];

/** A counter that follows a total kept elsewhere: it adds what the total grew by since the last scrape. */
function followingCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const total = read();
      if (total > seen) this.inc(total - seen);
      seen = Math.max(seen, total);
    },
  });
}

export function registerVoiceMetrics(registry: Registry, read: () => VoiceTotals): void {
  // Cheap to read (a sum over the engines' last reports), so each metric reads it afresh.
  const current = read;
  for (const c of COUNTERS) followingCounter(registry, c.name, c.help, () => current()[c.field]);
  followingCounter(registry, 'hiqty_voice_prepare_seconds_total', 'Time the voice engines spent preparing packets.', () => current().prepareMicros / 1e6);
  followingCounter(registry, 'hiqty_voice_dispatch_seconds_total', 'Time the voice engines spent sending prepared packets.', () => current().dispatchMicros / 1e6);
  const gauges: ReadonlyArray<{ readonly name: string; readonly help: string; readonly value: (t: VoiceTotals) => number }> = [
    { name: 'hiqty_voice_workers', help: 'Voice worker threads running (each starts with the first guild it is given; 0 with HIQTY_VOICE_WORKERS=0).', value: (t) => t.workers },
    { name: 'hiqty_voice_playing', help: 'Plays sending audio now.', value: (t) => t.playing },
    { name: 'hiqty_voice_longest_gap_seconds', help: 'The longest gap between two frames of any play in the last second.', value: (t) => t.longestGapMs / 1000 },
    { name: 'hiqty_ffmpeg_processes', help: 'ffmpeg processes running now, in every voice engine.', value: (t) => t.ffmpegProcesses },
  ];
  for (const g of gauges) {
    new Gauge({
      name: g.name,
      help: g.help,
      registers: [registry],
      collect() {
        this.set(g.value(current()));
      },
    });
  }
}
