/**
 * The one table of who may do what, for every interface: slash commands, the dashboard, and the API where
 * it acts for a member. A row says where the member must be, and whether the DJ role or Manage Server is needed.
 *
 * - voice 'play': the member must be in a voice channel; the bot's, while the guild is busy (an idle guild
 *   follows the member, even if the bot still idles elsewhere).
 * - voice 'control': the member must be in the channel the music is in (or, while the bot is not connected,
 *   the channel the guild is set to play in).
 * - dj: when the guild has a DJ role, the member must have it (without one, everyone is a DJ).
 * - manage: the member must have Manage Server.
 */
export interface Rule {
  readonly voice: 'play' | 'control' | 'none';
  readonly dj: boolean;
  readonly manage: boolean;
}

const anyone = (voice: Rule['voice']) => ({ voice, dj: false, manage: false }) as const;
const dj = (voice: Rule['voice']) => ({ voice, dj: true, manage: false }) as const;

export const RULES = {
  /** /play, a /search pick, a /history pick, loading a playlist: nothing is removed. */
  play: anyone('play'),
  /** /previous: the current track only moves one place back. */
  previous: anyone('play'),
  /** Who skips at once and who only votes is `skipMode`'s call. */
  skip: anyone('control'),
  pause: anyone('control'),
  resume: anyone('control'),
  /** Removing someone else's track also needs `mayRemoveOthers`. */
  remove: anyone('control'),
  move: anyone('control'),
  shuffle: anyone('control'),
  loop: anyone('control'),
  seek: anyone('control'),
  /** These drop or change everybody's music. */
  stop: dj('control'),
  clear: dj('control'),
  skipto: dj('control'),
  volume: dj('control'),
  leave: dj('control'),
  stay: dj('control'),
  autoplay: dj('control'),
  filters: dj('control'),
  /** Putting a quarantined track back in the queue: a DJ's call, as for what /clear removes. */
  requeue: dj('control'),
  /** /settings: Manage Server, and the DJ role when one is set (so a DJ role cannot be taken over by a manager without it). */
  settings: { voice: 'none', dj: true, manage: true },
} as const satisfies Readonly<Record<string, Rule>>;

export type Action = keyof typeof RULES;

/** The actions that need the member in voice; allowing one yields the channel the music goes to. */
export type VoiceAction = { [A in Action]: (typeof RULES)[A]['voice'] extends 'none' ? never : A }[Action];

export const ACTIONS: readonly Action[] = Object.keys(RULES).filter((a): a is Action => a in RULES);
