/**
 * The REST half of the sandbox: the routes hiqty (through discord.js) calls. A route that is not
 * here answers 404 and is logged at error level, so a gap in the sandbox shows up at once instead of
 * as a mysteriously hanging test.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../log';
import { localizationProblems, withoutLocalizations } from './command-localizations';
import { CommandList, decode, InteractionCallback, MessageBody, parseJson, type CommandDefinition } from './frames';
import type { Interactions, RestReply } from './interactions';
import { contentOf, messagePayload, type MessageStore } from './messages';
import { snowflake } from './snowflake';
import type { World } from './world';

export interface RestOptions {
  readonly world: World;
  readonly token: string;
  readonly applicationId: string;
  readonly interactions: Interactions;
  readonly messages: MessageStore;
  readonly commands: Map<string, CommandDefinition[]>;
  readonly events: EventEmitter;
  readonly log: Logger;
  readonly gatewayInfo: () => Record<string, unknown>;
}

interface Request {
  readonly method: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
}

type Handler = (req: Request) => RestReply;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Interaction callbacks and webhooks authenticate with the token in the path, not the bot token. */
  readonly auth: boolean;
  readonly handle: Handler;
}

const ID = '(\\d+)';
const TOKEN = '([^/]+)';

export function createRestHandler(o: RestOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { world } = o;
  const botPayload = (): Record<string, unknown> => world.userPayload(world.bot);
  const msg = (id: string): Record<string, unknown> | undefined => {
    const m = o.messages.get(id);
    return m && !m.deleted ? messagePayload(m, botPayload(), o.applicationId) : undefined;
  };
  const unknownMessage: RestReply = { status: 404, body: { code: 10008, message: 'Unknown Message' } };
  const unknownChannel: RestReply = { status: 404, body: { code: 10003, message: 'Unknown Channel' } };
  const unknownGuild: RestReply = { status: 404, body: { code: 10004, message: 'Unknown Guild' } };

  const putCommands = (scope: string, body: unknown): RestReply => {
    const list = decode(CommandList, body);
    if (!list) return { status: 400, body: { code: 50035, message: 'Invalid Form Body' } };
    const problems = localizationProblems(list);
    if (problems.length > 0) return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: problems } };
    const stored = list.map((c) => ({
      ...c,
      id: typeof c.id === 'string' ? c.id : snowflake(),
      application_id: o.applicationId,
      version: snowflake(),
      type: typeof c.type === 'number' ? c.type : 1,
      ...(scope === 'global' ? {} : { guild_id: scope }),
    }));
    o.commands.set(scope, stored);
    o.events.emit('registered-commands', { scope, commands: stored });
    return { status: 200, body: stored };
  };
  // Discord leaves the localization maps out unless they are asked for.
  const getCommands = (scope: string, query: URLSearchParams): RestReply => {
    const stored = o.commands.get(scope) ?? [];
    return { status: 200, body: query.get('with_localizations') === 'true' ? stored : withoutLocalizations(stored) };
  };
  const postCommand = (scope: string, body: unknown): RestReply => {
    const one = decode(CommandList, [body])?.[0];
    if (!one) return { status: 400, body: { code: 50035, message: 'Invalid Form Body' } };
    const others = (o.commands.get(scope) ?? []).filter((c) => c.name !== one.name);
    const reply = putCommands(scope, [...others, one]);
    const created = (o.commands.get(scope) ?? []).find((c) => c.name === one.name);
    return reply.status === 200 ? { status: 201, body: created } : reply;
  };

  const channelMessage = (channelId: string, body: unknown): RestReply => {
    const guild = world.channelGuild(channelId);
    if (!guild) return unknownChannel;
    const parsed = decode(MessageBody, body);
    const m = o.messages.create({ channelId, guildId: guild.id, source: 'channel', body: contentOf(parsed) });
    return { status: 200, body: messagePayload(m, botPayload(), o.applicationId) };
  };

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/gateway\/bot$/, auth: true, handle: () => ({ status: 200, body: o.gatewayInfo() }) },
    { method: 'GET', pattern: /^\/gateway$/, auth: false, handle: () => ({ status: 200, body: { url: o.gatewayInfo().url } }) },
    { method: 'GET', pattern: /^\/users\/@me$/, auth: true, handle: () => ({ status: 200, body: botPayload() }) },
    {
      method: 'GET',
      pattern: /^\/applications\/@me$/,
      auth: true,
      handle: () => ({ status: 200, body: { id: o.applicationId, name: world.bot.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, bot: botPayload(), flags: 0, verify_key: '0'.repeat(64), team: null, owner: botPayload() } }),
    },
    { method: 'GET', pattern: new RegExp(`^/applications/${ID}/commands$`), auth: true, handle: (r) => getCommands('global', r.query) },
    { method: 'PUT', pattern: new RegExp(`^/applications/${ID}/commands$`), auth: true, handle: (r) => putCommands('global', r.body) },
    { method: 'POST', pattern: new RegExp(`^/applications/${ID}/commands$`), auth: true, handle: (r) => postCommand('global', r.body) },
    { method: 'GET', pattern: new RegExp(`^/applications/${ID}/guilds/${ID}/commands$`), auth: true, handle: (r) => getCommands(r.params[1] ?? '', r.query) },
    { method: 'PUT', pattern: new RegExp(`^/applications/${ID}/guilds/${ID}/commands$`), auth: true, handle: (r) => putCommands(r.params[1] ?? '', r.body) },
    { method: 'POST', pattern: new RegExp(`^/applications/${ID}/guilds/${ID}/commands$`), auth: true, handle: (r) => postCommand(r.params[1] ?? '', r.body) },
    {
      method: 'POST',
      pattern: new RegExp(`^/interactions/${ID}/${TOKEN}/callback$`),
      auth: false,
      handle: (r) => {
        const cb = decode(InteractionCallback, r.body);
        if (!cb) return { status: 400, body: { code: 50035, message: 'Invalid Form Body' } };
        return o.interactions.callback(r.params[0] ?? '', r.params[1] ?? '', cb.type, cb.data, r.query.get('with_response') === 'true');
      },
    },
    { method: 'POST', pattern: new RegExp(`^/webhooks/${ID}/${TOKEN}$`), auth: false, handle: (r) => o.interactions.webhook('POST', r.params[1] ?? '', undefined, decode(MessageBody, r.body)) },
    ...['GET', 'PATCH', 'DELETE'].map((method) => ({
      method,
      pattern: new RegExp(`^/webhooks/${ID}/${TOKEN}/messages/(@original|\\d+)$`),
      auth: false,
      handle: (r: Request) => o.interactions.webhook(method, r.params[1] ?? '', r.params[2], decode(MessageBody, r.body)),
    })),
    { method: 'POST', pattern: new RegExp(`^/channels/${ID}/messages$`), auth: true, handle: (r) => channelMessage(r.params[0] ?? '', r.body) },
    {
      method: 'GET',
      pattern: new RegExp(`^/channels/${ID}/messages$`),
      auth: true,
      handle: (r) => ({ status: 200, body: o.messages.inChannel(r.params[0] ?? '').filter((m) => !m.deleted).reverse().flatMap((m) => msg(m.id) ?? []) }),
    },
    { method: 'GET', pattern: new RegExp(`^/channels/${ID}/messages/${ID}$`), auth: true, handle: (r) => { const m = msg(r.params[1] ?? ''); return m ? { status: 200, body: m } : unknownMessage; } },
    {
      method: 'PATCH',
      pattern: new RegExp(`^/channels/${ID}/messages/${ID}$`),
      auth: true,
      handle: (r) => (o.messages.edit(r.params[1] ?? '', decode(MessageBody, r.body)) ? { status: 200, body: msg(r.params[1] ?? '') } : unknownMessage),
    },
    { method: 'DELETE', pattern: new RegExp(`^/channels/${ID}/messages/${ID}$`), auth: true, handle: (r) => (o.messages.delete(r.params[1] ?? '') ? { status: 204 } : unknownMessage) },
    { method: 'POST', pattern: new RegExp(`^/channels/${ID}/typing$`), auth: true, handle: () => ({ status: 204 }) },
    {
      method: 'GET',
      pattern: new RegExp(`^/channels/${ID}$`),
      auth: true,
      handle: (r) => {
        const id = r.params[0] ?? '';
        const g = world.channelGuild(id);
        const c = g && [...g.textChannels, ...g.voiceChannels].find((x) => x.id === id);
        return g && c ? { status: 200, body: world.channelPayload(g, c, g.voiceChannels.includes(c) ? 2 : 0, 0) } : unknownChannel;
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/guilds/${ID}$`),
      auth: true,
      handle: (r) => {
        if (!world.guilds.has(r.params[0] ?? '')) return unknownGuild;
        const { members: _m, voice_states: _v, channels: _c, threads: _t, presences: _p, ...guild } = world.guildCreatePayload(r.params[0] ?? '');
        return { status: 200, body: guild };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/guilds/${ID}/channels$`),
      auth: true,
      handle: (r) => (world.guilds.has(r.params[0] ?? '') ? { status: 200, body: world.guildCreatePayload(r.params[0] ?? '').channels } : unknownGuild),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/guilds/${ID}/members/${ID}$`),
      auth: true,
      handle: (r) => {
        const user = world.findUser(r.params[0] ?? '', r.params[1] ?? '');
        return user ? { status: 200, body: world.memberPayload(r.params[0] ?? '', user) } : { status: 404, body: { code: 10007, message: 'Unknown Member' } };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/guilds/${ID}/voice-states/(@me|\\d+)$`),
      auth: true,
      handle: (r) => {
        const guildId = r.params[0] ?? '';
        const userId = r.params[1] === '@me' ? world.bot.id : (r.params[1] ?? '');
        return world.voiceStates(guildId).has(userId) ? { status: 200, body: world.voiceStatePayload(guildId, userId) } : { status: 404, body: { code: 10065, message: 'Unknown Voice State' } };
      },
    },
  ];

  const log = o.log.child({ component: 'sandbox-rest' });

  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const path = safeDecode(url.pathname).replace(/^\/api(\/v\d+)?/, '');
      const method = req.method ?? 'GET';
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text.length > 0 ? parseBody(text, req.headers['content-type'] ?? '') : undefined;
      let reply: RestReply | undefined;
      for (const route of routes) {
        if (route.method !== method) continue;
        const match = route.pattern.exec(path);
        if (!match) continue;
        if (route.auth && req.headers.authorization !== `Bot ${o.token}`) {
          reply = { status: 401, body: { code: 0, message: '401: Unauthorized' } };
        } else {
          try {
            reply = route.handle({ method, params: match.slice(1), query: url.searchParams, body });
          } catch (err) {
            log.error({ err, method, path }, 'sandbox route failed');
            reply = { status: 500, body: { code: 0, message: '500: Internal Server Error' } };
          }
        }
        break;
      }
      if (!reply) {
        log.error({ method, path }, 'UNKNOWN ROUTE: the sandbox does not implement this Discord endpoint');
        o.events.emit('unknown-route', { method, path });
        reply = { status: 404, body: { code: 0, message: '404: Not Found' } };
      }
      send(res, reply);
    });
  };
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function parseBody(text: string, contentType: string): unknown {
  if (contentType.startsWith('multipart/form-data')) {
    // Only the JSON part matters to the sandbox; attachments are dropped.
    const match = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    return match?.[1] ? parseJson(match[1]) : undefined;
  }
  return parseJson(text);
}

function send(res: ServerResponse, reply: RestReply): void {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}
