/**
 * A guild as the dashboard shows it: who may see it (a member of a guild the bot is in, else 404), and
 * the DashboardGuild answer: the REST API's GuildView, what this member may do now (src/policy), and the
 * names of the guild's roles and channels. One snapshot read serves the view and the policy.
 */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { decode, Snowflake } from '../../codecs';
import type { GatewayGuild, GatewayMember, NamedId } from '../../discord/dashboard-gateway';
import { guildViewOf, nowPlayingOf, type GuildView } from '../../ops';
import type { GuildSnapshot } from '../../state';
import { unavailable, unknownGuild, type DashError } from './errors';
import { canMap, type Asker, type Can } from './permissions';
import type { Runtime } from './runtime';

export interface GuildAccess {
  readonly guild: GatewayGuild;
  readonly member: GatewayMember;
}

/** The guild and the member's facts, or 404 unknown-guild when either the user or the bot is not in it. */
export const guildAccess =
  (rt: Runtime) =>
  (input: { readonly guild: string; readonly userId: string }): TaskEither<DashError, GuildAccess> =>
  async () => {
    const id = decode(Snowflake, input.guild);
    if (E.isLeft(id)) return E.left(unknownGuild(input.guild));
    const guild = rt.gateway.guild(id.right);
    if (guild === undefined) return E.left(unknownGuild(id.right));
    try {
      const looked = await rt.gateway.member(id.right, input.userId);
      return looked.kind === 'member' ? E.right({ guild, member: looked.member }) : E.left(unknownGuild(id.right));
    } catch (err) {
      rt.log.warn({ err, guild: id.right }, 'dashboard: Discord did not say whether the user is a member');
      return E.left(unavailable('Discord could not be asked about your membership right now. Try again in a moment.'));
    }
  };

/** The guild's snapshot (decoded; corrupt entries listed apart), read through src/state. */
export const readSnapshot =
  (rt: Runtime) =>
  (guild: string): TaskEither<DashError, { readonly snapshot: GuildSnapshot; readonly view: GuildView }> =>
  async () => {
    try {
      const { snapshot, corrupt } = await rt.ops.store.snapshot(guild);
      return E.right({ snapshot, view: guildViewOf(snapshot, corrupt, rt.clock.now(), rt.ops.limits.defaultMaxQueue) });
    } catch (err) {
      rt.log.warn({ err, guild }, 'dashboard: the guild could not be read');
      return E.left(unavailable('The guild cannot be read right now (Redis may be unreachable). Try again in a moment.'));
    }
  };

export interface DashboardGuild {
  readonly guild: { readonly id: string; readonly name: string; readonly iconUrl: string | null };
  readonly view: GuildView;
  readonly can: Can;
  readonly me: { readonly voiceChannel: string | null };
  readonly roles: readonly NamedId[];
  readonly textChannels: readonly NamedId[];
  readonly voiceChannels: readonly NamedId[];
}

export function dashboardGuildOf(access: GuildAccess, snapshot: GuildSnapshot, view: GuildView): DashboardGuild {
  const asker: Asker = { guild: access.guild, member: access.member, snapshot };
  const g = access.guild;
  return {
    guild: { id: g.id, name: g.name, iconUrl: g.iconUrl },
    view,
    can: canMap(asker),
    me: { voiceChannel: access.member.voiceChannel ?? null },
    roles: g.roles,
    textChannels: g.textChannels,
    voiceChannels: g.voiceChannels,
  };
}

export const dashboardGuild =
  (rt: Runtime) =>
  (access: GuildAccess): TaskEither<DashError, DashboardGuild> =>
  async () => E.map(({ snapshot, view }: { snapshot: GuildSnapshot; view: GuildView }) => dashboardGuildOf(access, snapshot, view))(await readSnapshot(rt)(access.guild.id)());

export interface GuildCard {
  readonly id: string;
  readonly name: string;
  readonly iconUrl: string | null;
  readonly state: GuildSnapshot['state'];
  readonly nowPlaying: { readonly title: string; readonly artist: string | null; readonly artworkUrl: string | null } | null;
  readonly queueLength: number;
}

/** The guilds of the user's `@me/guilds` (at login) that the bot is in, each with what it plays. */
export const guildCards =
  (rt: Runtime) =>
  (userGuilds: readonly string[]): TaskEither<DashError, { readonly guilds: readonly GuildCard[] }> =>
  async () => {
    const shared = userGuilds.map((id) => rt.gateway.guild(id)).filter((g): g is GatewayGuild => g !== undefined);
    try {
      const now = rt.clock.now();
      const guilds = await Promise.all(
        shared.map(async (g): Promise<GuildCard> => {
          const { snapshot } = await rt.ops.store.snapshot(g.id, { queue: 'head' });
          const np = nowPlayingOf(snapshot, now);
          return {
            id: g.id,
            name: g.name,
            iconUrl: g.iconUrl,
            state: snapshot.state,
            nowPlaying: np === undefined ? null : { title: np.track.title ?? np.track.url, artist: np.track.artist ?? null, artworkUrl: np.track.artworkUrl ?? null },
            queueLength: snapshot.playlistLength,
          };
        }),
      );
      return E.right({ guilds: guilds.sort((a, b) => a.name.localeCompare(b.name)) });
    } catch (err) {
      rt.log.warn({ err }, 'dashboard: the guild list could not be read');
      return E.left(unavailable('The guilds cannot be read right now (Redis may be unreachable). Try again in a moment.'));
    }
  };
