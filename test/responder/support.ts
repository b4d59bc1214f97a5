/** A guild for the responder tests: a DJ role, five members (one a DJ, one without Manage Server). */
import { strict as assert } from 'node:assert';
import type { GuildSpec, Sandbox, UserView } from '../../src/sandbox';
import { snowflake } from '../../src/sandbox/snowflake';

export interface ResponderGuild {
  readonly spec: GuildSpec;
  readonly text: string;
  readonly music: string;
  readonly lounge: string;
  readonly djRole: string;
  /** In `music` at the start. */
  readonly alice: string;
  readonly bob: string;
  readonly carol: string;
  /** Has the DJ role. */
  readonly dave: string;
  /** No Manage Server permission. */
  readonly erin: string;
}

let n = 0;
function id(): string {
  n += 1;
  return snowflake(1_720_000_000_000 + n);
}

/** Bits of the permissions erin has: view channel, send messages, connect, speak (no Manage Server). */
const PLAIN_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 20n) | (1n << 21n));

export function responderGuild(index = 0): ResponderGuild {
  const text = id();
  const music = id();
  const lounge = id();
  const djRole = id();
  const [alice, bob, carol, dave, erin] = [id(), id(), id(), id(), id()];
  return {
    spec: {
      id: snowflake(1_700_000_100_000 + index),
      name: `Responder Guild ${index}`,
      textChannels: [{ id: text, name: 'music-chat' }],
      voiceChannels: [
        { id: music, name: 'Music' },
        { id: lounge, name: 'Lounge' },
      ],
      roles: [{ id: djRole, name: 'DJ' }],
      members: [
        { id: alice, username: 'alice' },
        { id: bob, username: 'bob' },
        { id: carol, username: 'carol' },
        { id: dave, username: 'dave', roles: [djRole] },
        { id: erin, username: 'erin', permissions: PLAIN_PERMISSIONS },
      ],
      voice: { [alice]: music },
    },
    text,
    music,
    lounge,
    djRole,
    alice,
    bob,
    carol,
    dave,
    erin,
  };
}

export function assertEphemeralError(view: UserView, pattern: RegExp): void {
  assert.equal(view.ephemeral, true, `expected an ephemeral answer, got a public one: ${view.content}`);
  assert.match(view.content, pattern);
}

export function assertPublic(view: UserView, pattern: RegExp): void {
  assert.equal(view.ephemeral, false, `expected a public answer, got an ephemeral one: ${view.content}`);
  assert.match(view.content, pattern);
}

/** Custom ids of the buttons in a message's components. */
export function buttonIds(components: readonly unknown[]): string[] {
  const ids: string[] = [];
  const walk = (u: unknown): void => {
    if (Array.isArray(u)) u.forEach(walk);
    else if (typeof u === 'object' && u !== null) {
      if ('custom_id' in u && typeof u.custom_id === 'string') ids.push(u.custom_id);
      if ('components' in u) walk(u.components);
    }
  };
  walk(components);
  return ids;
}

/** The bot's messages in a channel that are not interaction answers (the now-playing message). */
export function channelMessages(sb: Sandbox, channel: string) {
  return sb.messages(channel).filter((m) => m.source === 'channel' && !m.deleted);
}
