/**
 * io-ts codecs for everything clients send to the sandbox: gateway and voice gateway frames and
 * REST bodies. Decoding at the edge keeps the handlers free of casts.
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';

export function decode<A>(codec: t.Decoder<unknown, A>, value: unknown): A | undefined {
  const result = codec.decode(value);
  return isRight(result) ? result.right : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const Frame = t.type({ op: t.number, d: t.unknown });

export const Identify = t.intersection([
  t.type({ token: t.string }),
  t.partial({ shard: t.tuple([t.number, t.number]), intents: t.number }),
]);

export const Resume = t.type({ token: t.string, session_id: t.string, seq: t.union([t.number, t.null]) });

export const VoiceStateUpdate = t.type({
  guild_id: t.string,
  channel_id: t.union([t.string, t.null]),
});

export const RequestGuildMembers = t.intersection([t.type({ guild_id: t.union([t.string, t.array(t.string)]) }), t.partial({ nonce: t.string })]);

export const VoiceIdentify = t.intersection([
  t.type({ server_id: t.string, user_id: t.string, session_id: t.string, token: t.string }),
  t.partial({ max_dave_protocol_version: t.number }),
]);

/** Ops 23 (ready for transition) and 31 (invalid commit welcome) from a DAVE client. */
export const DaveTransition = t.type({ transition_id: t.number });

export const VoiceResume = t.type({ server_id: t.string, session_id: t.string, token: t.string });

export const SelectProtocol = t.type({
  protocol: t.string,
  data: t.type({ address: t.string, port: t.number, mode: t.string }),
});

export const VoiceHeartbeat = t.union([t.type({ t: t.number }), t.number]);

/** Message content as bots send it in callbacks, webhook edits and channel messages. */
export const MessageBody = t.partial({
  content: t.union([t.string, t.null]),
  embeds: t.union([t.array(t.unknown), t.null]),
  components: t.union([t.array(t.unknown), t.null]),
  flags: t.union([t.number, t.null]),
  choices: t.array(t.unknown),
  custom_id: t.string,
  title: t.string,
});
export type MessageBody = t.TypeOf<typeof MessageBody>;

export const InteractionCallback = t.intersection([t.type({ type: t.number }), t.partial({ data: t.union([MessageBody, t.null]) })]);

export const CommandList = t.array(t.intersection([t.type({ name: t.string }), t.record(t.string, t.unknown)]));
export type CommandDefinition = t.TypeOf<typeof CommandList>[number];
