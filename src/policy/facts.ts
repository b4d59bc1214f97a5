/** What the policy needs to know of a member, read from the gateway by whoever asks (a slash command, the dashboard). */
export interface MemberFacts {
  readonly userId: string;
  /** The voice channel the member is in now, if any. */
  readonly voiceChannel: string | undefined;
  /** The voice channel the bot is connected to now, if any (every instance sees the bot's voice state). */
  readonly botVoiceChannel: string | undefined;
  readonly roles: ReadonlySet<string>;
  /** Whether the member has Manage Server. */
  readonly manageGuild: boolean;
}

/** Why a member may not do something; each kind names what would let them. */
export type Denied =
  | { readonly kind: 'not-in-voice' }
  | { readonly kind: 'other-channel'; readonly memberChannel: string; readonly botChannel: string }
  | { readonly kind: 'not-dj'; readonly role: string }
  | { readonly kind: 'not-manager' };
