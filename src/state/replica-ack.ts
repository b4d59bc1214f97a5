/**
 * Writes confirmed by a replica (README, "Redis failover"): a batch of commands, then `WAIT 1 <ms>` on the
 * same connection, so the batch is known to be on a replica before anyone acts on it.
 *
 * WAIT blocks the connection it runs on until the timeout and counts every earlier write of that
 * connection, so it only ever runs on a connection of its own (the leases'), never on the shared one.
 * A primary without replicas (standalone Redis, or a new primary whose old one is gone) cannot lose a write
 * to a failover; there a WAIT would only block for its timeout, so it is not sent. Whether replicas exist is
 * read with ROLE in every batch; the WAIT of a batch goes by the previous answer (re-read after each
 * reconnect). A batch is confirmed when WAIT was acknowledged, or when this batch's ROLE shows no replica.
 *
 * Known limit: a primary cut off from its replicas by a partition also shows none, and keeps confirming while
 * Sentinel may promote a replica on the other side. Redis's own answer is `min-replicas-to-write 1` with
 * `min-replicas-max-lag` on the primary: it then refuses the writes, renewals fail, and holders stop at their
 * deadlines (README, "Redis failover").
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { ReplyError, type Redis } from 'ioredis';
import type { Logger } from '../log';

type Pipeline = ReturnType<Redis['pipeline']>;
export type PipelineReply = [Error | null, unknown];

export interface AckedBatch {
  /** One reply per queued command, in order (ROLE and WAIT left out). */
  readonly replies: PipelineReply[];
  /** True when the batch is on a replica, or the primary has none. */
  readonly confirmed: boolean;
  /** Why not, for a log line: undefined when confirmed. */
  readonly unconfirmedBecause: string | undefined;
}

const MasterRole = t.tuple([t.literal('master'), t.number, t.array(t.unknown)]);

export class ReplicaAck {
  /** Replicas the last ROLE showed; undefined until asked (again after every reconnect). */
  private replicas: number | undefined;
  /** WAIT answered with an error (a managed Redis that refuses it): never sent again. */
  private waitRefused = false;
  private roleRefused = false;

  constructor(
    private readonly redis: Redis,
    /** How long WAIT waits for one replica (HIQTY_REDIS_WAIT_MS, default 250); 0 never waits. */
    readonly waitMs: number,
    private readonly log?: Logger,
  ) {
    // After a reconnect the primary may be another node (a failover): ask afresh before the next WAIT.
    // Batches built while disconnected then wait for the reconnect and ask ROLE first.
    redis.on('close', () => (this.replicas = undefined));
    redis.on('ready', () => (this.replicas = undefined));
  }

  get enabled(): boolean {
    return this.waitMs > 0 && !this.waitRefused;
  }

  /** Sends the queued commands, then ROLE and (when replicas exist) WAIT, in one pipeline. */
  async exec(queue: (pipeline: Pipeline) => void, count: number): Promise<AckedBatch> {
    if (!this.enabled) {
      const pipeline = this.redis.pipeline();
      queue(pipeline);
      return { replies: await execAll(pipeline, count), confirmed: true, unconfirmedBecause: undefined };
    }
    if (this.replicas === undefined) this.replicas = this.parseRole(await this.redis.role().catch((err: unknown) => err));
    const waitSent = this.replicas > 0;
    const pipeline = this.redis.pipeline();
    queue(pipeline);
    pipeline.role();
    if (waitSent) pipeline.wait(1, this.waitMs);
    const all = await execAll(pipeline, count + (waitSent ? 2 : 1));
    const [roleErr, role] = all[count] ?? [new Error('no reply'), undefined];
    const replicasNow = this.parseRole(roleErr ?? role);
    this.replicas = replicasNow;
    const replies = all.slice(0, count);
    if (!waitSent) {
      return replicasNow === 0
        ? { replies, confirmed: true, unconfirmedBecause: undefined }
        : { replies, confirmed: false, unconfirmedBecause: 'a replica attached since the last batch: confirmed from the next one' };
    }
    const [waitErr, acked] = all[count + 1] ?? [new Error('no reply'), undefined];
    if (waitErr instanceof ReplyError) {
      this.waitRefused = true;
      this.log?.warn({ err: waitErr }, 'Redis refuses WAIT: lease writes are no longer confirmed by a replica (a failover can then lose a claim)');
      return { replies, confirmed: true, unconfirmedBecause: undefined };
    }
    if (typeof acked === 'number' && acked >= 1) return { replies, confirmed: true, unconfirmedBecause: undefined };
    // The replica the last batch saw is gone (a new primary after a failover, its old one dead): nothing can
    // lose this batch to a failover now, as in the no-replica case above.
    if (!waitErr && replicasNow === 0) return { replies, confirmed: true, unconfirmedBecause: undefined };
    return { replies, confirmed: false, unconfirmedBecause: waitErr ? `WAIT failed: ${waitErr.message}` : `no replica acknowledged within ${this.waitMs} ms` };
  }

  /** Replicas a ROLE reply shows; 0 when ROLE is refused (logged once) or the reply is not a primary's. */
  private parseRole(reply: unknown): number {
    if (reply instanceof ReplyError) {
      if (!this.roleRefused) this.log?.warn({ err: reply }, 'Redis refuses ROLE: lease writes are treated as on a primary without replicas');
      this.roleRefused = true;
      return 0;
    }
    if (reply instanceof Error) return this.replicas ?? 0;
    const decoded = MasterRole.decode(reply);
    return isRight(decoded) ? decoded.right[2].length : 0;
  }
}

/** exec() with one [error, reply] per command, also when the whole pipeline fails. */
async function execAll(pipeline: Pipeline, count: number): Promise<PipelineReply[]> {
  const replies = await pipeline.exec();
  if (replies === null) throw new Error('the lease pipeline was discarded');
  return Array.from({ length: count }, (_, i): PipelineReply => replies[i] ?? [new Error('no reply'), undefined]);
}
