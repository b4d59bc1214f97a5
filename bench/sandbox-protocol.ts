/**
 * The IPC between the bench and its sandbox process (bench/sandbox-process.ts): requests from the
 * bench, the ready message and replies from the sandbox, each decoded with io-ts on arrival.
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';

const Channel = t.type({ id: t.string, name: t.string });
const User = t.intersection([t.type({ id: t.string, username: t.string }), t.partial({ bot: t.boolean, roles: t.array(t.string), permissions: t.string })]);
export const GuildSpecCodec = t.intersection([
  t.type({ id: t.string, name: t.string, textChannels: t.array(Channel), voiceChannels: t.array(Channel), members: t.array(User) }),
  t.partial({ voice: t.record(t.string, t.string), roles: t.array(Channel) }),
]);

const DaveModeCodec = t.keyof({ required: null, off: null });
const VerifyCodec = t.union([t.literal('all'), t.type({ sampleEveryMs: t.number, windowMs: t.number })]);

/** argv[2] of the sandbox process, as JSON. */
export const SandboxJob = t.type({ guilds: t.number, shards: t.number, dataDir: t.string, dave: DaveModeCodec, verify: VerifyCodec, decodeWindowsOutOf: t.number });
export type SandboxJob = t.TypeOf<typeof SandboxJob>;

export const SandboxRequest = t.union([
  t.type({ id: t.number, op: t.literal('audio'), guilds: t.array(t.string) }),
  t.type({ id: t.number, op: t.literal('reset'), guilds: t.array(t.string) }),
]);
export type SandboxRequest = t.TypeOf<typeof SandboxRequest>;

const optionalNumber = t.union([t.number, t.null]);
/** GuildAudio on the wire: times as epoch ms (performance.timeOrigin + now), so either side can convert. */
export const WireAudio = t.type({
  guildId: t.string,
  frames: t.number,
  unverified: t.number,
  late: t.number,
  lateMs: t.number,
  maxGapMs: t.number,
  firstPacketAtEpochMs: optionalNumber,
  lastPacketAtEpochMs: optionalNumber,
  e2eeFrames: t.number,
  unencrypted: t.number,
  e2eeFailures: t.number,
  decryptFailures: t.number,
});
export type WireAudio = t.TypeOf<typeof WireAudio>;

export const SandboxMessage = t.union([
  t.type({ type: t.literal('ready'), token: t.string, apiBase: t.string, caCertPath: t.string, guilds: t.array(GuildSpecCodec) }),
  t.type({ type: t.literal('reply'), id: t.number, audio: t.array(WireAudio) }),
  t.type({ type: t.literal('failed'), id: t.number, error: t.string }),
]);
export type SandboxMessage = t.TypeOf<typeof SandboxMessage>;

/** Decodes or throws with io-ts's reasons. */
export function decodeOrThrow<A>(what: string, codec: t.Decoder<unknown, A>, value: unknown): A {
  const r = codec.decode(value);
  if (isRight(r)) return r.right;
  throw new Error(`${what} did not decode: ${PathReporter.report(r).join('; ')}`);
}
