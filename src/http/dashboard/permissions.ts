/**
 * The dashboard's questions to src/policy, the one module that says who may do what: which of the page's
 * actions a member may take now (the `can` map), and the check every write goes through. No rule lives
 * here: this file only maps the page's actions to the policy's and words the refusals with names.
 */
import * as E from 'fp-ts/Either';
import { DEFAULT_LOCALE, translator } from '../../i18n';
import { authorize, deniedMessage, mayRemoveOthers, skipMode, type Action, type Denied, type MemberFacts, type Names } from '../../policy';
import type { GuildSnapshot } from '../../state';
import type { GatewayGuild, GatewayMember } from '../../discord/dashboard-gateway';
import { forbidden, type DashError } from './errors';

/** The dashboard speaks English, as the REST API does. */
const english = translator(DEFAULT_LOCALE);

/** The actions of the contract's `can` map, each the policy's action of the same name. */
export const DASHBOARD_ACTIONS = ['play', 'skip', 'previous', 'pause', 'resume', 'seek', 'volume', 'loop', 'shuffle', 'clear', 'remove', 'move', 'filters', 'autoplay', 'requeue', 'settings'] as const satisfies readonly Action[];
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

export type Can = { readonly [A in DashboardAction]: { readonly allowed: boolean; readonly reason?: string } };

export function memberFacts(member: GatewayMember): MemberFacts {
  return { userId: member.userId, voiceChannel: member.voiceChannel, botVoiceChannel: member.botVoiceChannel, roles: new Set(member.roles), manageGuild: member.manageGuild };
}

/** Channels and roles by name (`#Music`, `@DJ`): a web page cannot render Discord's mentions. */
function namesIn(guild: GatewayGuild): Names {
  const channel = (id: string): string => `#${[...guild.voiceChannels, ...guild.textChannels].find((c) => c.id === id)?.name ?? id}`;
  const role = (id: string): string => `@${guild.roles.find((r) => r.id === id)?.name ?? id}`;
  return { channel, role };
}

function reason(denied: Denied, guild: GatewayGuild): string {
  return deniedMessage(denied, english, namesIn(guild));
}

const VOTE_ONLY = 'Others are listening, so your skip would only be a vote: vote with /skip in Discord. A DJ, the member who added the track, or someone alone with the bot skips at once.';

export interface Asker {
  readonly guild: GatewayGuild;
  readonly member: GatewayMember;
  readonly snapshot: GuildSnapshot;
}

/** Allowed, with the channel the music goes to where the action needs voice; or 403 with the policy's reason. */
export function check(action: DashboardAction, asker: Asker): E.Either<DashError, { readonly channel: string | undefined }> {
  const facts = memberFacts(asker.member);
  const verdict = authorize(action, facts, asker.snapshot);
  if (verdict.kind !== 'ok') return E.left(forbidden(reason(verdict, asker.guild)));
  if (action === 'skip') {
    // The dashboard skips directly or not at all: a vote is Discord's (/skip) to count.
    const head = asker.snapshot.head;
    if (head?.kind === 'track' && skipMode(facts, asker.snapshot, head.track, asker.member.listeners) === 'vote') return E.left(forbidden(VOTE_ONLY));
  }
  return E.right({ channel: verdict.channel });
}

/** Whether this member may take other members' tracks off the queue (the policy's DJ rule). */
export function removesOthers(asker: Asker): boolean {
  return mayRemoveOthers(memberFacts(asker.member), asker.snapshot);
}

export function canMap(asker: Asker): Can {
  const c = (action: DashboardAction): { readonly allowed: boolean; readonly reason?: string } => {
    const r = check(action, asker);
    return E.isLeft(r) ? { allowed: false, reason: r.left.detail } : { allowed: true };
  };
  return {
    play: c('play'),
    skip: c('skip'),
    previous: c('previous'),
    pause: c('pause'),
    resume: c('resume'),
    seek: c('seek'),
    volume: c('volume'),
    loop: c('loop'),
    shuffle: c('shuffle'),
    clear: c('clear'),
    remove: c('remove'),
    move: c('move'),
    filters: c('filters'),
    autoplay: c('autoplay'),
    requeue: c('requeue'),
    settings: c('settings'),
  };
}
