/**
 * Interactions from the user's side: the sandbox creates them (slash commands, button presses,
 * autocomplete), enforces Discord's acknowledgement rules (one acknowledgement, within the
 * deadline) and resolves with what the user ends up seeing.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import type { AttachmentInput, AttachmentPayload } from './cdn';
import type { CommandDefinition, MessageBody } from './frames';
import { contentOf, messagePayload, type MessageStore, type StoredMessage } from './messages';
import { snowflake } from './snowflake';
import type { World } from './world';

export type OptionValue = string | number | boolean;

/** What the user sees once the bot has answered. */
export interface UserView {
  readonly interactionId: string;
  readonly messageId: string | undefined;
  readonly content: string;
  readonly embeds: readonly unknown[];
  readonly components: readonly unknown[];
  readonly ephemeral: boolean;
  /** A modal the bot opened instead of answering with a message. */
  readonly modal: unknown;
  /** Autocomplete choices. */
  readonly choices: readonly unknown[] | undefined;
  readonly callbacks: readonly CallbackRecord[];
  readonly errors: readonly InteractionErrorRecord[];
  readonly followUps: readonly StoredMessage[];
}

export interface CallbackRecord {
  readonly type: number;
  readonly data: MessageBody | null | undefined;
  readonly status: number;
  readonly atMs: number;
}

export interface InteractionErrorRecord {
  readonly interactionId: string;
  readonly code: number;
  readonly status: number;
  readonly message: string;
}

/** The acknowledgement lifecycle; `state` is only ever replaced in `acknowledge` and `expire`. */
type AckState =
  | { readonly kind: 'pending'; readonly deadline: Timer }
  | { readonly kind: 'message'; readonly messageId: string }
  | { readonly kind: 'deferred'; readonly messageId: string; readonly edited: boolean }
  | { readonly kind: 'updated'; readonly messageId: string }
  | { readonly kind: 'deferred-update'; readonly messageId: string }
  | { readonly kind: 'autocomplete'; readonly choices: readonly unknown[] }
  | { readonly kind: 'modal'; readonly modal: unknown }
  | { readonly kind: 'expired' };

interface Interaction {
  readonly id: string;
  readonly token: string;
  readonly type: 2 | 3 | 4;
  readonly guildId: string;
  readonly channelId: string;
  readonly sourceMessageId: string | undefined;
  state: AckState;
  readonly callbacks: CallbackRecord[];
  readonly errors: InteractionErrorRecord[];
  readonly followUps: string[];
  readonly settle: { resolve(view: UserView): void; reject(err: Error): void };
  settled: boolean;
  answerTimer: Timer | undefined;
}

export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
}

export class InteractionError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly view: UserView,
  ) {
    super(message);
  }
}

export interface InteractionOptions {
  readonly world: World;
  readonly messages: MessageStore;
  readonly clock: Clock;
  readonly ackDeadlineMs: number;
  readonly events: EventEmitter;
  readonly applicationId: string;
  /** Sends INTERACTION_CREATE to the gateway sessions; returns how many received it. */
  readonly dispatch: (guildId: string, payload: Record<string, unknown>) => number;
  readonly commandsFor: (guildId: string) => readonly CommandDefinition[];
  /** Stores an attached file on the sandbox's CDN. */
  readonly attach: (channelId: string, input: AttachmentInput) => AttachmentPayload;
}

export interface InvokeOptions {
  readonly channelId?: string;
  /**
   * Files for attachment options, by option name: served by the sandbox's CDN and sent as Discord does,
   * the option's value the attachment id and the file in `data.resolved.attachments`.
   */
  readonly attachments?: Readonly<Record<string, AttachmentInput>>;
  /** How long a deferred answer may take before the promise rejects (default 10 s). */
  readonly answerTimeoutMs?: number;
  /**
   * The member's client language, sent as the interaction's `locale` the way Discord does ("de", "ja",
   * "pt-BR", "es-419": discord.com/developers/docs/reference#locales). Default 'en-US'.
   */
  readonly locale?: string;
}

/** The client language an interaction carries when the test names none. */
export const DEFAULT_INTERACTION_LOCALE = 'en-US';

const ALL_PERMISSIONS = '2251799813685247';
/** Application command option type 11. */
const ATTACHMENT_OPTION = 11;
const EPHEMERAL = 64;
const LOADING = 128;

export class Interactions {
  private readonly byId = new Map<string, Interaction>();
  private readonly byToken = new Map<string, Interaction>();

  constructor(private readonly o: InteractionOptions) {}

  command(guildId: string, userId: string, name: string, options: Readonly<Record<string, OptionValue>>, invoke: InvokeOptions = {}): Promise<UserView> {
    const [commandName = name, ...sub] = name.trim().split(/\s+/);
    const definition = this.o.commandsFor(guildId).find((c) => c.name === commandName);
    const channelId = invoke.channelId ?? this.o.world.guilds.get(guildId)?.textChannels[0]?.id ?? guildId;
    const files = Object.entries(invoke.attachments ?? {}).map(([option, input]) => ({ option, payload: this.o.attach(channelId, input) }));
    const attachmentOptions = files.map(({ option, payload }): BuiltOption => ({ name: option, type: ATTACHMENT_OPTION, value: payload.id }));
    const data = {
      id: typeof definition?.id === 'string' ? definition.id : snowflake(),
      name: commandName,
      type: 1,
      options: nestOptions(sub, [...buildOptions(options, optionTypes(definition, sub)), ...attachmentOptions]),
      guild_id: guildId,
      ...(files.length === 0 ? {} : { resolved: { attachments: Object.fromEntries(files.map(({ payload }) => [payload.id, { ...payload, ephemeral: false }])) } }),
    };
    return this.start(2, guildId, userId, invoke, { data });
  }

  autocomplete(guildId: string, userId: string, name: string, options: Readonly<Record<string, OptionValue>>, focused: string, invoke: InvokeOptions = {}): Promise<UserView> {
    const [commandName = name, ...sub] = name.trim().split(/\s+/);
    const definition = this.o.commandsFor(guildId).find((c) => c.name === commandName);
    const built = buildOptions(options, optionTypes(definition, sub)).map((o) => (o.name === focused ? { ...o, type: 3, value: String(o.value), focused: true } : o));
    const data = { id: typeof definition?.id === 'string' ? definition.id : snowflake(), name: commandName, type: 1, options: nestOptions(sub, built), guild_id: guildId };
    return this.start(4, guildId, userId, invoke, { data });
  }

  press(guildId: string, userId: string, messageId: string, customId: string, values?: readonly string[], invoke: InvokeOptions = {}): Promise<UserView> {
    const message = this.o.messages.get(messageId);
    if (!message) return Promise.reject(new Error(`no message ${messageId}`));
    const data = values ? { custom_id: customId, component_type: 3, values } : { custom_id: customId, component_type: 2 };
    return this.start(3, guildId, userId, { channelId: message.channelId, ...invoke }, {
      data,
      message: messagePayload(message, this.o.world.userPayload(this.o.world.bot), this.o.applicationId),
    }, messageId);
  }

  /** What the user currently sees for an interaction (later edits included). */
  view(interactionId: string): UserView | undefined {
    const i = this.byId.get(interactionId);
    return i ? this.viewOf(i) : undefined;
  }

  callback(interactionId: string, token: string, type: number, data: MessageBody | null | undefined, withResponse: boolean): RestReply {
    const i = this.byId.get(interactionId);
    if (!i || i.token !== token || i.state.kind === 'expired') return this.fail(i, interactionId, 404, 10062, 'Unknown interaction');
    if (i.state.kind !== 'pending') return this.fail(i, interactionId, 400, 40060, 'Interaction has already been acknowledged.');
    const next = this.acknowledgement(i, type, data);
    if (!next) return this.fail(i, interactionId, 400, 50035, `Invalid Form Body: callback type ${type} for interaction type ${i.type}`);
    i.state.deadline.cancel();
    i.state = next;
    i.callbacks.push({ type, data, status: withResponse ? 200 : 204, atMs: this.o.clock.now() });
    this.afterAcknowledge(i);
    if (!withResponse) return { status: 204 };
    const messageId = 'messageId' in next ? next.messageId : undefined;
    const message = messageId ? this.o.messages.get(messageId) : undefined;
    return {
      status: 200,
      body: {
        interaction: { id: i.id, type: i.type, response_message_id: messageId ?? null, response_message_loading: next.kind === 'deferred', response_message_ephemeral: message?.ephemeral ?? false },
        resource: { type, ...(message ? { message: this.payload(message) } : {}) },
      },
    };
  }

  /** PATCH/GET/DELETE /webhooks/{app}/{token}/messages/{id|@original} and POST /webhooks/{app}/{token}. */
  webhook(method: string, token: string, messageRef: string | undefined, body: MessageBody | undefined): RestReply {
    const i = this.byToken.get(token);
    if (!i) return { status: 404, body: { code: 10015, message: 'Unknown Webhook' } };
    if (messageRef === undefined) return method === 'POST' ? this.followUp(i, body) : { status: 405, body: { code: 0, message: '405: Method Not Allowed' } };
    const id = messageRef === '@original' ? originalOf(i.state) : messageRef;
    const message = id ? this.o.messages.get(id) : undefined;
    if (!id || !message || message.deleted) return { status: 404, body: { code: 10008, message: 'Unknown Message' } };
    if (method === 'GET') return { status: 200, body: this.payload(message) };
    if (method === 'DELETE') {
      this.o.messages.delete(id);
      return { status: 204 };
    }
    const edited = this.o.messages.edit(id, body);
    if (!edited) return { status: 404, body: { code: 10008, message: 'Unknown Message' } };
    if (i.state.kind === 'deferred' && id === i.state.messageId && !i.state.edited) {
      i.state = { ...i.state, edited: true };
      this.finish(i);
    }
    return { status: 200, body: this.payload(edited) };
  }

  private followUp(i: Interaction, body: MessageBody | undefined): RestReply {
    if (i.state.kind === 'pending' || i.state.kind === 'expired') return { status: 404, body: { code: 10015, message: 'Unknown Webhook' } };
    // Discord turns the first follow-up after a deferral into the answer itself.
    if (i.state.kind === 'deferred' && !i.state.edited) return this.webhook('PATCH', i.token, '@original', body);
    const message = this.o.messages.create({ channelId: i.channelId, guildId: i.guildId, source: 'follow-up', interactionId: i.id, body: contentOf(body) });
    i.followUps.push(message.id);
    return { status: 200, body: this.payload(message) };
  }

  private acknowledgement(i: Interaction, type: number, data: MessageBody | null | undefined): AckState | undefined {
    const create = (body: MessageBody | null | undefined, extraFlags: number): string =>
      this.o.messages.create({ channelId: i.channelId, guildId: i.guildId, source: 'interaction', interactionId: i.id, body: contentOf(body ? { ...body, flags: (body.flags ?? 0) | extraFlags } : { flags: extraFlags }) }).id;
    if (i.type === 4) return type === 8 ? { kind: 'autocomplete', choices: data?.choices ?? [] } : undefined;
    switch (type) {
      case 4:
        return { kind: 'message', messageId: create(data, 0) };
      case 5:
        return { kind: 'deferred', messageId: create({ flags: (data?.flags ?? 0) & EPHEMERAL }, LOADING), edited: false };
      case 6:
        return i.sourceMessageId ? { kind: 'deferred-update', messageId: i.sourceMessageId } : undefined;
      case 7:
        if (!i.sourceMessageId) return undefined;
        this.o.messages.edit(i.sourceMessageId, data);
        return { kind: 'updated', messageId: i.sourceMessageId };
      case 9:
        return { kind: 'modal', modal: data };
      default:
        return undefined;
    }
  }

  private afterAcknowledge(i: Interaction): void {
    if (i.state.kind !== 'deferred') this.finish(i);
  }

  private start(type: 2 | 3 | 4, guildId: string, userId: string, invoke: InvokeOptions, extra: Record<string, unknown>, sourceMessageId?: string): Promise<UserView> {
    const { world } = this.o;
    const guild = world.guilds.get(guildId);
    if (!guild) return Promise.reject(new Error(`no guild ${guildId}`));
    const user = world.findUser(guildId, userId);
    if (!user) return Promise.reject(new Error(`no member ${userId} in guild ${guildId}`));
    const channelId = invoke.channelId ?? guild.textChannels[0]?.id;
    const channel = [...guild.textChannels, ...guild.voiceChannels].find((c) => c.id === channelId);
    if (!channel || !channelId) return Promise.reject(new Error(`no channel ${channelId ?? '(none)'} in guild ${guildId}`));
    const id = snowflake(this.o.clock.now());
    const token = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
    return new Promise<UserView>((resolve, reject) => {
      const interaction: Interaction = {
        id,
        token,
        type,
        guildId,
        channelId,
        sourceMessageId,
        state: { kind: 'pending', deadline: this.o.clock.setTimeout(() => this.expire(interaction), this.o.ackDeadlineMs) },
        callbacks: [],
        errors: [],
        followUps: [],
        settle: { resolve, reject },
        settled: false,
        answerTimer: undefined,
      };
      interaction.answerTimer = this.o.clock.setTimeout(() => {
        this.reject(interaction, `interaction ${id} was acknowledged (${interaction.state.kind}) but never answered`, undefined);
      }, invoke.answerTimeoutMs ?? 10_000);
      this.byId.set(id, interaction);
      this.byToken.set(token, interaction);
      const payload = {
        id,
        application_id: this.o.applicationId,
        type,
        token,
        version: 1,
        guild_id: guildId,
        channel_id: channelId,
        channel: world.channelPayload(guild, channel, guild.voiceChannels.includes(channel) ? 2 : 0, 0),
        member: { ...world.memberPayload(guildId, user), permissions: user.permissions ?? ALL_PERMISSIONS },
        app_permissions: ALL_PERMISSIONS,
        locale: invoke.locale ?? DEFAULT_INTERACTION_LOCALE,
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guildId },
        context: 0,
        attachment_size_limit: 8_388_608,
        ...extra,
      };
      const delivered = this.o.dispatch(guildId, payload);
      if (delivered === 0) this.reject(interaction, `no gateway session receives guild ${guildId}`, undefined);
    });
  }

  private expire(i: Interaction): void {
    if (i.state.kind !== 'pending') return;
    i.state = { kind: 'expired' };
    this.reject(i, `interaction ${i.id} was not acknowledged within ${this.o.ackDeadlineMs} ms`, 10062);
  }

  private fail(i: Interaction | undefined, interactionId: string, status: number, code: number, message: string): RestReply {
    const record = { interactionId, code, status, message };
    i?.errors.push(record);
    this.o.events.emit('interaction-error', record);
    return { status, body: { code, message } };
  }

  private finish(i: Interaction): void {
    if (i.settled) return;
    i.settled = true;
    i.answerTimer?.cancel();
    i.settle.resolve(this.viewOf(i));
  }

  private reject(i: Interaction, message: string, code: number | undefined): void {
    if (i.settled) return;
    i.settled = true;
    i.answerTimer?.cancel();
    i.settle.reject(new InteractionError(message, code, this.viewOf(i)));
  }

  private payload(m: StoredMessage): Record<string, unknown> {
    return messagePayload(m, this.o.world.userPayload(this.o.world.bot), this.o.applicationId);
  }

  private viewOf(i: Interaction): UserView {
    const messageId = originalOf(i.state);
    const message = messageId ? this.o.messages.get(messageId) : undefined;
    return {
      interactionId: i.id,
      messageId,
      content: message?.content ?? '',
      embeds: message?.embeds ?? [],
      components: message?.components ?? [],
      ephemeral: message?.ephemeral ?? false,
      modal: i.state.kind === 'modal' ? i.state.modal : undefined,
      choices: i.state.kind === 'autocomplete' ? i.state.choices : undefined,
      callbacks: [...i.callbacks],
      errors: [...i.errors],
      followUps: i.followUps.flatMap((id) => {
        const m = this.o.messages.get(id);
        return m ? [m] : [];
      }),
    };
  }
}

function originalOf(state: AckState): string | undefined {
  return 'messageId' in state ? state.messageId : undefined;
}

interface BuiltOption {
  readonly name: string;
  readonly type: number;
  readonly value: OptionValue;
}

function buildOptions(values: Readonly<Record<string, OptionValue>>, types: ReadonlyMap<string, number>): BuiltOption[] {
  return Object.entries(values).map(([name, value]) => ({ name, type: types.get(name) ?? inferType(value), value }));
}

function inferType(value: OptionValue): number {
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 3;
}

/** `["group", "sub"]` or `["sub"]` wraps the options in subcommand (group) options. */
function nestOptions(path: readonly string[], options: readonly unknown[]): unknown[] {
  if (path.length === 0) return [...options];
  if (path.length === 1) return [{ name: path[0], type: 1, options }];
  return [{ name: path[0], type: 2, options: [{ name: path[1], type: 1, options }] }];
}

/** Option types from the registered definition, so that e.g. a user option is sent as type 6. */
function optionTypes(definition: CommandDefinition | undefined, path: readonly string[]): Map<string, number> {
  const types = new Map<string, number>();
  let level: unknown = definition?.options;
  for (const name of path) {
    const next = Array.isArray(level) ? level.find((o: unknown) => isRecord(o) && o.name === name) : undefined;
    level = isRecord(next) ? next.options : undefined;
  }
  if (Array.isArray(level)) {
    for (const o of level) if (isRecord(o) && typeof o.name === 'string' && typeof o.type === 'number') types.set(o.name, o.type);
  }
  return types;
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}
