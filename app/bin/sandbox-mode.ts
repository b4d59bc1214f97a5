/**
 * `hiqty run` without DISCORD_TOKEN: the bundled local Discord sandbox with one demo guild, and a
 * local server with demo tone tracks, so a newcomer can see (and hear) hiqty work with no account.
 * Known limit: the sandbox lives in the bot's process and trusts its voice certificate through
 * tls.setDefaultCACertificates (Node >= 22.19), instead of NODE_EXTRA_CA_CERTS.
 */
import * as path from 'node:path';
import type { DiscordTarget } from '../app';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/log';
import { startSandbox, trustSandboxCa, demoGuild } from '../../src/sandbox';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { startFixtureServer } from '../../src/sandbox/fixtures/server';
import { startServiceFakes } from '../../src/sandbox/services';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { trackUrl, TRACK_HLS } from '../../src/sandbox/services/soundcloud';
import { MIRROR_PLAYLIST, spotifyUrl } from '../../src/sandbox/services/spotify';
import { CHANNEL_TONES } from '../../src/sandbox/services/twitch';
import { parseOriginOverrides } from '../../src/media/origins';
import { startSandboxConsole } from './sandbox-console';
import { redirectUri } from '../../src/http/dashboard/paths';
import { freePort } from '../../src/state/server';

export interface SandboxMode {
  readonly target: DiscordTarget;
  /** The configuration with the demo track server and the service fakes allowed through the private-address block, and the services pointed at the fakes. */
  readonly config: Config;
  /** `redisAddress`: `host:port` of the Redis primary the app is connected to. */
  printHowTo(redisAddress: string): void;
  stop(): Promise<void>;
}

export async function startSandboxMode(config: Config, log: Logger): Promise<SandboxMode> {
  const dir = path.resolve(config.HIQTY_DATA_DIR, 'sandbox');
  const guild = demoGuild(0);
  const sandbox = await startSandbox({ guilds: [guild], dataDir: dir, log: log.child({ component: 'sandbox' }) });
  trustSandboxCa(sandbox.caCertPem);
  const tracksDir = path.join(dir, 'tracks');
  const tracks = await Promise.all([
    makeTone({ hz: 440, durationMs: 20_000, format: 'ogg-opus', dir: tracksDir }),
    makeTone({ hz: 660, durationMs: 20_000, format: 'mp3', dir: tracksDir }),
  ]);
  const fixtures = await startFixtureServer({ dir: tracksDir });
  // Their media is made once per machine (SERVICE_MEDIA_CACHE), not once per data directory.
  const services = await startServiceFakes();
  // Attachments come from the sandbox's CDN stand-in, as services come from their fakes.
  const overrides = parseOriginOverrides([services.origins, serviceOriginsValue([sandbox.cdn])].join(','));
  if (!('ok' in overrides)) throw new Error(`the service fakes' origins do not parse: ${overrides.error}`);
  const host = new URL(fixtures.origin).host;
  // The dashboard logs in through the sandbox's OAuth2: its app, and the local HTTP port as the origin
  // (a fixed port, so the redirect URI registered with the sandbox is known before the server listens).
  const httpPort = config.HIQTY_HTTP_PORT === 0 ? await freePort() : config.HIQTY_HTTP_PORT;
  const dashboardUrl = config.HIQTY_DASHBOARD_URL ?? `http://127.0.0.1:${httpPort}`;
  sandbox.oauth.allowRedirect(redirectUri(dashboardUrl));
  const voiceChannel = guild.voiceChannels[0];
  let stopConsole = (): void => undefined;
  const textChannel = guild.textChannels[0];

  return {
    target: { token: sandbox.token, apiBase: sandbox.apiBase },
    config: {
      ...config,
      DISCORD_API_BASE: sandbox.apiBase,
      HIQTY_FETCH_ALLOW: [...config.HIQTY_FETCH_ALLOW, host, ...services.allow, ...sandbox.cdn.allow],
      HIQTY_SERVICE_ORIGINS: [...config.HIQTY_SERVICE_ORIGINS, ...overrides.ok],
      // The fake Spotify's own app, unless the operator gave one: Spotify links then play in the demo too.
      HIQTY_SPOTIFY_CLIENT_ID: config.HIQTY_SPOTIFY_CLIENT_ID ?? services.spotify.clientId,
      HIQTY_SPOTIFY_CLIENT_SECRET: config.HIQTY_SPOTIFY_CLIENT_SECRET ?? services.spotify.clientSecret,
      HIQTY_HTTP_PORT: httpPort,
      HIQTY_DASHBOARD_URL: dashboardUrl,
      HIQTY_DISCORD_CLIENT_ID: sandbox.oauth.clientId,
      HIQTY_DISCORD_CLIENT_SECRET: sandbox.oauth.clientSecret,
    },
    printHowTo(redisAddress) {
      const port = redisAddress.slice(redisAddress.lastIndexOf(':') + 1);
      const urls = tracks.map((file) => fixtures.url(path.basename(file)));
      const lines = [
        '',
        'hiqty is playing against the local Discord sandbox (no DISCORD_TOKEN set).',
        `  demo guild ${guild.id}, voice channel "${voiceChannel?.name}" ${voiceChannel?.id}, text channel ${textChannel?.id}`,
        `  Voice is end-to-end encrypted with DAVE (${sandbox.daveMode}${sandbox.daveMode === 'required' ? ', as on Discord since March 2026' : ''}): a simulated listener in the channel decrypts what the bot sends.`,
        '  Type slash commands here, as the demo guild\'s member in the voice channel. YouTube and SoundCloud',
        '  are local fakes of their APIs (HIQTY_SERVICE_ORIGINS), playing tones:',
        '    /play never gonna give you up        (searches YouTube, then SoundCloud)',
        `    /play ${trackUrl(TRACK_HLS)}   (a SoundCloud track, HLS AAC)`,
        '    /play https://www.youtube.com/watch?v=dQw4w9WgXcQ   (YouTube, Opus passed straight through)',
        `    /play ${spotifyUrl('playlist', MIRROR_PLAYLIST.id)}   (a Spotify playlist, each song played from YouTube or SoundCloud)`,
        `    /play https://www.twitch.tv/${CHANNEL_TONES.login}   (a Twitch live channel, its audio-only rendition)`,
        '  Or write desired state to Redis, the way every interface does:',
        `    redis-cli -p ${port} RPUSH hiqty:server:${guild.id}:playlist '{"id":"demo-1","url":"${urls[0]}","title":"A 440 Hz tone (Ogg/Opus, passthrough)"}' '{"id":"demo-2","url":"${urls[1]}","title":"A 660 Hz tone (MP3, transcoded)"}'`,
        `    redis-cli -p ${port} SET hiqty:server:${guild.id}:channel ${voiceChannel?.id}`,
        `    redis-cli -p ${port} SET hiqty:server:${guild.id}:state playing`,
        `    redis-cli -p ${port} SADD hiqty:guilds ${guild.id}`,
        `  Watch it: redis-cli -p ${port} GET hiqty:server:${guild.id}:status`,
        `  The web dashboard: ${dashboardUrl}/dashboard/`,
        `    Log in on the sandbox's Discord consent page as ${guild.members.map((m) => m.username).join(' or ')} (no password: pick one and press Authorize).`,
        '  Stop with Ctrl-C (a second Ctrl-C skips the drain).',
        '',
      ];
      process.stderr.write(lines.join('\n') + '\n');
      stopConsole = startSandboxConsole(sandbox, guild, (line) => process.stderr.write(`${line}\n`));
    },
    async stop() {
      stopConsole();
      await fixtures.stop();
      await services.stop();
      await sandbox.stop();
    },
  };
}
