/**
 * Everything that crosses a voice worker's MessagePort, both ways, with its io-ts codec. Besides the
 * engine's commands and events, the worker's gateway adapters are proxied: @discordjs/voice in the
 * worker opens an adapter and sends voice-state payloads through it, and the main thread's discord.js
 * client feeds back the VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE it receives for that guild.
 * A message that does not decode is dropped, never acted on: see MessageDrops.
 */
import type { GatewayVoiceServerUpdateDispatchData, GatewayVoiceStateUpdateDispatchData } from 'discord.js';
import { isLeft } from 'fp-ts/Either';
import * as t from 'io-ts';
import { describeErrors, problemToString } from '../../codecs';
import type { Logger } from '../../log';
import type { EngineCommand, EngineEvent } from '../engine/contract';
import { EngineCommandCodec, EngineEventCodec } from './engine-codecs';
import { tagOf, taggedUnion } from './tagged';

/** The only gateway payload @discordjs/voice sends: op 4, a voice state update for its own guild. */
export interface VoicePayload {
  readonly op: 4;
  readonly d: { readonly guild_id: string; readonly channel_id: string | null; readonly self_deaf: boolean; readonly self_mute: boolean };
}

/** Main thread → worker. `shutdown` asks the worker to close its engine and end (close() of the host). */
export type ToWorker =
  | EngineCommand
  | { readonly type: 'voice-state'; readonly guild: string; readonly data: GatewayVoiceStateUpdateDispatchData }
  | { readonly type: 'voice-server'; readonly guild: string; readonly data: GatewayVoiceServerUpdateDispatchData }
  /** The main thread's adapter of the guild is gone (its shard disconnected): the connection must be destroyed. */
  | { readonly type: 'adapter-destroyed'; readonly guild: string }
  | { readonly type: 'shutdown' };

/** Worker → main thread. */
export type FromWorker =
  | EngineEvent
  /** @discordjs/voice made an adapter for the guild: the main thread registers one with discord.js. */
  | { readonly type: 'adapter-open'; readonly guild: string }
  | { readonly type: 'payload'; readonly guild: string; readonly payload: VoicePayload }
  /** @discordjs/voice no longer uses the guild's adapter. */
  | { readonly type: 'adapter-close'; readonly guild: string };

const nullableString = t.union([t.string, t.null]);

/** The fields of a voice state that Discord documents as always present (the member and the rest pass untouched). */
const VoiceStateData: t.Type<GatewayVoiceStateUpdateDispatchData, unknown, unknown> = t.intersection([
  t.type({
    channel_id: nullableString,
    user_id: t.string,
    session_id: t.string,
    deaf: t.boolean,
    mute: t.boolean,
    self_deaf: t.boolean,
    self_mute: t.boolean,
    self_video: t.boolean,
    suppress: t.boolean,
    request_to_speak_timestamp: nullableString,
  }),
  t.partial({ guild_id: t.string, self_stream: t.boolean }),
]);

const VoiceServerData: t.Type<GatewayVoiceServerUpdateDispatchData, unknown, unknown> = t.type({ token: t.string, guild_id: t.string, endpoint: nullableString });

export const VoicePayloadCodec: t.Type<VoicePayload, unknown, unknown> = t.type({
  op: t.literal(4),
  d: t.type({ guild_id: t.string, channel_id: nullableString, self_deaf: t.boolean, self_mute: t.boolean }),
});

const guildMessage = <K extends string>(type: K) => t.type({ type: t.literal(type), guild: t.string });

/** Main → worker messages, decoded in the worker. */
export const ToWorkerCodec = taggedUnion<ToWorker>('a message to a voice worker', {
  ...EngineCommandCodec.codecs,
  'voice-state': t.type({ type: t.literal('voice-state'), guild: t.string, data: VoiceStateData }),
  'voice-server': t.type({ type: t.literal('voice-server'), guild: t.string, data: VoiceServerData }),
  'adapter-destroyed': guildMessage('adapter-destroyed'),
  shutdown: t.type({ type: t.literal('shutdown') }),
});

/** Worker → main messages, decoded in the main thread. A payload for another guild than its own is refused. */
export const FromWorkerCodec = taggedUnion<FromWorker>('a message from a voice worker', {
  ...EngineEventCodec.codecs,
  'adapter-open': guildMessage('adapter-open'),
  payload: t.refinement(t.type({ type: t.literal('payload'), guild: t.string, payload: VoicePayloadCodec }), (m) => m.payload.d.guild_id === m.guild, 'a voice payload for its own guild'),
  'adapter-close': guildMessage('adapter-close'),
});

/**
 * Decodes port messages and drops those that do not decode. Each kind (the message's `type`, or
 * "untyped") is logged once, as one structured line, so a misbehaving peer cannot flood the log;
 * every drop is counted.
 */
export class MessageDrops {
  private readonly logged = new Set<string>();
  private count = 0;

  constructor(
    private readonly log: Logger,
    /** Where the messages came from, for the log line ("main thread", "worker-0"). */
    private readonly from: string,
  ) {}

  /** The message if it decodes; otherwise undefined, after counting (and maybe logging) the drop. */
  decode<A>(codec: t.Type<A, unknown, unknown>, message: unknown): A | undefined {
    const result = codec.decode(message);
    if (!isLeft(result)) return result.right;
    this.count += 1;
    const kind = tagOf(message) ?? 'untyped';
    if (!this.logged.has(kind)) {
      this.logged.add(kind);
      const problems = describeErrors(result.left).map(problemToString).slice(0, 5);
      this.log.warn({ from: this.from, kind, problems }, 'dropped a voice worker message that does not decode (logged once per kind)');
    }
    return undefined;
  }

  /** Messages dropped so far. */
  dropped(): number {
    return this.count;
  }
}
