/**
 * The sandbox's MLS encoding (src/sandbox/dave) against messages recorded from a real Discord DAVE
 * session (the captures in @snazzah/davey's davey-node/test/session.test.ts: channel
 * 927310423890473011, a proposal adding user 158533742254751744), and against real davey sessions.
 */
import { strict as assert } from 'node:assert';
import { DAVESession, ProposalsOperationType, SessionStatus } from '@snazzah/davey';
import { parseCommitWelcome } from '../../src/sandbox/dave/commit';
import {
  appendPayload,
  ExternalSender,
  framedContentTbs,
  groupIdOf,
  parseAppend,
  PROPOSAL_ADD,
  proposalRef,
  revokePayload,
  SENDER_EXTERNAL,
  verifyWithLabel,
} from '../../src/sandbox/dave/external-sender';
import { TlsReader } from '../../src/sandbox/dave/tls';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Discord's op 25 payload (after `[seq 0x0004][op 0x19]`). */
const DISCORD_EXTERNAL_SENDER = hex(`
  4041 04ca1a2b102501d0672bd45ed74ffb83e078b2ba5b12c3f69fad56f083b6a35fc989c6736b5852b5aecdfcdf206e156d3d1dba8e3e5b2f89fc0c16f11614e84e4a
  0001 0100`);

/** Discord's op 27 append payload (after the operation byte). */
const DISCORD_APPEND = hex(`
  41f0 0001 0001 08 0cde77eadc823033 0000000000000000 02 00000000 00 02 0001 0001 0002 4041
  04a61acd34ff0548e6f767cc4df9619b51ba5814d52ee558284fc554405768e9e741ba3227641494 1b7c0190dcb5dfc3349a168f1247ecbdf6
  fc69f3eecab3765d 4041 04f44da24e5aa9f73796fa38be115556e6b7d4f6ba55d2ecc3f1b9d198af6237e3fc8fc635996b6c76e77b4acace33
  f5cfd745ad0d540dd6f03f0da85c82e14714 4041 04e7793985ed074af49568b53cf2e3974688279f02ee8d7c7df099ce3c7a1a28e747f59a7c
  7c23e9ef4f7815fb3469f39ea124f8b76712c41b763a55b867e6b48b 0001 08 0233399940020000 02 0001 02 0002 00 00 02 0001 01
  0000000000000000 ffffffffffffffff 00 4048 3046022100d874dc777d4ede7e6d3374f737bc1394ac0ffd0635abdc9d02b3e359e059466a
  022100e62e97aefd5c6b32ff0ac5c5159dbe94f6f5a01bd0dd14a9dcc4d1e6248972ac 00 4047 3045022051 68abdf8d83a48daf8d5960afb305
  022de707c7496087feb43004c9fd2be5e80221008312a6f6df1ff593671a39f9966f6d1caef43e0c6d53c74300ba089ceeecfbf4 4047 30450221
  00cdbe804ba06a9be17615fe3c7f9055f31a6d0ea9402dd9fda6d109e9a3cb632b0220 67409e59f6b7f0a3eddd330a092a6c13d99d12abaebe0d
  6d40a0dae435c2a7a2`);

/** Discord's op 27 revoke payload (after the operation byte): one proposal ref. */
const DISCORD_REVOKE = hex('21 20 62386ffb20b28f556b2465c0a2520ba2b074fca00e94b2fdebc0496d544cd6c0');

const CHANNEL_ID = '927310423890473011';
const MY_USER_ID = '158049329150427136';
const OTHER_USER_ID = '158533742254751744';

function discordSenderKey(): Buffer {
  const r = new TlsReader(DISCORD_EXTERNAL_SENDER);
  return Buffer.from(r.vector());
}

describe('sandbox DAVE encoding against a recorded Discord session', () => {
  it('the recorded lengths parse as the structures the sandbox writes (ExternalSender, PublicMessage with an Add)', () => {
    assert.equal(DISCORD_EXTERNAL_SENDER.length, 71);
    assert.equal(DISCORD_APPEND.length, 2 + 0x1f0);
    const ours = new ExternalSender().package();
    // Same layout: 65-byte key vector, basic credential, identity of one zero byte.
    assert.equal(ours.length, DISCORD_EXTERNAL_SENDER.length);
    assert.deepEqual(ours.subarray(0, 3), DISCORD_EXTERNAL_SENDER.subarray(0, 3));
    assert.deepEqual(ours.subarray(67), DISCORD_EXTERNAL_SENDER.subarray(67));
    assert.equal(ours.length, 71);
    const [message, ...rest] = parseAppend(DISCORD_APPEND);
    assert.equal(rest.length, 0);
    assert.ok(message);
    assert.deepEqual(message.groupId, groupIdOf(CHANNEL_ID));
    assert.equal(message.epoch, 0n);
    assert.equal(message.senderType, SENDER_EXTERNAL);
    assert.equal(message.senderIndex, 0);
    assert.equal(message.proposalType, PROPOSAL_ADD);
  });

  it("Discord's signature verifies over the sandbox's FramedContentTBS (SignWithLabel, DER ECDSA P-256)", () => {
    const [message] = parseAppend(DISCORD_APPEND);
    assert.ok(message);
    assert.ok(verifyWithLabel(discordSenderKey(), 'FramedContentTBS', framedContentTbs(message.content), message.signature));
    const tampered = Buffer.from(message.content);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    assert.ok(!verifyWithLabel(discordSenderKey(), 'FramedContentTBS', framedContentTbs(tampered), message.signature));
  });

  it("the sandbox's proposal reference of the recorded Add is the one Discord's revoke cites", () => {
    const [message] = parseAppend(DISCORD_APPEND);
    assert.ok(message);
    const revokeBody = Buffer.concat([Buffer.from([1]), DISCORD_REVOKE]);
    assert.deepEqual(revokePayload([proposalRef(message.content, message.signature)]), revokeBody);
  });

  it('re-signing the recorded Add with our own external sender is accepted by a real davey session', () => {
    const [message] = parseAppend(DISCORD_APPEND);
    assert.ok(message);
    const sender = new ExternalSender();
    const session = new DAVESession(1, MY_USER_ID, CHANNEL_ID);
    session.setExternalSender(sender.package());
    session.getSerializedKeyPackage();
    // The recorded key package, framed by the sandbox instead of Discord.
    // FramedContent header: group_id<V> (9), epoch (8), sender (5), authenticated_data (1), content type (1), proposal type (2).
    const keyPackage = message.content.subarray(26);
    const ours = sender.propose(groupIdOf(CHANNEL_ID), 0n, { kind: 'add', keyPackage: Buffer.from(keyPackage) });
    const result = session.processProposals(ProposalsOperationType.APPEND, appendPayload([ours.message]).subarray(1), [OTHER_USER_ID]);
    assert.ok(result.commit && result.welcome);
    session.processCommit(result.commit);
    assert.equal(session.status, SessionStatus.ACTIVE);
    assert.deepEqual(session.getUserIds().sort(), [MY_USER_ID, OTHER_USER_ID].sort());
  });

  it("a real davey commit+welcome splits at the commit's end and cites our proposal's reference", () => {
    const sender = new ExternalSender();
    const a = new DAVESession(1, MY_USER_ID, CHANNEL_ID);
    const b = new DAVESession(1, OTHER_USER_ID, CHANNEL_ID);
    a.setExternalSender(sender.package());
    b.setExternalSender(sender.package());
    a.getSerializedKeyPackage();
    const add = sender.propose(groupIdOf(CHANNEL_ID), 0n, { kind: 'add', keyPackage: b.getSerializedKeyPackage() });
    const { commit, welcome } = a.processProposals(ProposalsOperationType.APPEND, appendPayload([add.message]).subarray(1), [OTHER_USER_ID]);
    assert.ok(commit && welcome);
    const parsed = parseCommitWelcome(Buffer.concat([commit, welcome]));
    assert.deepEqual(parsed.commit, commit);
    assert.deepEqual(parsed.welcome, welcome);
    assert.deepEqual(parsed.refs, [add.ref]);
    assert.equal(parsed.epoch, 0n);
    assert.equal(parsed.senderLeaf, 0);
    assert.deepEqual(parsed.groupId, groupIdOf(CHANNEL_ID));
    a.processCommit(commit);
    b.processWelcome(welcome);
    assert.ok(a.ready && b.ready);
    // A Remove from the external sender, committed by the remaining member.
    const remove = sender.propose(groupIdOf(CHANNEL_ID), 1n, { kind: 'remove', leaf: 1 });
    const second = a.processProposals(ProposalsOperationType.APPEND, appendPayload([remove.message]).subarray(1), [OTHER_USER_ID]);
    assert.ok(second.commit);
    assert.equal(second.welcome, undefined);
    const parsedRemove = parseCommitWelcome(second.commit);
    assert.deepEqual(parsedRemove.refs, [remove.ref]);
    assert.equal(parsedRemove.welcome, undefined);
    a.processCommit(second.commit);
    assert.deepEqual(a.getUserIds(), [MY_USER_ID]);
  });
});
