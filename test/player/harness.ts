/**
 * The Player's reconciler wired to the fakes of test/player/fakes.ts, on a ManualClock, with its log
 * lines and metrics captured: the harness of the reconciler's unit tests.
 */
import { strict as assert } from 'node:assert';
import pino from 'pino';
import { DEFAULT_PLAYER_OPTIONS, noopPlayerMetrics, PlayerReconciler, type PlayerOptions } from '../../controllers/player';
import type { Autoplayer } from '../../src/autoplay';
import { ManualClock, settle } from '../../src/clock';
import type { Result } from '../../src/reconcile';
import { FakeLeases, FakePlay, FakeStore, FakeVoicePort, GUILD, TTL_MS, World } from './fakes';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export function harness(options: Partial<PlayerOptions> = {}, autoplay?: Autoplayer) {
  const clock = new ManualClock();
  const world = new World(clock);
  const store = new FakeStore(world);
  const leases = new FakeLeases(world, clock);
  const voice = new FakeVoicePort(clock);
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const counted = { lost: [] as string[], handedOver: 0, unplayable: 0, elsewhere: [] as string[], streamEnded: [] as string[], started: 0, ended: [] as string[], firstPackets: 0 };
  const reconciler = new PlayerReconciler({
    store,
    keeper: leases,
    voice,
    clock,
    log,
    announce: {
      unplayable: () => void (counted.unplayable += 1),
      playedElsewhere: (_g, _c, _t, via) => void counted.elsewhere.push(via.label),
      streamEnded: (_g, _c, _t, reason) => void counted.streamEnded.push(reason),
    },
    metrics: {
      ...noopPlayerMetrics,
      leaseLost: (reason) => void counted.lost.push(reason),
      leaseHandedOver: () => void (counted.handedOver += 1),
      trackStarted: () => void (counted.started += 1),
      trackEnded: (outcome) => void counted.ended.push(outcome),
      commandToFirstPacket: () => void (counted.firstPackets += 1),
    },
    options: { ...DEFAULT_PLAYER_OPTIONS, lossCooldownMs: TTL_MS, ...options },
    ...(autoplay === undefined ? {} : { autoplay }),
  });
  const pokes: string[] = [];
  const delayed: Array<{ guild: string; ms: number }> = [];
  reconciler.poke = (guild) => void pokes.push(guild);
  reconciler.pokeAfter = (guild, ms) => void delayed.push({ guild, ms });
  const reconcile = async (): Promise<Result> => {
    const result = await reconciler.reconcile(GUILD);
    await settle();
    return result;
  };
  const lossLines = (): LogLine[] => lines.filter((l) => l.msg === 'lost the guild lease: stopped playing');
  const plays = (): number => voice.voices.reduce((n, v) => n + v.plays.length, 0);
  return { clock, world, store, leases, voice, plays, lines, counted, reconciler, pokes, delayed, reconcile, lossLines };
}
export type Harness = ReturnType<typeof harness>;

/** Claims, joins and plays the head; returns the open track. */
export async function playHead(h: Harness): Promise<FakePlay> {
  await h.reconcile();
  assert.equal(h.reconciler.held().size, 1, 'the guild was claimed');
  const track = h.voice.current().lastPlay();
  track.answer();
  await settle();
  assert.equal(h.reconciler.held().get(GUILD)?.playback.kind, 'playing');
  return track;
}

