/**
 * The voice server's side of MLS in DAVE v1 (ciphersuite 2, MLS_128_DHKEMP256_AES128GCM_SHA256_P256):
 * the external sender's identity and the proposals it signs. Only what an external sender needs of
 * RFC 9420 is here — ExternalSender, PublicMessage carrying an Add or Remove proposal from an
 * external sender, SignWithLabel over FramedContentTBS, and the proposal reference (RefHash).
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { TlsReader, TlsWriter } from './tls';

export const MLS_VERSION_10 = 1;
export const WIRE_PUBLIC_MESSAGE = 1;
export const SENDER_MEMBER = 1;
export const SENDER_EXTERNAL = 2;
export const CONTENT_PROPOSAL = 2;
export const CONTENT_COMMIT = 3;
export const PROPOSAL_ADD = 1;
export const PROPOSAL_REMOVE = 3;
const CREDENTIAL_BASIC = 1;

export type Proposal = { readonly kind: 'add'; readonly keyPackage: Buffer } | { readonly kind: 'remove'; readonly leaf: number };

/** One signed proposal as sent in op 27 (an MLSMessage), and its reference as commits cite it. */
export interface SignedProposal {
  readonly message: Buffer;
  readonly ref: Buffer;
}

/** The MLS group id of a DAVE call: the channel id as a big-endian u64. */
export function groupIdOf(channelId: string): Buffer {
  return new TlsWriter().u64(BigInt(channelId)).bytes();
}

function signContent(label: string, content: Buffer): Buffer {
  return new TlsWriter().vector(Buffer.from(`MLS 1.0 ${label}`)).vector(content).bytes();
}

/** SignWithLabel: ECDSA P-256 with SHA-256, DER-encoded, as RFC 9420 §5.1.2 asks of ECDSA. */
export function signWithLabel(key: KeyObject, label: string, content: Buffer): Buffer {
  return sign('sha256', signContent(label, content), { key, dsaEncoding: 'der' });
}

export function verifyWithLabel(publicKey: Buffer, label: string, content: Buffer, signature: Buffer): boolean {
  return verify('sha256', signContent(label, content), { key: p256PublicKey(publicKey), dsaEncoding: 'der' }, signature);
}

/** An uncompressed SEC1 point (0x04 || x || y) as a KeyObject. */
export function p256PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error('not an uncompressed P-256 point');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
}

/** FramedContent of a proposal from external sender 0 (DAVE has one external sender). */
export function framedProposal(groupId: Buffer, epoch: bigint, proposal: Proposal): Buffer {
  const w = new TlsWriter().vector(groupId).u64(epoch).u8(SENDER_EXTERNAL).u32(0).vector(Buffer.alloc(0)).u8(CONTENT_PROPOSAL);
  if (proposal.kind === 'add') w.u16(PROPOSAL_ADD).raw(proposal.keyPackage);
  else w.u16(PROPOSAL_REMOVE).u32(proposal.leaf);
  return w.bytes();
}

/** FramedContentTBS for an external sender: no GroupContext (that is only for member senders). */
export function framedContentTbs(content: Buffer): Buffer {
  return new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).bytes();
}

/** RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent) with SHA-256. */
export function proposalRef(content: Buffer, signature: Buffer): Buffer {
  const authenticated = new TlsWriter().u16(WIRE_PUBLIC_MESSAGE).raw(content).vector(signature).bytes();
  const input = new TlsWriter().vector(Buffer.from('MLS 1.0 Proposal Reference')).vector(authenticated).bytes();
  return createHash('sha256').update(input).digest();
}

export class ExternalSender {
  private readonly privateKey: KeyObject;
  /** The uncompressed public key (65 bytes). */
  readonly publicKey: Buffer;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    this.publicKey = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }

  /**
   * Op 25's payload: `struct { SignaturePublicKey signature_key; Credential credential; }` with a
   * basic credential. Discord's identity is one zero byte (recorded in davey's tests); so is ours.
   */
  package(): Buffer {
    return new TlsWriter().vector(this.publicKey).u16(CREDENTIAL_BASIC).vector(Buffer.from([0])).bytes();
  }

  /** An MLSMessage (PublicMessage) carrying one proposal, signed by this external sender. */
  propose(groupId: Buffer, epoch: bigint, proposal: Proposal): SignedProposal {
    const content = framedProposal(groupId, epoch, proposal);
    const signature = signWithLabel(this.privateKey, 'FramedContentTBS', framedContentTbs(content));
    // PublicMessage = content, auth (signature; proposals carry no confirmation tag); no membership tag for external senders.
    const message = new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).vector(signature).bytes();
    return { message, ref: proposalRef(content, signature) };
  }
}

/** Op 27's payload: `[operation u8]` then the vector of proposal messages (append) or of refs (revoke). */
export function appendPayload(messages: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0]), new TlsWriter().vector(Buffer.concat(messages)).bytes()]);
}

export function revokePayload(refs: readonly Buffer[]): Buffer {
  const body = new TlsWriter();
  for (const ref of refs) body.vector(ref);
  return Buffer.concat([Buffer.from([1]), new TlsWriter().vector(body.bytes()).bytes()]);
}

/** The parts of an external sender's proposal message, for checks against recorded messages. */
export interface ParsedProposalMessage {
  readonly groupId: Buffer;
  readonly epoch: bigint;
  readonly senderType: number;
  readonly senderIndex: number;
  readonly proposalType: number;
  readonly content: Buffer;
  readonly signature: Buffer;
}

/** Splits an op 27 append vector into its messages (Add and Remove proposals from an external sender). */
export function parseAppend(vector: Buffer): ParsedProposalMessage[] {
  return new TlsReader(vector).items((r) => {
    if (r.u16() !== MLS_VERSION_10 || r.u16() !== WIRE_PUBLIC_MESSAGE) throw new Error('not an MLS 1.0 PublicMessage');
    const start = r.offset;
    const groupId = r.vector();
    const epoch = r.u64();
    const senderType = r.u8();
    const senderIndex = r.u32();
    r.vector();
    if (r.u8() !== CONTENT_PROPOSAL) throw new Error('not a proposal');
    const proposalType = r.u16();
    if (proposalType === PROPOSAL_ADD) skipKeyPackage(r);
    else if (proposalType === PROPOSAL_REMOVE) r.u32();
    else throw new Error(`unexpected proposal type ${proposalType}`);
    const content = Buffer.from(vectorSource(r, start));
    return { groupId, epoch, senderType, senderIndex, proposalType, content, signature: r.vector() };
  });
}

function vectorSource(r: TlsReader, start: number): Buffer {
  const end = r.offset;
  r.offset = start;
  const out = r.take(end - start);
  return out;
}

/** KeyPackage: version, cipher_suite, init_key, leaf_node, extensions, signature. */
export function skipKeyPackage(r: TlsReader): void {
  r.u16();
  r.u16();
  r.vector();
  skipLeafNode(r);
  r.vector();
  r.vector();
}

/** LeafNode: keys, credential, capabilities, source (with lifetime or parent hash), extensions, signature. */
export function skipLeafNode(r: TlsReader): void {
  r.vector();
  r.vector();
  const credentialType = r.u16();
  if (credentialType === CREDENTIAL_BASIC) r.vector();
  else r.vector(); // x509: certificates<V>
  for (let i = 0; i < 5; i++) r.vector(); // capabilities: versions, cipher_suites, extensions, proposals, credentials
  const source = r.u8();
  if (source === 1) {
    r.u64();
    r.u64();
  } else if (source === 3) r.vector();
  r.vector();
  r.vector();
}
