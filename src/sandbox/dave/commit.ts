/**
 * Reading a member's op 28 (commit, then a welcome when the commit adds members): the voice server
 * checks the commit (group, epoch, which of its proposals it cites) and relays both halves.
 */
import { CONTENT_COMMIT, MLS_VERSION_10, SENDER_MEMBER, WIRE_PUBLIC_MESSAGE, skipLeafNode } from './external-sender';
import { TlsReader } from './tls';

export interface ParsedCommit {
  readonly groupId: Buffer;
  readonly epoch: bigint;
  /** The committer's leaf index. */
  readonly senderLeaf: number;
  /** Proposals cited by reference, in commit order. */
  readonly refs: readonly Buffer[];
  /** Proposals carried inline (DAVE members only commit the server's proposals, by reference). */
  readonly inlineProposals: number;
  /** The commit's MLSMessage bytes. */
  readonly commit: Buffer;
  /** The welcome's MLSMessage bytes, when present. */
  readonly welcome: Buffer | undefined;
}

const PROPOSAL_OR_REF_PROPOSAL = 1;
const PROPOSAL_OR_REF_REFERENCE = 2;

/** Throws on anything that is not a member's PublicMessage commit. */
export function parseCommitWelcome(payload: Buffer): ParsedCommit {
  const r = new TlsReader(payload);
  if (r.u16() !== MLS_VERSION_10 || r.u16() !== WIRE_PUBLIC_MESSAGE) throw new Error('commit is not an MLS 1.0 PublicMessage');
  const groupId = r.vector();
  const epoch = r.u64();
  if (r.u8() !== SENDER_MEMBER) throw new Error('commit is not from a member');
  const senderLeaf = r.u32();
  r.vector(); // authenticated_data
  if (r.u8() !== CONTENT_COMMIT) throw new Error('not a commit');
  const refs: Buffer[] = [];
  let inlineProposals = 0;
  const list = new TlsReader(r.vector());
  while (list.remaining > 0) {
    const kind = list.u8();
    if (kind === PROPOSAL_OR_REF_REFERENCE) refs.push(Buffer.from(list.vector()));
    else if (kind === PROPOSAL_OR_REF_PROPOSAL) {
      inlineProposals += 1;
      break; // Not parsed further: such a commit is refused anyway.
    } else throw new Error(`bad ProposalOrRef type ${kind}`);
  }
  if (inlineProposals > 0) return { groupId, epoch, senderLeaf, refs, inlineProposals, commit: payload, welcome: undefined };
  if (r.u8() === 1) {
    // UpdatePath: leaf_node, then nodes<V>.
    skipLeafNode(r);
    r.vector();
  }
  r.vector(); // signature
  r.vector(); // confirmation_tag
  r.vector(); // membership_tag (member senders)
  const commit = Buffer.from(payload.subarray(0, r.offset));
  const welcome = r.remaining > 0 ? Buffer.from(payload.subarray(r.offset)) : undefined;
  return { groupId, epoch, senderLeaf, refs, inlineProposals, commit, welcome };
}
