/**
 * Every message the bot created in the sandbox (channel messages, interaction responses and
 * follow-ups), with its edit history: what users would have seen, and in which order.
 */
import type { MessageBody } from './frames';
import { snowflake } from './snowflake';

export interface MessageContent {
  readonly content: string;
  readonly embeds: readonly unknown[];
  readonly components: readonly unknown[];
  readonly flags: number;
}

export interface MessageRevision extends MessageContent {
  readonly atMs: number;
}

export type MessageSource = 'channel' | 'interaction' | 'follow-up';

export interface StoredMessage extends MessageContent {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly source: MessageSource;
  readonly interactionId: string | undefined;
  readonly ephemeral: boolean;
  readonly createdAtMs: number;
  /** Earlier versions, oldest first; the current one is the message itself. */
  readonly history: readonly MessageRevision[];
  readonly deleted: boolean;
}

const EPHEMERAL = 64;

export function contentOf(body: MessageBody | null | undefined, base?: MessageContent): MessageContent {
  return {
    content: body?.content === undefined ? (base?.content ?? '') : (body.content ?? ''),
    embeds: body?.embeds === undefined ? (base?.embeds ?? []) : (body.embeds ?? []),
    components: body?.components === undefined ? (base?.components ?? []) : (body.components ?? []),
    flags: body?.flags === undefined || body.flags === null ? (base?.flags ?? 0) : body.flags,
  };
}

export class MessageStore {
  private readonly byId = new Map<string, StoredMessage>();
  private readonly byChannel = new Map<string, string[]>();

  constructor(private readonly now: () => number) {}

  create(init: { channelId: string; guildId: string | undefined; source: MessageSource; interactionId?: string; body: MessageContent }): StoredMessage {
    const message: StoredMessage = {
      id: snowflake(this.now()),
      channelId: init.channelId,
      guildId: init.guildId,
      source: init.source,
      interactionId: init.interactionId,
      ephemeral: (init.body.flags & EPHEMERAL) !== 0,
      createdAtMs: this.now(),
      history: [],
      deleted: false,
      ...init.body,
    };
    this.byId.set(message.id, message);
    const list = this.byChannel.get(init.channelId) ?? [];
    list.push(message.id);
    this.byChannel.set(init.channelId, list);
    return message;
  }

  edit(id: string, body: MessageBody | null | undefined): StoredMessage | undefined {
    const old = this.byId.get(id);
    if (!old || old.deleted) return undefined;
    const revision: MessageRevision = { atMs: this.now(), content: old.content, embeds: old.embeds, components: old.components, flags: old.flags };
    const next = contentOf(body, old);
    // An edit cannot make a message ephemeral or public: the flag is fixed at creation.
    const updated: StoredMessage = { ...old, ...next, flags: old.flags, history: [...old.history, revision] };
    this.byId.set(id, updated);
    return updated;
  }

  delete(id: string): boolean {
    const old = this.byId.get(id);
    if (!old || old.deleted) return false;
    this.byId.set(id, { ...old, deleted: true });
    return true;
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  inChannel(channelId: string): StoredMessage[] {
    return (this.byChannel.get(channelId) ?? []).flatMap((id) => {
      const m = this.byId.get(id);
      return m ? [m] : [];
    });
  }
}

/** The message as the REST API and gateway return it. */
export function messagePayload(m: StoredMessage, author: Record<string, unknown>, applicationId: string): Record<string, unknown> {
  const lastEdit = m.history.length > 0 ? new Date().toISOString() : null;
  return {
    id: m.id,
    channel_id: m.channelId,
    ...(m.guildId ? { guild_id: m.guildId } : {}),
    author,
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    flags: m.flags,
    timestamp: new Date(m.createdAtMs).toISOString(),
    edited_timestamp: lastEdit,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    type: m.source === 'channel' ? 0 : 20,
    ...(m.source === 'channel' ? {} : { webhook_id: applicationId, application_id: applicationId }),
  };
}
