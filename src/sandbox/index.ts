/**
 * A local Discord for tests and benchmarks: REST, gateway, voice gateway and voice UDP, with an API
 * to act as users (commands, button presses, joining voice) and to check what the bot did (messages,
 * registered commands, the audio it sent per guild).
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../log';
import { GuildAudioMonitor, type MonitorOptions, type MonitorStats } from './audio/monitor';
import { startSandboxCdn, type SandboxCdn } from './cdn';
import { createSandboxCert } from './certs';
import type { CommandDefinition } from './frames';
import { Gateway, type SessionInfo } from './gateway';
import { Interactions, type InvokeOptions, type OptionValue, type UserView } from './interactions';
import { MessageStore, type StoredMessage } from './messages';
import { OAuthServer, type SandboxOAuth } from './oauth';
import { PacketQueue } from './packet-queue';
import { createRestHandler } from './rest';
import { VOICE_MODES, type VoiceMode } from './rtp-crypto';
import { snowflake } from './snowflake';
import { VoiceUdp, type UdpCounters } from './udp';
import { checkVerifyMode, type VerifyMode } from './verify';
import type { DaveGuildStats, DaveTuning } from './dave/guild-call';
import { VoiceGateway, type DaveMode, type VoiceConnectionInfo } from './voice-gateway';
import { createWorld, demoGuild, type GuildSpec, type UserSpec, type VoiceState, type World } from './world';

export { trustSandboxCa } from './certs';
export { demoGuild, demoGuilds, type GuildSpec } from './world';
export { shardOf } from './snowflake';
export { InteractionError, type UserView } from './interactions';
export type { AttachmentInput, AttachmentPayload, SandboxCdn } from './cdn';
export { VOICE_MODES, type VoiceMode } from './rtp-crypto';
export type { VerifyMode } from './verify';
export type { SandboxOAuth } from './oauth';
export { CLOSE_E2EE_REQUIRED, type DaveMode } from './voice-gateway';
export type { DaveGuildStats, DaveTuning } from './dave/guild-call';

/**
 * The sandbox's default DAVE mode: 'required', as on Discord since March 2026, for tests, the bench and
 * `make run`. The environment variable HIQTY_SANDBOX_DAVE (`required` or `off`) overrides it for a whole
 * run, e.g. `HIQTY_SANDBOX_DAVE=off npx mocha test/player/failover.test.ts`.
 */
export const DEFAULT_DAVE_MODE: DaveMode = daveModeFromEnv(process.env.HIQTY_SANDBOX_DAVE) ?? 'required';

function daveModeFromEnv(value: string | undefined): DaveMode | undefined {
  return value === 'required' || value === 'off' ? value : undefined;
}

/** The audio monitor's figures plus what the DAVE listeners found. */
export interface VoiceStats extends MonitorStats {
  /** Transport-only audio frames from a sender that had to encrypt (0 without DAVE); see dave/e2ee-check.ts. */
  readonly unencrypted: number;
  /** DAVE frames a listener in the group could not decrypt (0 without DAVE). */
  readonly e2eeFailures: number;
  /** The guild's DAVE call, when the bot connected with DAVE. */
  readonly dave: DaveGuildStats | undefined;
}

export interface SandboxOptions {
  /** Default: one demo guild (a text channel, two voice channels, two members, one in voice). */
  readonly guilds?: readonly GuildSpec[];
  /** What `gateway/bot` recommends; sessions must identify with this shard count. Default 1. */
  readonly shards?: number;
  /** Whether INTERACTION_CREATE goes to every session on the shard or to one of them. Default all. */
  readonly interactionDelivery?: 'all' | 'one';
  /** Voice modes offered, in order of preference (the client takes the first it supports). Default both. */
  readonly voiceModes?: readonly VoiceMode[];
  /** How long the bot has to acknowledge an interaction. Default 3000 (Discord's). */
  readonly ackDeadlineMs?: number;
  /** Gateway heartbeat interval sent in HELLO. Default 41250 (Discord's). */
  readonly heartbeatIntervalMs?: number;
  /** Where the certificate is written. Default a new temporary directory. */
  readonly dataDir?: string;
  readonly log?: Logger;
  /** Drives the acknowledgement deadline and answer timeouts. */
  readonly clock?: Clock;
  /** Options for every guild's audio monitor (sampling of decoding, thresholds). */
  readonly monitor?: MonitorOptions;
  /** The bot token the sandbox accepts; default a random one. */
  readonly token?: string;
  /** DAVE (end-to-end encryption): 'required' as on Discord, or 'off'. Default DEFAULT_DAVE_MODE ('required'). */
  readonly dave?: DaveMode;
  /** Listeners per call, commit delay and timeouts of the DAVE emulation (see DaveTuning). */
  readonly daveTuning?: DaveTuning;
  /** Which packets are decrypted (transport and DAVE), see src/sandbox/verify.ts. Default 'all'. */
  readonly verify?: VerifyMode;
}

export interface SandboxEvents {
  'voice-leave': { guildId: string; sessionId: string };
  'voice-join': { guildId: string; sessionId: string; channelId: string };
  'voice-takeover': { guildId: string; sessionId: string; code: number };
  'voice-ready': { guildId: string; sessionId: string; ssrc: number; mode: VoiceMode };
  'voice-resumed': { guildId: string; sessionId: string };
  /** A voice identify refused (4017: the client offered no DAVE while it is required). */
  'voice-refused': { guildId: string; sessionId: string; code: number };
  'unknown-route': { method: string; path: string };
  'interaction-error': { interactionId: string; code: number; status: number; message: string };
  'registered-commands': { scope: string; commands: CommandDefinition[] };
  session: { sessionId: string; shard: readonly [number, number] };
  'gateway-close': { sessionId: string };
  resume: { sessionId: string | undefined };
}

/** Listener arguments per event, for `sb.events.on(name, (payload) => ...)`. */
export type SandboxEventMap = { [K in keyof SandboxEvents]: [SandboxEvents[K]] };

export class Sandbox {
  readonly events: EventEmitter<SandboxEventMap> = new EventEmitter<SandboxEventMap>();
  readonly token: string;
  readonly applicationId: string;
  readonly bot: UserSpec;
  readonly world: World;
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** Discord's OAuth2 for the dashboard: the application's client id and secret, its redirect URIs. */
  readonly oauth: SandboxOAuth;
  private readonly messageStore: MessageStore;
  private readonly interactions: Interactions;
  private readonly gateway: Gateway;
  private readonly voice: VoiceGateway;
  private readonly udp: VoiceUdp;
  private readonly http: Server;
  private cdnServer: SandboxCdn | undefined;
  private readonly monitors = new Map<string, GuildAudioMonitor>();
  private readonly packets: PacketQueue;
  /** Holds a share of the Opus decoder for the sandbox's lifetime; see warmUpDecoder. */
  private warmUp: GuildAudioMonitor | undefined;
  private readonly commands = new Map<string, CommandDefinition[]>();
  private httpPort = 0;
  private readonly log: Logger;

  /** Use `startSandbox()`. */
  constructor(
    private readonly options: SandboxOptions,
    cert: { certPem: string; keyPem: string; certPath: string },
  ) {
    this.events.setMaxListeners(100);
    this.log = (options.log ?? silentLogger).child({ component: 'sandbox' });
    this.token = options.token ?? `sandbox.${randomBytes(18).toString('base64url')}`;
    this.bot = { id: snowflake(1_690_000_000_000), username: 'hiqty', bot: true };
    this.applicationId = this.bot.id;
    this.world = createWorld(options.guilds ?? [demoGuild(0)], this.bot);
    this.caCertPath = cert.certPath;
    this.caCertPem = cert.certPem;
    const clock = options.clock ?? systemClock;
    const shards = options.shards ?? 1;
    this.messageStore = new MessageStore(() => clock.now());
    this.gateway = new Gateway({
      world: this.world,
      token: this.token,
      shards,
      applicationId: this.applicationId,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionDelivery: options.interactionDelivery ?? 'all',
      events: this.events,
      log: this.log,
      url: () => this.gatewayUrl,
      onVoiceStateUpdate: (sessionId, guildId, channelId) => this.onBotVoiceState(sessionId, guildId, channelId),
    });
    this.interactions = new Interactions({
      world: this.world,
      messages: this.messageStore,
      clock,
      ackDeadlineMs: options.ackDeadlineMs ?? 3000,
      events: this.events,
      applicationId: this.applicationId,
      dispatch: (guildId, payload) => this.gateway.deliverInteraction(guildId, payload),
      commandsFor: (guildId) => [...(this.commands.get(guildId) ?? []), ...(this.commands.get('global') ?? [])],
      attach: (channelId, input) => this.cdn.add(channelId, input),
    });
    this.packets = new PacketQueue((e) => this.monitor(e.guildId).onPacket(e));
    this.udp = new VoiceUdp((e) => this.packets.push(e), undefined, checkVerifyMode(options.verify ?? 'all'));
    this.voice = new VoiceGateway({
      cert,
      udp: this.udp,
      modes: options.voiceModes ?? VOICE_MODES,
      heartbeatIntervalMs: 13_750,
      botUserId: this.bot.id,
      events: this.events,
      log: this.log,
      dave: options.dave ?? DEFAULT_DAVE_MODE,
      daveTuning: options.daveTuning ?? {},
    });
    const rest = createRestHandler({
      world: this.world,
      token: this.token,
      applicationId: this.applicationId,
      interactions: this.interactions,
      messages: this.messageStore,
      commands: this.commands,
      events: this.events,
      log: this.log,
      gatewayInfo: () => ({
        url: this.gatewayUrl,
        shards,
        // A high max_concurrency lets every shard identify at once instead of one per 5 s.
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 16 },
      }),
    });
    const oauth = new OAuthServer({ world: this.world, applicationId: this.applicationId, clock, log: this.log });
    this.oauth = oauth.api;
    // OAuth2's routes first: the authorize page, the token endpoints, and the user routes with a Bearer token.
    this.http = createServer((req, res) => {
      if (!oauth.handle(req, res)) rest(req, res);
    });
    this.http.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').startsWith('/gateway')) this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** @internal */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', () => resolve()));
    const address = this.http.address();
    this.httpPort = address && typeof address === 'object' ? address.port : 0;
    await this.udp.listen();
    this.warmUpDecoder();
    await this.voice.listen();
    this.cdnServer = await startSandboxCdn();
    this.log.info({ apiBase: this.apiBase, voice: this.voice.endpoint }, 'sandbox listening');
  }

  /**
   * Discord's attachment CDN (cdn.discordapp.com, media.discordapp.net), served locally: put its
   * `origins` into HIQTY_SERVICE_ORIGINS (serviceOriginsValue) and its `allow` into HIQTY_FETCH_ALLOW,
   * and the bot fetches attachments like any service host.
   */
  get cdn(): SandboxCdn {
    if (this.cdnServer === undefined) throw new Error('the sandbox is not listening yet');
    return this.cdnServer;
  }

  /** The REST base for discord.js's `rest.api` option (DISCORD_API_BASE). */
  get apiBase(): string {
    return `http://127.0.0.1:${this.httpPort}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.httpPort}/gateway`;
  }

  get voiceEndpoint(): string {
    return this.voice.endpoint;
  }

  get guilds(): GuildSpec[] {
    return [...this.world.guilds.values()];
  }

  /** Environment for a bot child process: token, REST base, and trust for the voice certificate. */
  botEnv(): Record<string, string> {
    return { DISCORD_TOKEN: this.token, DISCORD_API_BASE: this.apiBase, NODE_EXTRA_CA_CERTS: this.caCertPath };
  }

  /** A user runs a slash command; resolves with what they see once the bot answered. `name` may be "cmd sub". */
  command(guildId: string, userId: string, name: string, options: Readonly<Record<string, OptionValue>> = {}, invoke?: InvokeOptions): Promise<UserView> {
    return this.interactions.command(guildId, userId, name, options, invoke);
  }

  /** A user presses a button (or picks `values` in a select menu) on a message. */
  press(guildId: string, userId: string, messageId: string, customId: string, values?: readonly string[], invoke?: InvokeOptions): Promise<UserView> {
    return this.interactions.press(guildId, userId, messageId, customId, values, invoke);
  }

  autocomplete(guildId: string, userId: string, name: string, options: Readonly<Record<string, OptionValue>>, focused: string, invoke?: InvokeOptions): Promise<UserView> {
    return this.interactions.autocomplete(guildId, userId, name, options, focused, invoke);
  }

  /** What the user sees for an interaction now, including edits after the promise resolved. */
  interaction(interactionId: string): UserView | undefined {
    return this.interactions.view(interactionId);
  }

  /** Messages the bot created in a channel (including interaction answers), oldest first, with edit history. */
  messages(channelId: string): StoredMessage[] {
    return this.messageStore.inChannel(channelId);
  }

  message(messageId: string): StoredMessage | undefined {
    return this.messageStore.get(messageId);
  }

  /** Commands registered globally (`'global'`) or for one guild (its id). */
  registeredCommands(scope: string): CommandDefinition[] {
    return this.commands.get(scope) ?? [];
  }

  /** The audio the guild received so far. Flushing analyses the last partial 200 ms window too. */
  voiceStats(guildId: string, { flush = true }: { flush?: boolean } = {}): VoiceStats {
    this.packets.flush();
    const monitor = this.monitor(guildId);
    if (flush) monitor.flush();
    const dave = this.voice.daveCall(guildId)?.stats();
    return { ...monitor.stats(), unencrypted: dave?.unencrypted ?? 0, e2eeFailures: dave?.e2eeFailures ?? 0, dave };
  }

  resetVoiceStats(guildId: string): void {
    this.packets.flush();
    this.monitors.get(guildId)?.reset();
    this.voice.daveCall(guildId)?.resetCounts();
  }

  /** The DAVE mode this sandbox runs with. */
  get daveMode(): DaveMode {
    return this.options.dave ?? DEFAULT_DAVE_MODE;
  }

  /**
   * A simulated human listener joins the guild's DAVE call (a new epoch and transition follow).
   * Returns its user id; throws when the bot has no DAVE call in the guild.
   */
  addListener(guildId: string): string {
    const call = this.voice.daveCall(guildId);
    if (!call) throw new Error(`no DAVE call in guild ${guildId} (is the bot connected with DAVE?)`);
    return call.addListener();
  }

  /** A listener leaves the guild's DAVE call (the oldest when no id is given); returns its id. */
  removeListener(guildId: string, userId?: string): string | undefined {
    return this.voice.daveCall(guildId)?.removeListener(userId);
  }

  /** User ids of the guild's DAVE listeners. */
  listeners(guildId: string): string[] {
    return this.voice.daveCall(guildId)?.listenerIds() ?? [];
  }

  udpCounters(): Readonly<UdpCounters> {
    return { ...this.udp.counters };
  }

  voiceStates(guildId: string): VoiceState[] {
    return [...this.world.voiceStates(guildId).values()];
  }

  /** The voice channel the bot is in, and through which session. */
  botVoice(guildId: string): VoiceState | undefined {
    return this.world.voiceStates(guildId).get(this.bot.id);
  }

  voiceConnections(): VoiceConnectionInfo[] {
    return this.voice.connections();
  }

  /** A (human) member joins or moves to a voice channel. */
  joinVoice(guildId: string, userId: string, channelId: string): void {
    if (!this.world.isVoiceChannel(guildId, channelId)) throw new Error(`${channelId} is not a voice channel of guild ${guildId}`);
    if (!this.world.findUser(guildId, userId)) throw new Error(`no member ${userId} in guild ${guildId}`);
    this.world.setVoice(guildId, userId, channelId, `user-${userId}`);
    this.gateway.broadcast(guildId, 'VOICE_STATE_UPDATE', this.world.voiceStatePayload(guildId, userId));
  }

  leaveVoice(guildId: string, userId: string): void {
    const before = this.world.voiceStates(guildId).get(userId);
    this.world.setVoice(guildId, userId, null, '');
    this.gateway.broadcast(guildId, 'VOICE_STATE_UPDATE', { ...this.world.voiceStatePayload(guildId, userId), session_id: before?.sessionId ?? '' });
  }

  sessions(): SessionInfo[] {
    return this.gateway.sessions();
  }

  /** Cuts a gateway session: without a code like a network failure (the client resumes, and is refused). */
  dropGateway(sessionId: string, code?: number): boolean {
    return this.gateway.drop(sessionId, code);
  }

  /** Cuts voice WebSockets by session id or guild id: without a code like a network failure (the client resumes). */
  dropVoice(ref: string, code?: number): number {
    return this.voice.drop(ref, code);
  }

  async stop(): Promise<void> {
    this.gateway.close();
    this.voice.close();
    this.udp.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.cdnServer?.stop();
    for (const m of this.monitors.values()) m.dispose();
    this.warmUp?.dispose();
    this.monitors.clear();
  }

  /**
   * The first decoded window costs ~30 ms (WebAssembly instantiation, JIT); under load, when the
   * first windows of all guilds close together, that stall shows up as a gap in every stream.
   * Decoding a window of empty Opus frames (a TOC byte alone is a valid packet) pays it now, and
   * the idle monitor keeps the shared decoder alive between guilds.
   */
  private warmUpDecoder(): void {
    const m = new GuildAudioMonitor('warm-up', this.options.monitor);
    const empty = Buffer.from([0xfc]);
    for (let i = 0; i < 12; i++) m.onPacket({ guildId: 'warm-up', sessionId: 'warm-up', receivedAtMs: i * 20, sequence: i, timestamp: i * 960, ssrc: 0, opus: empty, stale: false });
    m.flush();
    this.warmUp = m;
  }

  private monitor(guildId: string): GuildAudioMonitor {
    let m = this.monitors.get(guildId);
    if (!m) this.monitors.set(guildId, (m = new GuildAudioMonitor(guildId, this.options.monitor)));
    return m;
  }

  /** Op 4 from one of the bot's sessions: join, move or leave. */
  private onBotVoiceState(sessionId: string, guildId: string, channelId: string | null): void {
    if (!this.world.guilds.has(guildId)) return;
    const botId = this.bot.id;
    if (channelId === null) {
      this.events.emit('voice-leave', { guildId, sessionId });
      this.world.setVoice(guildId, botId, null, sessionId);
      // A leave from any session of the bot disconnects the bot, whichever session owns the voice.
      this.voice.revoke(guildId);
      this.gateway.broadcast(guildId, 'VOICE_STATE_UPDATE', { ...this.world.voiceStatePayload(guildId, botId), session_id: sessionId });
      return;
    }
    if (!this.world.isVoiceChannel(guildId, channelId)) {
      this.log.warn({ guildId, channelId }, 'bot asked to join something that is not a voice channel');
      return;
    }
    this.events.emit('voice-join', { guildId, sessionId, channelId });
    const grant = this.voice.grant(guildId, sessionId, channelId);
    this.world.setVoice(guildId, botId, channelId, sessionId);
    this.gateway.broadcast(guildId, 'VOICE_STATE_UPDATE', this.world.voiceStatePayload(guildId, botId));
    this.gateway.sendTo(sessionId, 'VOICE_SERVER_UPDATE', { token: grant.token, guild_id: guildId, endpoint: this.voice.endpoint });
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dataDir = options.dataDir ?? path.join(tmpdir(), `hiqty-sandbox-${process.pid}-${randomBytes(4).toString('hex')}`);
  const cert = await createSandboxCert(dataDir);
  const sandbox = new Sandbox(options, cert);
  await sandbox.listen();
  return sandbox;
}
