/**
 * The interaction router: de-duplicate in Redis, rate-limit, then run the handler and answer.
 *
 * Answering: the handler races a budget (default 1.5 s, well inside Discord's 3 s). If it finishes in
 * time, the answer is the acknowledgement itself, public or ephemeral as the answer needs. If not, the
 * interaction is deferred as ephemeral, so an error that comes late is still private; a late success
 * is then edited in privately and also posted publicly as a follow-up.
 */
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type InteractionReplyOptions } from 'discord.js';
import type { Clock } from '../../src/clock';
import type { RateLimit } from '../../src/config';
import type { Logger } from '../../src/log';
import type { Resolver } from '../../src/media/resolve';
import type { OpsDeps } from '../../src/ops';
import { checkRate, claimInteraction, isReadOnly } from './guards';
import { buttonHandler, commandHandler, type Handler, type HandlerCtx, type Reply } from './handlers';

export interface RouterDeps {
  readonly ops: OpsDeps;
  readonly instance: string;
  readonly rateLimit: RateLimit;
  readonly resolver: Resolver;
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

type Routable = ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>;

export function interactionRouter(deps: RouterDeps): (interaction: Interaction) => Promise<void> {
  const log = deps.log.child({ component: 'responder' });
  const budget = deps.answerBudgetMs ?? 1500;

  const answer = async (interaction: Routable, handler: Handler): Promise<void> => {
    let deferred = false;
    let lastProgressAt = 0;
    let finished = false;
    let edits: Promise<unknown> = Promise.resolve();
    const ctx: HandlerCtx = {
      guild: interaction.guild,
      guildId: interaction.guildId,
      userId: interaction.user.id,
      userName: interaction.member.displayName,
      channelId: interaction.channelId,
      member: interaction.member,
      permissions: interaction.memberPermissions,
      deps: deps.ops,
      option: (name) => (interaction.isChatInputCommand() ? interaction.options.get(name)?.value : undefined),
      progress: (text) => {
        const now = deps.clock.now();
        if (!deferred || finished || now - lastProgressAt < PROGRESS_EVERY_MS) return;
        lastProgressAt = now;
        edits = edits.then(() => interaction.editReply({ content: text })).catch((err: unknown) => log.debug({ err }, 'progress edit failed'));
      },
    };
    const pending: Promise<Reply> = handler(ctx).catch((err: unknown) => {
      log.error({ err, interaction: interaction.id }, 'handler failed');
      return { kind: 'error', content: 'Something went wrong on my side and nothing may have changed. Try again in a moment.' };
    });
    let timer: { cancel(): void } | undefined;
    const late = new Promise<'late'>((resolve) => (timer = deps.clock.setTimeout(() => resolve('late'), budget)));
    const first = await Promise.race([pending, late]);
    timer?.cancel();
    if (first !== 'late') {
      await acknowledgeWith(interaction, first);
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    deferred = true;
    const reply = await pending;
    finished = true;
    await edits;
    if (reply.kind === 'error') {
      await interaction.editReply({ content: reply.content, allowedMentions: NO_MENTIONS });
    } else if (reply.visibility === 'ephemeral') {
      await interaction.editReply({ ...reply.body, allowedMentions: NO_MENTIONS });
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
    if (reply.update === true && interaction.isButton()) {
      await interaction.update({ ...reply.body, allowedMentions: NO_MENTIONS });
      return;
    }
    const options: InteractionReplyOptions = { ...reply.body, allowedMentions: NO_MENTIONS, ...(reply.visibility === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}) };
    await interaction.reply(options);
  };

  const refuse = (interaction: ChatInputCommandInteraction | ButtonInteraction, content: string): Promise<unknown> =>
    interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });

  return async (interaction) => {
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isAutocomplete()) return;
    try {
      if (!(await claimInteraction(deps.ops.redis, interaction.id, deps.instance))) {
        log.debug({ interaction: interaction.id }, 'interaction handled by another instance');
        return;
      }
      if (interaction.isAutocomplete()) {
        const focused = interaction.options.getFocused();
        const choices = deps.resolver.search !== undefined && focused.trim() !== '' ? await deps.resolver.search(focused) : [];
        await interaction.respond(choices.slice(0, 25).map((c) => ({ name: c.name.slice(0, 100), value: c.value.slice(0, 100) })));
        return;
      }
      if (!interaction.inCachedGuild()) {
        await refuse(interaction, 'hiqty works in servers only, and this one is not loaded yet. Use the command in a server channel, or try again in a minute.');
        return;
      }
      const handler = interaction.isChatInputCommand() ? commandHandler(interaction.commandName) : buttonHandler(interaction.customId);
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
}
