/**
 * The sandbox's Discord OAuth2, driven over HTTP as a browser and a confidential client would: the
 * consent page and its form, the code exchange with S256 PKCE, refresh, revocation, and the Bearer
 * routes /users/@me and /users/@me/guilds.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { ManualClock } from '../../src/clock';
import { demoGuild, startSandbox, type GuildSpec, type Sandbox } from '../../src/sandbox';

const TokenAnswer = t.type({ access_token: t.string, token_type: t.literal('Bearer'), expires_in: t.number, refresh_token: t.string, scope: t.string });
type TokenAnswer = t.TypeOf<typeof TokenAnswer>;
const OAuthError = t.type({ error: t.string });
const ApiError = t.type({ message: t.string, code: t.number });
const User = t.type({ id: t.string, username: t.string, global_name: t.union([t.string, t.null]), avatar: t.null, discriminator: t.literal('0') });
const PartialGuild = t.type({ id: t.string, name: t.string, icon: t.null, banner: t.null, owner: t.boolean, permissions: t.string, features: t.array(t.unknown) });

function decoded<A>(codec: t.Decoder<unknown, A>, value: unknown): A {
  const result = codec.decode(value);
  if (!isRight(result)) assert.fail(`unexpected shape: ${JSON.stringify(value)}`);
  return result.right;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const jsonOf = (a: Answer): unknown => JSON.parse(a.text);

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The consent form's hidden inputs, as a browser would post them back. */
function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescapeHtml(m[1] ?? '')] = unescapeHtml(m[2] ?? '');
  return out;
}

/** An RFC 7636 verifier and its S256 challenge, computed here rather than by the sandbox's code. */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);

describe('sandbox Discord OAuth2', function () {
  this.timeout(15_000);
  const clock = new ManualClock();
  let sb: Sandbox;
  let authorizeUrl: string;
  const redirect = 'http://127.0.0.1:9/dashboard/callback';
  const otherRedirect = 'http://127.0.0.1:9/elsewhere/callback';

  // Guild 0: alice0 (owner), bob0. Guild 1: alice1 (owner), bob0 with only Connect+Speak, bob1.
  // Guild 2: alice2 (owner) and a member whose name is HTML. bob0 is in guilds 0 and 1, not 2.
  const g0 = demoGuild(0);
  const bob0 = g0.members[1];
  const g1base = demoGuild(1);
  const g2base = demoGuild(2);
  assert.ok(bob0);
  const g1: GuildSpec = { ...g1base, members: [g1base.members[0] ?? bob0, { ...bob0, permissions: '3145728' }, ...g1base.members.slice(1)] };
  const g2: GuildSpec = { ...g2base, members: [...g2base.members, { id: '1710000000000999999', username: '<b>"Mallory" & co</b>' }] };

  before(async () => {
    sb = await startSandbox({ guilds: [g0, g1, g2], clock });
    authorizeUrl = `${new URL(sb.apiBase).origin}/oauth2/authorize`;
    sb.oauth.allowRedirect(redirect);
    sb.oauth.allowRedirect(otherRedirect);
  });
  after(async () => {
    await sb.stop();
  });

  function authorizeQuery(extra: Record<string, string> = {}): string {
    return new URLSearchParams({ response_type: 'code', client_id: sb.oauth.clientId, scope: 'identify guilds', state: 'st-123', redirect_uri: redirect, ...extra }).toString();
  }

  /** Opens the consent page, picks a user and presses a button; returns the redirect's URL. */
  async function consent(query: string, { user, decision = 'allow' }: { user?: string; decision?: 'allow' | 'deny' } = {}): Promise<URL> {
    const page = await request(`${authorizeUrl}?${query}`);
    assert.equal(page.status, 200, page.text);
    const fields = { ...hiddenInputs(page.text), user: user ?? /<option value="(\d+)" selected>/.exec(page.text)?.[1] ?? '', decision };
    const posted = await request(authorizeUrl, { method: 'POST', body: form(fields) });
    assert.equal(posted.status, 302, posted.text);
    return new URL(posted.headers.get('location') ?? '');
  }

  /** The authorize step with PKCE: a code for the user, and the verifier that goes with it. */
  async function code(opts: { user?: string; scope?: string; redirectUri?: string } = {}): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const back = await consent(authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', scope: opts.scope ?? 'identify guilds', redirect_uri: opts.redirectUri ?? redirect }), { user: opts.user });
    const c = back.searchParams.get('code');
    assert.ok(c, `no code in ${back.toString()}`);
    return { code: c, verifier };
  }

  function token(fields: Record<string, string>, auth: 'basic' | 'body' | { secret: string } = 'basic'): Promise<Answer> {
    const secret = typeof auth === 'object' ? auth.secret : sb.oauth.clientSecret;
    const body = auth === 'body' ? { ...fields, client_id: sb.oauth.clientId, client_secret: secret } : fields;
    const headers: Record<string, string> = auth === 'body' ? {} : { authorization: basic(sb.oauth.clientId, secret) };
    return request(`${sb.apiBase}/v10/oauth2/token`, { method: 'POST', headers, body: form(body) });
  }

  async function exchange(c: { code: string; verifier: string }, redirectUri = redirect): Promise<TokenAnswer> {
    const res = await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirectUri, code_verifier: c.verifier });
    assert.equal(res.status, 200, res.text);
    return decoded(TokenAnswer, jsonOf(res));
  }

  const me = (accessToken: string, path = ''): Promise<Answer> => request(`${sb.apiBase}/v10/users/@me${path}`, { headers: { authorization: `Bearer ${accessToken}` } });

  function assertGrantError(res: Answer, error: string): void {
    assert.equal(res.status, 400, res.text);
    assert.equal(decoded(OAuthError, jsonOf(res)).error, error);
  }

  it('runs the whole flow with PKCE: consent page, code, token, /users/@me', async () => {
    const page = await request(`${authorizeUrl}?${authorizeQuery({ code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(page.text, /<script/i);
    assert.match(page.text, /hiqty wants to access your account/);
    assert.match(page.text, /<code>identify<\/code>/);
    assert.match(page.text, /<code>guilds<\/code>/);
    assert.match(page.text, /<button name="decision" value="allow" id="authorize">Authorize<\/button>/);
    assert.match(page.text, /<button name="decision" value="deny" id="cancel">Cancel<\/button>/);
    // Every human of the world once, the bot not at all, the first human selected.
    const options = [...page.text.matchAll(/<option value="(\d+)"( selected)?>/g)];
    const humans = [...new Set([g0, g1, g2].flatMap((g) => g.members.map((m) => m.id)))];
    assert.deepEqual(options.map((o) => o[1]), humans);
    assert.deepEqual(options.map((o) => o[2] !== undefined), humans.map((_, i) => i === 0));
    assert.match(page.text, /<select name="user" id="sandbox-user">/);

    const { verifier, challenge } = pkce();
    const back = await consent(authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }), { user: bob0.id });
    assert.equal(`${back.origin}${back.pathname}`, redirect);
    assert.equal(back.searchParams.get('state'), 'st-123');
    const c = back.searchParams.get('code');
    assert.ok(c);
    const res = await token({ grant_type: 'authorization_code', code: c, redirect_uri: redirect, code_verifier: verifier });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const pair = decoded(TokenAnswer, jsonOf(res));
    assert.equal(pair.expires_in, 604800);
    assert.equal(pair.scope, 'identify guilds');
    assert.notEqual(pair.access_token, pair.refresh_token);

    const user = await me(pair.access_token);
    assert.equal(user.status, 200, user.text);
    assert.deepEqual(
      (({ id, username, global_name, avatar, discriminator }) => ({ id, username, global_name, avatar, discriminator }))(decoded(User, jsonOf(user))),
      { id: bob0.id, username: bob0.username, global_name: bob0.username, avatar: null, discriminator: '0' },
    );
    // The bot token's /users/@me is still REST's, beside the Bearer one.
    const bot = await request(`${sb.apiBase}/v10/users/@me`, { headers: { authorization: `Bot ${sb.token}` } });
    assert.equal(decoded(User, jsonOf(bot)).id, sb.bot.id);
  });

  it('accepts the client credentials in the body as well as by HTTP Basic', async () => {
    const c = await code();
    const res = await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }, 'body');
    assert.equal(res.status, 200, res.text);
    assert.equal((await me(decoded(TokenAnswer, jsonOf(res)).access_token)).status, 200);
  });

  it('refuses a wrong PKCE verifier with invalid_grant, and the code is spent', async () => {
    const c = await code();
    assertGrantError(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: pkce().verifier }), 'invalid_grant');
    assertGrantError(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }), 'invalid_grant');
    // Leaving the verifier out of a PKCE code is no way around it.
    const d = await code();
    assertGrantError(await token({ grant_type: 'authorization_code', code: d.code, redirect_uri: redirect }), 'invalid_grant');
  });

  it('lets a code requested without PKCE be exchanged without a verifier, never with one', async () => {
    const plain = async (): Promise<string> => (await consent(authorizeQuery())).searchParams.get('code') ?? '';
    assertGrantError(await token({ grant_type: 'authorization_code', code: await plain(), redirect_uri: redirect, code_verifier: pkce().verifier }), 'invalid_grant');
    const res = await token({ grant_type: 'authorization_code', code: await plain(), redirect_uri: redirect });
    assert.equal(res.status, 200, res.text);
  });

  it('refuses a code used twice', async () => {
    const c = await code();
    await exchange(c);
    assertGrantError(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }), 'invalid_grant');
  });

  it('refuses a redirect_uri other than the authorize request\'s, even a registered one', async () => {
    const c = await code({ redirectUri: otherRedirect });
    assertGrantError(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }), 'invalid_grant');
  });

  it('answers an unregistered redirect_uri, an unknown client or response_type=token with a 400 page and no redirect', async () => {
    const cases = [
      authorizeQuery({ redirect_uri: 'https://evil.example/callback' }),
      authorizeQuery({ redirect_uri: `${redirect}/more` }),
      authorizeQuery({ client_id: '123' }),
      authorizeQuery({ response_type: 'token' }),
      authorizeQuery({ code_challenge: pkce().challenge, code_challenge_method: 'plain' }),
    ];
    for (const query of cases) {
      const page = await request(`${authorizeUrl}?${query}`);
      assert.equal(page.status, 400, query);
      assert.equal(page.headers.get('location'), null);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    }
    // Posting the form straight to the server with an unregistered redirect does not redirect either.
    const posted = await request(authorizeUrl, {
      method: 'POST',
      body: form({ ...Object.fromEntries(new URLSearchParams(authorizeQuery({ redirect_uri: 'https://evil.example/callback' }))), user: bob0.id, decision: 'allow' }),
    });
    assert.equal(posted.status, 400);
    assert.equal(posted.headers.get('location'), null);
  });

  it('answers a bad client secret with 401 invalid_client and leaves the code usable', async () => {
    const c = await code();
    const fields = { grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier };
    const wrongBasic = await token(fields, { secret: 'wrong' });
    const wrongBody = await request(`${sb.apiBase}/v10/oauth2/token`, { method: 'POST', body: form({ ...fields, client_id: sb.oauth.clientId, client_secret: `${sb.oauth.clientSecret}x` }) });
    for (const res of [wrongBasic, wrongBody]) {
      assert.equal(res.status, 401, res.text);
      assert.deepEqual(jsonOf(res), { error: 'invalid_client' });
    }
    const none = await request(`${sb.apiBase}/oauth2/token`, { method: 'POST', body: form(fields) });
    assert.equal(none.status, 401);
    await exchange(c);
  });

  it('redirects a denial with access_denied and the state, and no code', async () => {
    const back = await consent(authorizeQuery({ state: 'deny-me' }), { decision: 'deny' });
    assert.equal(`${back.origin}${back.pathname}`, redirect);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.ok(back.searchParams.get('error_description'));
    assert.equal(back.searchParams.get('state'), 'deny-me');
    assert.equal(back.searchParams.get('code'), null);
  });

  it('rotates the refresh token: a new pair, and the old refresh token stops working', async () => {
    const first = await exchange(await code());
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(res.status, 200, res.text);
    const second = decoded(TokenAnswer, jsonOf(res));
    assert.notEqual(second.access_token, first.access_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(second.scope, 'identify guilds');
    assert.equal((await me(second.access_token)).status, 200);
    assertGrantError(await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }), 'invalid_grant');
    assert.equal((await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token })).status, 200);
  });

  it('revokes: the token stops working at once, with every token of that user for the app', async () => {
    const alice = g0.members[0];
    assert.ok(alice);
    const one = await exchange(await code({ user: bob0.id }));
    const two = await exchange(await code({ user: bob0.id }));
    const someoneElse = await exchange(await code({ user: alice.id }));
    assert.equal((await me(one.access_token)).status, 200);
    const res = await request(`${sb.apiBase}/v10/oauth2/token/revoke`, { method: 'POST', headers: { authorization: basic(sb.oauth.clientId, sb.oauth.clientSecret) }, body: form({ token: one.access_token }) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(jsonOf(res), {});
    const after = await me(one.access_token);
    assert.equal(after.status, 401);
    assert.deepEqual(decoded(ApiError, jsonOf(after)), { message: '401: Unauthorized', code: 0 });
    assert.equal(sb.oauth.revoked(one.access_token), true);
    // Discord: revoking one valid token invalidates all of the application's tokens for that user.
    assert.equal((await me(two.access_token)).status, 401);
    assertGrantError(await token({ grant_type: 'refresh_token', refresh_token: one.refresh_token }), 'invalid_grant');
    assert.equal((await me(someoneElse.access_token)).status, 200);
    assert.equal(sb.oauth.revoked(someoneElse.access_token), false);
    // Revocation needs the client's credentials too.
    const anonymous = await request(`${sb.apiBase}/v10/oauth2/token/revoke`, { method: 'POST', body: form({ token: someoneElse.access_token }) });
    assert.equal(anonymous.status, 401);
    assert.equal((await me(someoneElse.access_token)).status, 200);
  });

  it('lists exactly the user\'s guilds on /users/@me/guilds, permissions as strings', async () => {
    const pair = await exchange(await code({ user: bob0.id }));
    const res = await me(pair.access_token, '/guilds');
    assert.equal(res.status, 200, res.text);
    const guilds = decoded(t.array(PartialGuild), jsonOf(res));
    assert.deepEqual(
      guilds.map((g) => ({ ...g })),
      [
        { id: g0.id, name: g0.name, icon: null, banner: null, owner: false, permissions: '2251799813685247', features: [] },
        { id: g1.id, name: g1.name, icon: null, banner: null, owner: false, permissions: '3145728', features: [] },
      ],
    );
    const alice1 = g1.members[0];
    assert.ok(alice1);
    const owner = decoded(t.array(PartialGuild), jsonOf(await me((await exchange(await code({ user: alice1.id }))).access_token, '/guilds')));
    assert.deepEqual(owner.map((g) => [g.id, g.owner]), [[g1.id, true]]);
  });

  it('answers /users/@me/guilds without the guilds scope with 403 50001', async () => {
    const pair = await exchange(await code({ scope: 'identify' }));
    assert.equal(pair.scope, 'identify');
    assert.equal((await me(pair.access_token)).status, 200);
    const res = await me(pair.access_token, '/guilds');
    assert.equal(res.status, 403);
    assert.deepEqual(decoded(ApiError, jsonOf(res)), { message: 'Missing Access', code: 50001 });
  });

  it('expires codes after 10 minutes and access tokens after 7 days, on the sandbox clock', async () => {
    const c = await code();
    await clock.advance(10 * 60_000);
    assertGrantError(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }), 'invalid_grant');
    const fresh = await code();
    await clock.advance(10 * 60_000 - 1);
    const pair = await exchange(fresh);
    await clock.advance(604_800_000 - 1);
    assert.equal((await me(pair.access_token)).status, 200);
    await clock.advance(1);
    assert.equal((await me(pair.access_token)).status, 401);
    // The refresh token outlives the access token.
    assert.equal((await token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status, 200);
  });

  it('escapes the state and the names it puts into the page', async () => {
    const state = '"><script>alert(1)</script>';
    const page = await request(`${authorizeUrl}?${authorizeQuery({ state })}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script/i);
    assert.doesNotMatch(page.text, /<b>"Mallory"/);
    assert.match(page.text, /&#60;b&#62;&#34;Mallory&#34; &#38; co&#60;\/b&#62;/);
    assert.equal(hiddenInputs(page.text).state, state);
    const unregistered = await request(`${authorizeUrl}?${authorizeQuery({ redirect_uri: 'https://x.example/"><script>alert(1)</script>' })}`);
    assert.equal(unregistered.status, 400);
    assert.doesNotMatch(unregistered.text, /<script>alert/);
  });

  it('takes form bodies only at the token endpoint, and refuses unknown grant types', async () => {
    const c = await code();
    const asJson = await request(`${sb.apiBase}/v10/oauth2/token`, {
      method: 'POST',
      headers: { authorization: basic(sb.oauth.clientId, sb.oauth.clientSecret), 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier }),
    });
    assertGrantError(asJson, 'invalid_request');
    assertGrantError(await token({ grant_type: 'password', username: 'x', password: 'y' }), 'unsupported_grant_type');
    assertGrantError(await token({ grant_type: 'authorization_code', redirect_uri: redirect }), 'invalid_request');
    const twice = await request(`${sb.apiBase}/v10/oauth2/token`, {
      method: 'POST',
      headers: { authorization: basic(sb.oauth.clientId, sb.oauth.clientSecret) },
      body: `grant_type=authorization_code&code=${c.code}&code=${c.code}&redirect_uri=${encodeURIComponent(redirect)}&code_verifier=${c.verifier}`,
    });
    assertGrantError(twice, 'invalid_request');
    const huge = await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: redirect, code_verifier: c.verifier, padding: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
    // The code survived the malformed requests.
    await exchange(c);
  });
});
