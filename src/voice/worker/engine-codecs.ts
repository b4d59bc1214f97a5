/**
 * io-ts codecs of the engine contract (src/voice/engine/contract.ts), for the messages that cross a
 * voice worker's MessagePort: every command (a plan answer's StreamPlan included) and every event.
 * Each codec is typed as the contract type it mirrors, so a decoded value is a valid one; the tests
 * round-trip every kind, so a field added to the contract and not here fails there.
 */
import * as t from 'io-ts';
import type { PlanOutcome, StreamPlan } from '../../media/plan';
import { FiltersCodec } from '../../filters/codec';
import type { EngineCommand, EngineEvent, EnginePlayRequest, EngineStats } from '../engine/contract';
import type { LinkState, OpenResult, PlayEnd } from '../port';
import { taggedUnion } from './tagged';

const Count = t.number;
const PlanHeaders = t.record(t.string, t.string);
const ByteRange = t.type({ start: t.number, end: t.number });

const FilePlan = t.intersection([
  t.type({ kind: t.literal('file'), url: t.string }),
  t.partial({ headers: PlanHeaders, live: t.boolean, durationMs: t.number, contentLength: t.number }),
]);
const RangedPlan = t.intersection([
  t.type({
    kind: t.literal('ranged'),
    url: t.string,
    contentLength: t.number,
    container: t.keyof({ webm: null, mp4: null, mp3: null, unknown: null }),
    rangeParam: t.boolean,
  }),
  t.partial({ headers: PlanHeaders, codec: t.string, durationMs: t.number, chunkBytes: t.number, initRange: ByteRange, indexRange: ByteRange }),
]);
const HlsPlan = t.intersection([t.type({ kind: t.literal('hls'), url: t.string }), t.partial({ headers: PlanHeaders, live: t.boolean, rendition: t.string, expiresAt: t.number })]);

export const StreamPlanCodec: t.Type<StreamPlan, unknown, unknown> = t.union([FilePlan, RangedPlan, HlsPlan]);

export const PlanOutcomeCodec: t.Type<PlanOutcome, unknown, unknown> = t.union([
  t.type({ kind: t.literal('plan'), plan: StreamPlanCodec }),
  t.type({ kind: t.literal('unplayable'), reason: t.string }),
  t.type({ kind: t.literal('failed'), reason: t.string }),
  t.type({ kind: t.literal('cancelled') }),
]);

const PlayRequest: t.Type<EnginePlayRequest, unknown, unknown> = t.intersection([
  t.type({ url: t.string, startMs: t.number, volumePercent: t.number, isLive: t.boolean, planned: t.boolean }),
  t.partial({ durationMs: t.number, filters: FiltersCodec }),
]);

const GuildOnly = <K extends string>(type: K) => t.type({ type: t.literal(type), guild: t.string });

export const EngineCommandCodec = taggedUnion<EngineCommand>('an engine command', {
  join: t.type({ type: t.literal('join'), guild: t.string, join: Count, channelId: t.string }),
  play: t.type({ type: t.literal('play'), guild: t.string, play: Count, request: PlayRequest }),
  stop: t.type({ type: t.literal('stop'), guild: t.string, play: Count }),
  drop: GuildOnly('drop'),
  leave: GuildOnly('leave'),
  close: GuildOnly('close'),
  'plan-answer': t.type({ type: t.literal('plan-answer'), id: Count, outcome: PlanOutcomeCodec }),
});

const LinkStateCodec: t.Type<LinkState | 'gone', unknown, unknown> = t.keyof({ joining: null, ready: null, lost: null, gone: null });

const OpenResultCodec: t.Type<OpenResult, unknown, unknown> = t.union([
  t.type({ kind: t.literal('playing'), path: t.keyof({ passthrough: null, transcoded: null }) }),
  t.type({ kind: t.literal('unplayable'), reason: t.string }),
  t.type({ kind: t.literal('cancelled') }),
]);

const PlayEndCodec: t.Type<PlayEnd, unknown, unknown> = t.union([
  t.intersection([t.type({ kind: t.literal('finished') }), t.partial({ streamEnded: t.string })]),
  t.type({ kind: t.literal('failed'), reason: t.string }),
  t.type({ kind: t.literal('stopped') }),
  t.type({ kind: t.literal('interrupted') }),
]);

export const EngineStatsCodec: t.Type<EngineStats, unknown, unknown> = t.type({
  guilds: Count,
  playing: Count,
  framesSent: Count,
  framesLate: Count,
  ticks: Count,
  ticksMissed: Count,
  packetsPrepared: Count,
  prepareMicros: Count,
  dispatchMicros: Count,
  longestGapMs: Count,
  ffmpegProcesses: Count,
});

export const EngineEventCodec = taggedUnion<EngineEvent>('an engine event', {
  link: t.type({ type: t.literal('link'), guild: t.string, join: Count, channelId: t.string, state: LinkStateCodec }),
  opened: t.type({ type: t.literal('opened'), guild: t.string, play: Count, result: OpenResultCodec }),
  'first-packet': t.type({ type: t.literal('first-packet'), guild: t.string, play: Count }),
  ended: t.type({ type: t.literal('ended'), guild: t.string, play: Count, end: PlayEndCodec }),
  positions: t.type({
    type: t.literal('positions'),
    entries: t.readonlyArray(t.type({ guild: t.string, play: Count, positionMs: t.number })),
  }),
  plan: t.type({ type: t.literal('plan'), id: Count, guild: t.string, play: Count, attempt: Count }),
  stats: t.type({ type: t.literal('stats'), stats: EngineStatsCodec }),
});
