/**
 * DAVE's voice gateway opcodes (protocol version 1) and their binary framing: server→client
 * `[seq u16][op u8][payload]`, client→server `[op u8][payload]`. The JSON ones (21–24, 31) go
 * through the voice gateway's ordinary `{op, d, seq}` frames.
 */
export const enum DaveOp {
  ClientsConnect = 11,
  ClientDisconnect = 13,
  PrepareTransition = 21,
  ExecuteTransition = 22,
  ReadyForTransition = 23,
  PrepareEpoch = 24,
  MlsExternalSender = 25,
  MlsKeyPackage = 26,
  MlsProposals = 27,
  MlsCommitWelcome = 28,
  MlsAnnounceCommitTransition = 29,
  MlsWelcome = 30,
  MlsInvalidCommitWelcome = 31,
}

/** The DAVE protocol version the sandbox speaks. */
export const DAVE_PROTOCOL_VERSION = 1;

export function serverBinaryFrame(seq: number, op: DaveOp, payload: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(seq & 0xffff, 0);
  head.writeUInt8(op, 2);
  return Buffer.concat([head, payload]);
}

/** `[transition_id u16][message]`: the payload of ops 29 and 30. */
export function withTransitionId(transitionId: number, message: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(transitionId, 0);
  return Buffer.concat([head, message]);
}

/** What a DAVE participant is told, whether a client over its WebSocket or an in-process listener. */
export interface DavePort {
  /** Op 11: these users are in the call. */
  clientsConnect(userIds: readonly string[]): void;
  /** Op 13. */
  clientDisconnect(userId: string): void;
  /** Op 25. */
  externalSender(pkg: Buffer): void;
  /** Op 27: `[operation u8][vector]`. */
  proposals(payload: Buffer): void;
  /** Op 29. */
  announceCommit(transitionId: number, commit: Buffer): void;
  /** Op 30. */
  welcome(transitionId: number, welcome: Buffer): void;
  /** Op 22. */
  executeTransition(transitionId: number): void;
  /** Op 24. */
  prepareEpoch(epoch: number): void;
}
