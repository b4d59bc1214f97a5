/**
 * The interaction router: de-duplicate in Redis, rate-limit, then run the handler and answer.
 *
 * Answering: the handler races a budget (default 1.5 s, well inside Discord's 3 s). If it finishes in
 * time, the answer is the acknowledgement itself, public or ephemeral as the answer needs. If not, the
 * interaction is deferred as ephemeral, so an error that comes late is still private; a late success
 * is then edited in privately and also posted publicly as a follow-up.
 */
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type InteractionReplyOptions, type StringSelectMenuInteraction } from 'discord.js';
import type { Clock, Timer } from '../../src/clock';
import type { RateLimit } from '../../src/config';
import type { Logger } from '../../src/log';
import type { OpsDeps } from '../../src/ops';
import { localeOf, translator } from '../../src/i18n';
import { autocompleter } from './autocomplete';
import { checkRate, claimInteraction, isReadOnly } from './guards';
import { commandHandler, componentHandler, type AttachmentOption, type Handler, type HandlerCtx, type Reply } from './handlers';

export interface RouterDeps {
  readonly ops: OpsDeps;
  readonly instance: string;
  readonly rateLimit: RateLimit;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long a handler may take before the interaction is deferred. Default 1500 ms. */
  readonly answerBudgetMs?: number;
}

const NO_MENTIONS = { parse: [] } as const;
const PROGRESS_EVERY_MS = 1000;

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return `${s} ${s === 1 ? 'second' : 'seconds'}`;
}

/** "1 every 2 seconds", "1 every 200 ms": the refill as people read it. */
function every(ms: number): string {
  return ms < 1000 ? `1 every ${ms} ms` : ms === 1000 ? '1 every second' : Number.isInteger(ms / 1000) ? `1 every ${ms / 1000} seconds` : `1 every ${(ms / 1000).toFixed(1)} seconds`;
}

type Routable = ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'> | StringSelectMenuInteraction<'cached'>;

export interface InteractionRouter {
  (interaction: Interaction): Promise<void>;
  /** Cancels the searches in flight and the pending menu expiries. */
  stop(): void;
}

function attachmentOf(interaction: Routable, name: string): AttachmentOption | undefined {
  if (!interaction.isChatInputCommand()) return undefined;
  const a = interaction.options.getAttachment(name);
  return a === null ? undefined : { url: a.url, name: a.name, contentType: a.contentType ?? undefined, size: a.size };
}

export function interactionRouter(deps: RouterDeps): InteractionRouter {
  const log = deps.log.child({ component: 'responder' });
  const budget = deps.answerBudgetMs ?? 1500;
  const autocomplete = autocompleter({ ops: deps.ops, clock: deps.clock, log });
  const expiries = new Set<Timer>();

  /** Edits an answer once its menu stops counting (the interaction token outlives the menu). */
  const scheduleExpiry = (interaction: Routable, reply: Reply): void => {
    if (reply.kind !== 'answer' || reply.expire === undefined) return;
    const { body } = reply.expire;
    const timer = deps.clock.setTimeout(() => {
      expiries.delete(timer);
      interaction.editReply({ ...body, allowedMentions: NO_MENTIONS }).catch((err: unknown) => log.debug({ err }, 'could not retire an expired menu'));
    }, reply.expire.afterMs);
    expiries.add(timer);
  };

  const announce = async (interaction: Routable, reply: Reply): Promise<void> => {
    if (reply.kind === 'answer' && reply.announce !== undefined) await interaction.followUp({ ...reply.announce, allowedMentions: NO_MENTIONS });
  };

  const answer = async (interaction: Routable, handler: Handler): Promise<void> => {
    let deferred = false;
    let lastProgressAt = 0;
    let finished = false;
    let edits: Promise<unknown> = Promise.resolve();
    const locale = localeOf(interaction.locale);
    const t = translator(locale);
    const ctx: HandlerCtx = {
      guild: interaction.guild,
      guildId: interaction.guildId,
      locale,
      t,
      userId: interaction.user.id,
      userName: interaction.member.displayName,
      channelId: interaction.channelId,
      member: interaction.member,
      permissions: interaction.memberPermissions,
      deps: deps.ops,
      option: (name) => (interaction.isChatInputCommand() ? interaction.options.get(name)?.value : undefined),
      subcommand: () => (interaction.isChatInputCommand() ? (interaction.options.getSubcommand(false) ?? undefined) : undefined),
      attachment: (name) => attachmentOf(interaction, name),
      values: interaction.isStringSelectMenu() ? interaction.values : [],
      now: () => deps.clock.now(),
      progress: (text) => {
        const now = deps.clock.now();
        if (!deferred || finished || now - lastProgressAt < PROGRESS_EVERY_MS) return;
        lastProgressAt = now;
        edits = edits.then(() => interaction.editReply({ content: text })).catch((err: unknown) => log.debug({ err }, 'progress edit failed'));
      },
    };
    const pending: Promise<Reply> = handler(ctx).catch((err: unknown) => {
      log.error({ err, interaction: interaction.id }, 'handler failed');
      return { kind: 'error', content: t('common:handler-failed') };
    });
    let timer: { cancel(): void } | undefined;
    const late = new Promise<'late'>((resolve) => (timer = deps.clock.setTimeout(() => resolve('late'), budget)));
    const first = await Promise.race([pending, late]);
    timer?.cancel();
    if (first !== 'late') {
      await acknowledgeWith(interaction, first);
      scheduleExpiry(interaction, first);
      await announce(interaction, first);
      return;
    }
    // A pick from a menu keeps working on the menu's own message; anything else gets a private "thinking…".
    const onMenu = interaction.isStringSelectMenu();
    if (onMenu) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    deferred = true;
    const reply = await pending;
    finished = true;
    await edits;
    if (onMenu) {
      if (reply.kind === 'error') await interaction.followUp({ content: reply.content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      else if (reply.update === true) await interaction.editReply({ ...reply.body, allowedMentions: NO_MENTIONS });
      else await interaction.followUp({ ...reply.body, allowedMentions: NO_MENTIONS, ...(reply.visibility === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}) });
      if (reply.kind === 'answer') await announce(interaction, reply);
      return;
    }
    if (reply.kind === 'error') {
      await interaction.editReply({ content: reply.content, allowedMentions: NO_MENTIONS });
    } else if (reply.visibility === 'ephemeral') {
      await interaction.editReply({ ...reply.body, allowedMentions: NO_MENTIONS });
      scheduleExpiry(interaction, reply);
      await announce(interaction, reply);
    } else {
      await interaction.editReply({ content: '✅ Done.', components: [] });
      await interaction.followUp({ ...reply.body, allowedMentions: NO_MENTIONS });
    }
  };

  const acknowledgeWith = async (interaction: Routable, reply: Reply): Promise<void> => {
    if (reply.kind === 'error') {
      await interaction.reply({ content: reply.content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    if (reply.update === true && interaction.isMessageComponent()) {
      await interaction.update({ ...reply.body, allowedMentions: NO_MENTIONS });
      return;
    }
    const options: InteractionReplyOptions = { ...reply.body, allowedMentions: NO_MENTIONS, ...(reply.visibility === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}) };
    await interaction.reply(options);
  };

  const refuse = (interaction: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction, content: string): Promise<unknown> =>
    interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });

  const route = async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isStringSelectMenu() && !interaction.isAutocomplete()) return;
    try {
      if (!(await claimInteraction(deps.ops.redis, interaction.id, deps.instance))) {
        log.debug({ interaction: interaction.id }, 'interaction handled by another instance');
        return;
      }
      if (interaction.isAutocomplete()) {
        const focused = interaction.options.getFocused(true);
        // Only /play's query searches; any other focused option gets no suggestions.
        const typed = interaction.commandName === 'play' && focused.name === 'query' ? String(focused.value) : '';
        const choices = await autocomplete.choices(`${interaction.guildId ?? ''}:${interaction.user.id}`, typed);
        await interaction.respond(choices);
        return;
      }
      if (!interaction.inCachedGuild()) {
        await refuse(interaction, 'hiqty works in servers only, and this one is not loaded yet. Use the command in a server channel, or try again in a minute.');
        return;
      }
      const handler = interaction.isChatInputCommand() ? commandHandler(interaction.commandName) : componentHandler(interaction.customId);
      if (handler === undefined) {
        await refuse(interaction, 'I do not know that command or button any more. Run /nowplaying or /queue for fresh ones.');
        return;
      }
      const readOnly = isReadOnly(interaction.isChatInputCommand() ? { kind: 'command', name: interaction.commandName } : { kind: 'button', customId: interaction.customId });
      if (!readOnly) {
        const rate = await checkRate(deps.ops.redis, interaction.user.id, deps.rateLimit);
        if (rate.kind === 'limited') {
          const { burst, refillMs } = rate.limit;
          await refuse(interaction, `Slow down: you can run ${burst} commands in a row, then ${every(refillMs)}. Try again in ${seconds(rate.retryAfterMs)}.`);
          return;
        }
      }
      await answer(interaction, handler);
    } catch (err) {
      log.warn({ err, interaction: interaction.id }, 'could not answer an interaction');
    }
  };
  return Object.assign(route, {
    stop() {
      autocomplete.stop();
      for (const t of expiries) t.cancel();
      expiries.clear();
    },
  });
}
