/**
 * What the cost, herd and stall steps read from the sandbox, per guild, in one call for many guilds:
 * the same figures whether the sandbox runs in this process (tests, the sections that drive users)
 * or in a process of its own (bench/sandbox-client.ts), so its CPU is not the bench's.
 */
import type { Sandbox } from '../src/sandbox';
import { LATE_MS } from './late';

export interface GuildAudio {
  readonly guildId: string;
  /** Audio frames (not silence) counted since the last reset, verified or not. */
  readonly frames: number;
  /** Of those, the ones only counted from their RTP header (sampled verification). */
  readonly unverified: number;
  /** Frames more than LATE_MS after the previous one of the guild, their summed lateness (each gap − 20 ms), and the longest gap. */
  readonly late: number;
  readonly lateMs: number;
  readonly maxGapMs: number;
  /** Monotonic ms on this process's performance.now() clock. */
  readonly firstPacketAtMs: number | undefined;
  readonly lastPacketAtMs: number | undefined;
  /** What the DAVE listeners saw in the verified windows (0 without DAVE). */
  readonly e2eeFrames: number;
  readonly unencrypted: number;
  readonly e2eeFailures: number;
  /** Packets that did not authenticate (transport). */
  readonly decryptFailures: number;
}

export interface AudioProbe {
  /** The sandbox's own process when it runs apart (its CPU is measured as that process), else undefined. */
  readonly pid: number | undefined;
  audio(guildIds: readonly string[]): Promise<GuildAudio[]>;
  reset(guildIds: readonly string[]): Promise<void>;
}

/** One guild's figures from a sandbox, its times on the sandbox process's own clock. */
export function guildAudio(sandbox: Sandbox, guildId: string): GuildAudio {
  const s = sandbox.voiceStats(guildId, { flush: false });
  let lateMs = 0;
  let maxGapMs = 0;
  let late = 0;
  for (const gap of s.gaps) {
    if (gap.ms <= LATE_MS) continue;
    late += 1;
    lateMs += gap.ms - 20;
    maxGapMs = Math.max(maxGapMs, gap.ms);
  }
  return {
    guildId,
    frames: s.frames,
    unverified: s.unverifiedFrames,
    late,
    lateMs,
    maxGapMs,
    firstPacketAtMs: s.firstPacketAtMs,
    lastPacketAtMs: s.lastPacketAtMs,
    e2eeFrames: s.dave?.e2eeFrames ?? 0,
    unencrypted: s.unencrypted,
    e2eeFailures: s.e2eeFailures,
    decryptFailures: s.decryptFailures,
  };
}

/** The probe of a sandbox in this process. */
export function localProbe(sandbox: Sandbox): AudioProbe {
  return {
    pid: undefined,
    audio: (ids) => Promise.resolve(ids.map((id) => guildAudio(sandbox, id))),
    reset: (ids) => {
      for (const id of ids) sandbox.resetVoiceStats(id);
      return Promise.resolve();
    },
  };
}

/** The figures summed over guilds, as a step reports them. */
export interface AudioTotals {
  readonly frames: number;
  readonly unverified: number;
  readonly late: number;
  readonly lateMs: number;
  readonly maxGapMs: number;
  readonly e2ee: { readonly frames: number; readonly unencrypted: number; readonly failures: number };
  readonly decryptFailures: number;
}

export function totals(audio: readonly GuildAudio[]): AudioTotals {
  let frames = 0;
  let unverified = 0;
  let late = 0;
  let lateMs = 0;
  let maxGapMs = 0;
  let decryptFailures = 0;
  const e2ee = { frames: 0, unencrypted: 0, failures: 0 };
  for (const a of audio) {
    frames += a.frames;
    unverified += a.unverified;
    late += a.late;
    lateMs += a.lateMs;
    maxGapMs = Math.max(maxGapMs, a.maxGapMs);
    decryptFailures += a.decryptFailures;
    e2ee.frames += a.e2eeFrames;
    e2ee.unencrypted += a.unencrypted;
    e2ee.failures += a.e2eeFailures;
  }
  return { frames, unverified, late, lateMs, maxGapMs, e2ee, decryptFailures };
}
