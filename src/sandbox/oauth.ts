/**
 * Discord's OAuth2 as the sandbox serves it (authorization code grant with S256 PKCE): the consent
 * page at the origin's /oauth2/authorize, the token and revocation endpoints, and the two user
 * routes a Bearer token opens, /users/@me and /users/@me/guilds. It follows Discord's documented
 * behaviour (docs.discord.com/developers/topics/oauth2 and /resources/user); what Discord leaves
 * open is decided the strictest reasonable way and listed in src/sandbox/README.md.
 *
 * There is no login: the consent page lets whoever opens it pick which human of the world they are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLeft, left, right, type Either } from 'fp-ts/Either';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import {
  AuthorizeQuery,
  basicCredentials,
  bearerToken,
  BodyClient,
  CodeGrant,
  ConsentForm,
  decodeForm,
  formRecord,
  GrantType,
  isS256Challenge,
  isVerifier,
  RefreshGrant,
  RevokeForm,
} from './oauth-form';
import { ACCESS_TOKEN_LIFETIME_S, OAuthGrants, randomToken, s256, sameSecret, type TokenPair } from './oauth-grants';
import { consentPage, errorPage, PAGE_HEADERS } from './oauth-page';
import type { UserSpec, World } from './world';

/** What tests and `hiqty run` use: the application's credentials and redirect URIs, and a look at tokens. */
export interface SandboxOAuth {
  /** The application's client id (= the application id, as on Discord). */
  readonly clientId: string;
  /** A new secret at every start. */
  readonly clientSecret: string;
  /** Registers a redirect URI for the application (an absolute http(s) URL without a fragment). */
  allowRedirect(uri: string): void;
  /** Whether an access token the sandbox issued has been revoked (false for one it never issued). */
  revoked(accessToken: string): boolean;
  /** Access tokens issued to a user so far, oldest first. */
  issuedTo(userId: string): string[];
}

export interface OAuthOptions {
  readonly world: World;
  readonly applicationId: string;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The scopes the sandbox can grant. Others (email, bot, ...) get the 400 page rather than a pretence. */
const SUPPORTED_SCOPES = ['identify', 'guilds'];
/** Form bodies and query strings are small; anything bigger is refused before it is parsed. */
const MAX_BODY_BYTES = 16 * 1024;
/** `permissions` of a member without its own (the sandbox's members have every permission by default). */
const ALL_PERMISSIONS = '2251799813685247';

interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

type Route = 'authorize' | 'token' | 'revoke' | 'me' | 'my-guilds';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const html = (status: number, body: string): Reply => ({ status, headers: PAGE_HEADERS, body });
/** RFC 6749 §5.1: token answers must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const oauthError = (status: number, error: string, description?: string): Reply =>
  json(status, description === undefined ? { error } : { error, error_description: description }, NO_STORE);
const unauthorized = json(401, { message: '401: Unauthorized', code: 0 });
const missingAccess = json(403, { message: 'Missing Access', code: 50001 });

export class OAuthServer {
  readonly api: SandboxOAuth;
  private readonly grants: OAuthGrants;
  private readonly clientSecret = randomToken(32);
  private readonly redirects = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly o: OAuthOptions) {
    this.grants = new OAuthGrants(o.clock);
    this.log = o.log.child({ component: 'sandbox-oauth' });
    this.api = {
      clientId: o.applicationId,
      clientSecret: this.clientSecret,
      allowRedirect: (uri) => this.allowRedirect(uri),
      revoked: (token) => this.grants.revoked(token),
      issuedTo: (userId) => this.grants.issuedTo(userId),
    };
  }

  /**
   * Takes the request when it is one of the OAuth2 routes (true), else leaves it to the REST handler
   * (false). The user routes are OAuth2's only with a Bearer token; with the bot token they stay REST's.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const route = routeOf(url.pathname, req.headers.authorization);
    if (route === undefined) return false;
    readBody(req, (text) => {
      let reply: Reply;
      if (text === undefined) reply = json(413, { message: '413: Request Entity Too Large', code: 0 });
      else {
        try {
          reply = this.dispatch(route, req, url, text);
        } catch (err) {
          this.log.error({ err, route }, 'sandbox OAuth2 route failed');
          reply = json(500, { message: '500: Internal Server Error', code: 0 });
        }
      }
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body ?? '')) }).end(reply.body);
    });
    return true;
  }

  private allowRedirect(uri: string): void {
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new Error(`redirect URI ${JSON.stringify(uri)} is not an absolute URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`redirect URI ${uri} must be http or https`);
    if (parsed.hash !== '' || uri.includes('#')) throw new Error(`redirect URI ${uri} must not have a fragment (RFC 6749 §3.1.2)`);
    this.redirects.add(uri);
  }

  private dispatch(route: Route, req: IncomingMessage, url: URL, text: string): Reply {
    const method = req.method ?? 'GET';
    switch (route) {
      case 'authorize':
        if (method === 'GET') return this.authorizePage(url.searchParams);
        if (method === 'POST') return this.consent(req, text);
        return json(405, { message: '405: Method Not Allowed', code: 0 });
      case 'token':
        return method === 'POST' ? this.token(req, text) : json(405, { message: '405: Method Not Allowed', code: 0 });
      case 'revoke':
        return method === 'POST' ? this.revoke(req, text) : json(405, { message: '405: Method Not Allowed', code: 0 });
      case 'me':
        return method === 'GET' ? this.me(req) : json(405, { message: '405: Method Not Allowed', code: 0 });
      case 'my-guilds':
        return method === 'GET' ? this.myGuilds(req, url.searchParams) : json(405, { message: '405: Method Not Allowed', code: 0 });
    }
  }

  // --- the consent page --------------------------------------------------------------------------

  /** The world's humans, each once, in the order of the guilds' member lists. */
  private humans(): UserSpec[] {
    const seen = new Map<string, UserSpec>();
    for (const g of this.o.world.guilds.values()) for (const m of g.members) if (!m.bot && !seen.has(m.id)) seen.set(m.id, m);
    return [...seen.values()];
  }

  /**
   * Checks an authorize request the way GET and POST both need it. A failure is a 400 page, never a
   * redirect: a request whose client or redirect URI is wrong must not send the browser anywhere.
   */
  private checkAuthorize(q: AuthorizeQuery): Either<Reply, { scopes: string[]; challenge: string | undefined }> {
    if (q.client_id !== this.o.applicationId) return left(html(400, errorPage('Unknown application', `No application has the client id "${q.client_id}".`)));
    if (!this.redirects.has(q.redirect_uri)) {
      return left(html(400, errorPage('Invalid OAuth2 redirect_uri', `"${q.redirect_uri}" is not a redirect URI registered for this application (sandbox.oauth.allowRedirect).`)));
    }
    if (q.response_type !== 'code') {
      return left(html(400, errorPage('Unsupported response_type', `The sandbox serves the authorization code grant only (response_type=code), not "${q.response_type}".`)));
    }
    const scopes = [...new Set(q.scope.split(' ').filter((s) => s !== ''))];
    const unsupported = scopes.filter((s) => !SUPPORTED_SCOPES.includes(s));
    if (scopes.length === 0 || unsupported.length > 0) {
      return left(html(400, errorPage('Invalid scope', `The sandbox grants only ${SUPPORTED_SCOPES.join(' and ')}; asked: "${q.scope}".`)));
    }
    const challenge = q.code_challenge === undefined || q.code_challenge === '' ? undefined : q.code_challenge;
    const method = q.code_challenge_method === '' ? undefined : q.code_challenge_method;
    if (challenge === undefined && method !== undefined) return left(html(400, errorPage('Invalid PKCE request', 'code_challenge_method was given without a code_challenge.')));
    if (challenge !== undefined && method !== 'S256') {
      return left(html(400, errorPage('Invalid PKCE request', `Discord supports the S256 code challenge method only, not "${method ?? 'plain'}".`)));
    }
    if (challenge !== undefined && !isS256Challenge(challenge)) {
      return left(html(400, errorPage('Invalid PKCE request', 'code_challenge must be the base64url SHA-256 of the verifier (43 characters).')));
    }
    return right({ scopes, challenge });
  }

  private authorizePage(params: URLSearchParams): Reply {
    const form = formRecord(params);
    if (isLeft(form)) return html(400, errorPage('Invalid OAuth2 request', form.left));
    const query = decodeForm(AuthorizeQuery, form.right);
    if (isLeft(query)) return html(400, errorPage('Invalid OAuth2 request', query.left));
    const authorized = this.checkAuthorize(query.right);
    if (isLeft(authorized)) return authorized.left;
    const checked = authorized.right;
    const users = this.humans();
    if (users.length === 0) return html(400, errorPage('No sandbox users', 'The sandbox world has no human members to sign in as.'));
    const q = query.right;
    const hidden: Record<string, string> = { client_id: q.client_id, response_type: q.response_type, redirect_uri: q.redirect_uri, scope: q.scope };
    if (q.state !== undefined) hidden.state = q.state;
    if (checked.challenge !== undefined) {
      hidden.code_challenge = checked.challenge;
      hidden.code_challenge_method = 'S256';
    }
    return html(200, consentPage({ appName: this.o.world.bot.username, scopes: checked.scopes, users, redirectUri: q.redirect_uri, hidden }));
  }

  private consent(req: IncomingMessage, text: string): Reply {
    if (!isFormBody(req)) return html(400, errorPage('Invalid OAuth2 request', 'The consent form is posted as application/x-www-form-urlencoded.'));
    const form = formRecord(new URLSearchParams(text));
    if (isLeft(form)) return html(400, errorPage('Invalid OAuth2 request', form.left));
    const decoded = decodeForm(ConsentForm, form.right);
    if (isLeft(decoded)) return html(400, errorPage('Invalid OAuth2 request', decoded.left));
    const f = decoded.right;
    const authorized = this.checkAuthorize(f);
    if (isLeft(authorized)) return authorized.left;
    const checked = authorized.right;
    const back = new URL(f.redirect_uri);
    if (f.decision === 'deny') {
      // RFC 6749 §4.1.2.1, in the words Discord's redirect uses.
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
    } else {
      const user = this.humans().find((u) => u.id === f.user);
      if (!user) return html(400, errorPage('Unknown user', `No human member of the sandbox world has the id "${f.user}".`));
      const code = this.grants.issueCode({ clientId: f.client_id, userId: user.id, scopes: checked.scopes, redirectUri: f.redirect_uri, challenge: checked.challenge });
      back.searchParams.set('code', code);
      this.log.info({ userId: user.id, scopes: checked.scopes }, 'sandbox OAuth2: authorized');
    }
    if (f.state !== undefined) back.searchParams.set('state', f.state);
    return { status: 302, headers: { location: back.toString(), 'cache-control': 'no-store' } };
  }

  // --- the token endpoints -----------------------------------------------------------------------

  /**
   * Client authentication (RFC 6749 §2.3.1): HTTP Basic, or client_id and client_secret in the body;
   * never both (a Basic header beside a body secret is refused). A Reply when it fails.
   */
  private authenticate(req: IncomingMessage, form: Record<string, string>): Reply | undefined {
    const invalidClient = oauthError(401, 'invalid_client');
    const body = decodeForm(BodyClient, form);
    if (isLeft(body)) return oauthError(400, 'invalid_request', body.left);
    const basic = basicCredentials(req.headers.authorization);
    if (basic === 'malformed') return invalidClient;
    if (basic !== undefined && body.right.client_secret !== undefined) {
      return oauthError(400, 'invalid_request', 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
    }
    if (basic !== undefined && body.right.client_id !== undefined && body.right.client_id !== basic.clientId) {
      return oauthError(400, 'invalid_request', 'client_id in the body differs from the HTTP Basic one.');
    }
    const clientId = basic?.clientId ?? body.right.client_id;
    const secret = basic?.clientSecret ?? body.right.client_secret;
    if (clientId === undefined || secret === undefined) return invalidClient;
    return clientId === this.o.applicationId && sameSecret(secret, this.clientSecret) ? undefined : invalidClient;
  }

  /** The parsed form of a token or revocation request, or the error reply. Discord accepts form bodies only. */
  private tokenForm(req: IncomingMessage, text: string): Either<Reply, Record<string, string>> {
    if (!isFormBody(req)) return left(oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.'));
    const form = formRecord(new URLSearchParams(text));
    if (isLeft(form)) return left(oauthError(400, 'invalid_request', form.left));
    const failed = this.authenticate(req, form.right);
    return failed ? left(failed) : right(form.right);
  }

  private token(req: IncomingMessage, text: string): Reply {
    const parsed = this.tokenForm(req, text);
    if (isLeft(parsed)) return parsed.left;
    const form = parsed.right;
    const grant = decodeForm(GrantType, form);
    if (isLeft(grant)) return oauthError(400, 'invalid_request', grant.left);
    switch (grant.right.grant_type) {
      case 'authorization_code':
        return this.exchangeCode(form);
      case 'refresh_token':
        return this.refresh(form);
      default:
        return oauthError(400, 'unsupported_grant_type', `The sandbox supports authorization_code and refresh_token, not "${grant.right.grant_type}".`);
    }
  }

  private exchangeCode(form: Record<string, string>): Reply {
    const decoded = decodeForm(CodeGrant, form);
    if (isLeft(decoded)) return oauthError(400, 'invalid_request', decoded.left);
    const g = decoded.right;
    const verifier = g.code_verifier === '' ? undefined : g.code_verifier;
    if (verifier !== undefined && !isVerifier(verifier)) return oauthError(400, 'invalid_request', 'code_verifier must be 43 to 128 unreserved characters (RFC 7636).');
    // Spent before anything else is checked: a failed exchange does not leave the code for a retry.
    const pending = this.grants.takeCode(g.code, this.o.applicationId);
    if (!pending) return oauthError(400, 'invalid_grant', 'Invalid "code" in request.');
    if (g.redirect_uri !== pending.redirectUri) return oauthError(400, 'invalid_grant', 'Invalid "redirect_uri" in request.');
    if (pending.challenge !== undefined && verifier === undefined) return oauthError(400, 'invalid_grant', 'Missing "code_verifier" in request.');
    // A verifier without a challenge would let a client skip PKCE unnoticed (OAuth 2.1 §4.1.3).
    if (pending.challenge === undefined && verifier !== undefined) return oauthError(400, 'invalid_grant', 'A code_verifier was sent for a code requested without a code_challenge.');
    if (pending.challenge !== undefined && verifier !== undefined && !sameSecret(s256(verifier), pending.challenge)) {
      return oauthError(400, 'invalid_grant', 'Invalid "code_verifier" in request.');
    }
    return tokenReply(this.grants.issueTokens(pending.clientId, pending.userId, pending.scopes));
  }

  private refresh(form: Record<string, string>): Reply {
    const decoded = decodeForm(RefreshGrant, form);
    if (isLeft(decoded)) return oauthError(400, 'invalid_request', decoded.left);
    const scope = decoded.right.scope;
    const scopes = scope === undefined || scope.trim() === '' ? undefined : [...new Set(scope.split(' ').filter((s) => s !== ''))];
    const pair = this.grants.refresh(decoded.right.refresh_token, this.o.applicationId, scopes);
    if (pair === 'invalid') return oauthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.');
    if (pair === 'scope') return oauthError(400, 'invalid_scope', 'A refresh may narrow the scope, not widen it.');
    return tokenReply(pair);
  }

  private revoke(req: IncomingMessage, text: string): Reply {
    const form = this.tokenForm(req, text);
    if (isLeft(form)) return form.left;
    const decoded = decodeForm(RevokeForm, form.right);
    if (isLeft(decoded)) return oauthError(400, 'invalid_request', decoded.left);
    this.grants.revoke(decoded.right.token, this.o.applicationId);
    return json(200, {});
  }

  // --- the user routes ---------------------------------------------------------------------------

  /** The token's grant when it works and has the scope; else the 401 or 403 Discord answers. */
  private bearer(req: IncomingMessage, scope: string): Either<Reply, TokenPair> {
    const token = bearerToken(req.headers.authorization);
    const pair = token === undefined ? undefined : this.grants.access(token);
    if (!pair) return left(unauthorized);
    return pair.scopes.includes(scope) ? right(pair) : left(missingAccess);
  }

  private me(req: IncomingMessage): Reply {
    const granted = this.bearer(req, 'identify');
    if (isLeft(granted)) return granted.left;
    const userId = granted.right.userId;
    const user = this.humans().find((u) => u.id === userId);
    if (!user) return unauthorized;
    return json(200, {
      id: user.id,
      username: user.username,
      global_name: user.username,
      avatar: null,
      discriminator: '0',
      public_flags: 0,
      flags: 0,
      banner: null,
      accent_color: null,
      locale: 'en-US',
      mfa_enabled: false,
      premium_type: 0,
    });
  }

  /** GET /users/@me/guilds: `before`, `after` (guild ids) and `limit` (1-200, default 200) as documented. */
  private myGuilds(req: IncomingMessage, params: URLSearchParams): Reply {
    const granted = this.bearer(req, 'guilds');
    if (isLeft(granted)) return granted.left;
    const userId = granted.right.userId;
    const limitText = params.get('limit');
    const limit = limitText === null ? 200 : Number(limitText);
    const before = params.get('before');
    const after = params.get('after');
    const snowflake = /^\d{1,20}$/;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200 || (before !== null && !snowflake.test(before)) || (after !== null && !snowflake.test(after))) {
      return json(400, { message: 'Invalid Form Body', code: 50035 });
    }
    const withCounts = params.get('with_counts') === 'true';
    const guilds = [...this.o.world.guilds.values()]
      .filter((g) => g.members.some((m) => m.id === userId))
      .filter((g) => (before === null || BigInt(g.id) < BigInt(before)) && (after === null || BigInt(g.id) > BigInt(after)))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .slice(0, limit)
      .map((g) => {
        const member = g.members.find((m) => m.id === userId);
        // The world makes a guild's first member its owner (GUILD_CREATE's owner_id).
        const owner = g.members[0]?.id === userId;
        return {
          id: g.id,
          name: g.name,
          icon: null,
          banner: null,
          owner,
          permissions: owner ? ALL_PERMISSIONS : (member?.permissions ?? ALL_PERMISSIONS),
          features: [],
          ...(withCounts ? { approximate_member_count: g.members.length + 1, approximate_presence_count: 0 } : {}),
        };
      });
    return json(200, guilds);
  }
}

function tokenReply(pair: TokenPair): Reply {
  return json(
    200,
    { access_token: pair.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_S, refresh_token: pair.refreshToken, scope: pair.scopes.join(' ') },
    NO_STORE,
  );
}

function isFormBody(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * Which OAuth2 route a request is for. The authorize page is at the origin's root (and, as on
 * Discord, under /api); the token endpoints and user routes are under /api with or without /v10.
 */
function routeOf(pathname: string, authorization: string | undefined): Route | undefined {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (path === '/oauth2/authorize') return 'authorize';
  const api = /^\/api(?:\/v\d+)?(\/.*)$/.exec(path)?.[1];
  if (api === '/oauth2/authorize') return 'authorize';
  if (api === '/oauth2/token') return 'token';
  if (api === '/oauth2/token/revoke') return 'revoke';
  if (bearerToken(authorization) === undefined) return undefined;
  if (api === '/users/@me') return 'me';
  if (api === '/users/@me/guilds') return 'my-guilds';
  return undefined;
}

/** Reads a small body; undefined when it is larger than MAX_BODY_BYTES (the rest is drained unread). */
function readBody(req: IncomingMessage, done: (text: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY_BYTES) chunks.push(c);
  });
  req.on('end', () => done(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
}
