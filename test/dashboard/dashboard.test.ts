/**
 * The dashboard's server side end to end: a hiqty child process against the sandbox (whose OAuth2 is
 * the Discord we log in to), a real Redis, and requests made as a browser makes them (a cookie jar,
 * redirects followed by hand). The pages' JavaScript is tested apart, in real Chromium.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { dashboardLoginKey, guildKeys, secretHash } from '../../src/state';
import { freePort } from '../../src/state/server';
import { dumpGuild } from '../api/support';
import { managerRoleId } from '../../src/sandbox/world';
import { responderGuild } from '../responder/support';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { Browser, dashboardOn, field, type Answer } from './browser';

interface StoredTrack {
  readonly id: string;
  readonly url: string;
  readonly requester?: { readonly id: string; readonly name: string };
}
const isStoredTrack = (u: unknown): u is StoredTrack => typeof u === 'object' && u !== null && 'id' in u && typeof u.id === 'string' && 'url' in u && typeof u.url === 'string';

const BUILT = existsSync(path.resolve(__dirname, '../../dist/dashboard/index.html'));

describe('web dashboard over HTTP (sandbox OAuth2, real Redis, a hiqty child process)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(7);
  // A guild the bot is in but none of g's members are.
  const other = responderGuild(8);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  let stage: Stage;
  let origin: string;
  let long: string;

  const expect = (answer: Answer, status: number, error?: string): Answer => {
    assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
    if (error !== undefined) {
      assert.equal(field(answer.body, 'error'), error, answer.text);
      assert.equal(typeof field(answer.body, 'detail'), 'string');
    }
    return answer;
  };
  const playlist = async (): Promise<StoredTrack[]> =>
    (await stage.db.lrange(keys.playlist, 0, -1)).map((raw) => {
      const parsed: unknown = JSON.parse(raw);
      if (!isStoredTrack(parsed)) throw new Error(`not a track: ${raw}`);
      return parsed;
    });
  const sessionKeys = (): Promise<string[]> => stage.db.keys('hiqty:dashboard:session:*');
  /** The guild as a member sees it once the bot's gateway cache agrees with `ready`. */
  const guildView = (browser: Browser, ready: (view: unknown) => boolean, what: string): Promise<unknown> =>
    waitFor(what, async () => {
      const answer = await browser.get(`/dashboard/api/guilds/${guild}`);
      return answer.status === 200 && ready(answer.body) ? answer.body : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec, other.spec] } });
    const dashboard = dashboardOn(stage.sandbox.oauth, await freePort());
    origin = dashboard.origin;
    await stage.startBot({ ...dashboard.env, HIQTY_RATE_LIMIT: '1000/10s' });
    long = await stage.tone(330, 60_000);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  beforeEach(async () => {
    await stage.db.del(keys.playlist, keys.state, keys.settings, keys.quarantine, keys.channel);
    const limits = await stage.db.keys('hiqty:dashboard_ratelimit:*');
    if (limits.length > 0) await stage.db.del(...limits);
    for (const user of [g.bob, g.dave]) stage.sandbox.leaveVoice(guild, user);
    stage.sandbox.joinVoice(guild, g.alice, g.music);
  });

  it('logs in through the sandbox\'s OAuth2 with PKCE: a Secure, HttpOnly, SameSite=Lax session cookie on /dashboard, rotated on every login', async () => {
    const browser = new Browser(origin);
    // No session: pages go to login, the API answers 401 with where to log in.
    const home = expect(await browser.get('/dashboard/'), 302);
    assert.equal(home.headers.get('location'), '/dashboard/login');
    expect(await browser.get('/dashboard'), 302);
    const anonymous = expect(await browser.get('/dashboard/api/me'), 401, 'session-expired');
    assert.equal(field(anonymous.body, 'login'), '/dashboard/login');

    const authorize = await browser.startLogin();
    assert.equal(authorize.pathname, '/oauth2/authorize');
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('client_id'), stage.sandbox.oauth.clientId);
    assert.equal(authorize.searchParams.get('scope'), 'identify guilds');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${origin}/dashboard/callback`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    const state = authorize.searchParams.get('state') ?? '';
    assert.ok(state.length >= 32);
    // The pending login is in Redis under the state's hash (never the state), with a TTL of at most 10 minutes.
    const ttl = await stage.db.pttl(dashboardLoginKey(secretHash(state)));
    assert.ok(ttl > 0 && ttl <= 600_000, `pending login TTL ${ttl}`);
    const nonce = browser.received.find((c) => c.name === 'hiqty_oauth');
    assert.ok(nonce !== undefined && nonce.attributes.includes('httponly') && nonce.attributes.includes('path=/dashboard'), JSON.stringify(nonce));

    const callback = await browser.consent(authorize, g.alice);
    assert.equal(`${callback.origin}${callback.pathname}`, `${origin}/dashboard/callback`);
    assert.equal(callback.searchParams.get('state'), state);
    const done = expect(await browser.get(callback.toString()), 302);
    assert.equal(done.headers.get('location'), '/dashboard/');
    const cookie = [...browser.received].reverse().find((c) => c.name === 'hiqty_session');
    assert.ok(cookie !== undefined, 'no session cookie');
    for (const attribute of ['httponly', 'secure', 'samesite=lax', 'path=/dashboard']) assert.ok(cookie.attributes.includes(attribute), `${attribute} missing: ${cookie.attributes.join('; ')}`);
    assert.ok(cookie.attributes.some((a) => /^max-age=\d+$/.test(a) && Number(a.slice(8)) > 0), cookie.attributes.join('; '));
    assert.equal(await stage.db.exists(dashboardLoginKey(secretHash(state))), 0, 'the pending login was consumed');
    // Redis holds the session under the id's hash only, with a TTL.
    const stored = await sessionKeys();
    assert.ok(stored.includes(`hiqty:dashboard:session:${secretHash(cookie.value)}`), stored.join(', '));
    assert.ok(stored.every((k) => !k.includes(cookie.value)));

    const me = expect(await browser.get('/dashboard/api/me'), 200);
    assert.equal(field(me.body, 'user', 'id'), g.alice);
    assert.equal(field(me.body, 'user', 'name'), 'alice');
    assert.ok(typeof field(me.body, 'csrfToken') === 'string');
    const page = await browser.get('/dashboard/');
    if (BUILT) assert.match(expect(page, 200).text, /<div id="app">/);
    else assert.match(expect(page, 503).text, /not been built/);

    // Logging in again gives a new id and ends the old session.
    const first = cookie.value;
    expect(await browser.login(g.alice), 302);
    const second = browser.jar.get('hiqty_session');
    assert.ok(second !== undefined && second !== first, 'the session id did not rotate');
    assert.equal(await stage.db.exists(`hiqty:dashboard:session:${secretHash(first)}`), 0, 'the old session is gone');
    const stale = new Browser(origin);
    stale.jar.set('hiqty_session', first);
    expect(await stale.get('/dashboard/api/me'), 401, 'session-expired');
    expect(await browser.get('/dashboard/api/me'), 200);
  });

  it('lists only the guilds the user shares with the bot; any other guild is 404, not 403', async () => {
    const browser = new Browser(origin);
    await browser.loginForCsrf(g.alice);
    await stage.play([long], g.spec);
    const list = expect(await browser.get('/dashboard/api/guilds'), 200);
    const guilds = field(list.body, 'guilds');
    assert.ok(Array.isArray(guilds), list.text);
    assert.deepEqual(guilds.map((c) => field(c, 'id')), [guild], list.text);
    assert.equal(field(guilds[0], 'name'), g.spec.name);
    assert.equal(field(guilds[0], 'state'), 'playing');
    assert.equal(field(guilds[0], 'queueLength'), 1);
    assert.equal(typeof field(guilds[0], 'nowPlaying', 'title'), 'string');

    for (const id of [other.spec.id, '123456789012345678', 'not-an-id']) {
      expect(await browser.get(`/dashboard/api/guilds/${id}`), 404, 'unknown-guild');
      expect(await browser.get(`/dashboard/api/guilds/${id}/history`), 404, 'unknown-guild');
      expect(await browser.get(`/dashboard/api/guilds/${id}/events`), 404, 'unknown-guild');
    }
    const csrf = await browser.loginForCsrf(g.alice);
    const before = await dumpGuild(stage.db, other.spec.id);
    expect(await browser.write('POST', `/dashboard/api/guilds/${other.spec.id}/tracks`, csrf, { query: long }), 404, 'unknown-guild');
    assert.equal(await dumpGuild(stage.db, other.spec.id), before);

    const view = expect(await browser.get(`/dashboard/api/guilds/${guild}`), 200).body;
    assert.deepEqual(field(view, 'guild'), { id: guild, name: g.spec.name, iconUrl: null });
    assert.equal(field(view, 'view', 'guild'), guild);
    // The sandbox gives members who manage the guild a `Managers` role (src/sandbox/world.ts).
    const roles = field(view, 'roles');
    assert.ok(Array.isArray(roles));
    const asText = (r: unknown): string => JSON.stringify(r);
    assert.deepEqual(new Set(roles.map(asText)), new Set([{ id: g.djRole, name: 'DJ' }, { id: managerRoleId(guild), name: 'Managers' }].map(asText)));
    assert.deepEqual(field(view, 'voiceChannels'), [{ id: g.music, name: 'Music' }, { id: g.lounge, name: 'Lounge' }]);
    assert.deepEqual(field(view, 'textChannels'), [{ id: g.text, name: 'music-chat' }]);
    assert.deepEqual(field(view, 'me'), { voiceChannel: g.music });
    assert.equal(field(view, 'can', 'pause', 'allowed'), true);
  });

  it('a member without the DJ role cannot skip or clear when a DJ role is set (403 with the reason, nothing changes in Redis); the DJ can', async () => {
    await stage.db.hset(keys.settings, 'dj_role', g.djRole);
    await stage.play([long, `${long}?second`], g.spec);
    await waitFor('the bot in Music', () => stage.sandbox.botVoice(guild)?.channelId === g.music, { timeoutMs: 15_000, intervalMs: 50 });
    // bob listens too, so alice's skip could only be a vote.
    stage.sandbox.joinVoice(guild, g.bob, g.music);
    const alice = new Browser(origin);
    const csrf = await alice.loginForCsrf(g.alice);
    const view = await guildView(alice, (v) => field(v, 'can', 'skip', 'allowed') === false, 'alice\'s skip refused in the view');
    assert.match(String(field(view, 'can', 'skip', 'reason')), /vote with \/skip in Discord/);
    assert.match(String(field(view, 'can', 'clear', 'reason')), /@DJ/);

    const before = await dumpGuild(stage.db, guild);
    const skip = expect(await alice.write('POST', `/dashboard/api/guilds/${guild}/skip`, csrf), 403, 'forbidden');
    assert.match(String(field(skip.body, 'detail')), /vote with \/skip in Discord/);
    const clear = expect(await alice.write('POST', `/dashboard/api/guilds/${guild}/clear`, csrf), 403, 'forbidden');
    assert.match(String(field(clear.body, 'detail')), /DJ role @DJ/);
    expect(await alice.write('POST', `/dashboard/api/guilds/${guild}/volume`, csrf, { percent: 50 }), 403, 'forbidden');
    assert.equal(await dumpGuild(stage.db, guild), before, 'a refused action changed Redis');

    // In another channel, even pausing names both channels.
    stage.sandbox.joinVoice(guild, g.alice, g.lounge);
    await guildView(alice, (v) => field(v, 'me', 'voiceChannel') === g.lounge, 'alice in Lounge');
    const pause = expect(await alice.write('POST', `/dashboard/api/guilds/${guild}/pause`, csrf), 403, 'forbidden');
    assert.match(String(field(pause.body, 'detail')), /#Lounge.*#Music/);
    assert.equal(await dumpGuild(stage.db, guild), before);

    stage.sandbox.joinVoice(guild, g.dave, g.music);
    const dave = new Browser(origin);
    const daveCsrf = await dave.loginForCsrf(g.dave);
    await guildView(dave, (v) => field(v, 'can', 'skip', 'allowed') === true, 'dave\'s skip allowed');
    const [head] = await playlist();
    const skipped = expect(await dave.write('POST', `/dashboard/api/guilds/${guild}/skip`, daveCsrf), 200);
    assert.equal(field(skipped.body, 'kind'), 'skipped');
    assert.equal(field(skipped.body, 'track', 'id'), head?.id);
    assert.deepEqual((await playlist()).map((t) => t.url), [`${long}?second`]);
  });

  it('refuses a write with a forged or missing CSRF token, or from another origin or none, and changes nothing', async () => {
    const browser = new Browser(origin);
    const csrf = await browser.loginForCsrf(g.alice);
    await stage.play([long, `${long}?b`, `${long}?c`], g.spec);
    const url = `/dashboard/api/guilds/${guild}/shuffle`;
    const before = await dumpGuild(stage.db, guild);
    expect(await browser.write('POST', url, undefined), 403, 'csrf');
    expect(await browser.write('POST', url, `${csrf.slice(0, -2)}xx`), 403, 'csrf');
    expect(await browser.write('POST', url, 'forged'), 403, 'csrf');
    expect(await browser.write('POST', url, csrf, {}, { origin: 'https://evil.example' }), 403, 'cross-origin');
    expect(await browser.write('POST', url, csrf, {}, { origin: origin.replace('127.0.0.1', 'localhost') }), 403, 'cross-origin');
    expect(await browser.request('POST', url, { body: {}, headers: { 'x-csrf-token': csrf } }), 403, 'cross-origin');
    // Another session's token is not this session's.
    const other = new Browser(origin);
    const otherCsrf = await other.loginForCsrf(g.bob);
    expect(await browser.write('POST', url, otherCsrf), 403, 'csrf');
    expect(await browser.write('POST', '/dashboard/logout', undefined), 403, 'csrf');
    assert.equal(await dumpGuild(stage.db, guild), before);
    // The same request, right: it goes through.
    expect(await browser.write('POST', url, csrf), 200);
  });

  it('refuses a replayed OAuth2 state, a callback in another browser, and a cancelled consent, each with a page to try again', async () => {
    const browser = new Browser(origin);
    const callback = await browser.consent(await browser.startLogin(), g.alice);
    expect(await browser.get(callback.toString()), 302);
    const sessions = (await sessionKeys()).length;
    const replay = expect(await browser.get(callback.toString()), 400);
    assert.match(replay.headers.get('content-type') ?? '', /text\/html/);
    assert.match(replay.text, /already used or has expired/);
    assert.match(replay.text, /<a id="retry" href="\/dashboard\/login">Try again<\/a>/);
    assert.equal((await sessionKeys()).length, sessions, 'the replay made a session');

    // A state started in one browser and finished in another (without its hiqty_oauth cookie).
    const victim = new Browser(origin);
    const stolen = await victim.consent(await victim.startLogin(), g.alice);
    const attacker = new Browser(origin);
    const cross = expect(await attacker.get(stolen.toString()), 400);
    assert.match(cross.text, /another browser/);
    assert.equal(attacker.jar.get('hiqty_session'), undefined);

    const cancelled = await browser.consent(await browser.startLogin(), g.alice, 'deny');
    assert.equal(cancelled.searchParams.get('error'), 'access_denied');
    assert.match(expect(await browser.get(cancelled.toString()), 400).text, /cancelled/);
    expect(await new Browser(origin).get('/dashboard/callback?code=x'), 400);
  });

  it('sends a strict CSP with no \'unsafe-inline\', no framing and no referrer on every dashboard answer', async () => {
    const browser = new Browser(origin);
    await browser.loginForCsrf(g.alice);
    for (const answer of [await browser.get('/dashboard/api/me'), await browser.get('/dashboard/'), await new Browser(origin).get('/dashboard/login'), await browser.get('/dashboard/api/guilds/1')]) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"]) {
        assert.ok(csp.includes(directive), `${directive} missing from ${csp}`);
      }
      // The sandbox's CDN is a plain-http service origin (HIQTY_SERVICE_ORIGINS): its images are allowed too.
      assert.match(csp, /img-src 'self' data: https: http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('refuses an expired, deleted or unreadable session: the API with 401, pages with a redirect to login', async () => {
    const browser = new Browser(origin);
    await browser.loginForCsrf(g.alice);
    const id = browser.jar.get('hiqty_session') ?? '';
    const key = `hiqty:dashboard:session:${secretHash(id)}`;
    const ttl = await stage.db.pttl(key);
    assert.ok(ttl > 3_600_000 && ttl <= 24 * 3_600_000, `session TTL ${ttl}`);
    await stage.db.pexpire(key, 1);
    await waitFor('the session to expire', async () => (await stage.db.exists(key)) === 0);
    expect(await browser.get('/dashboard/api/me'), 401, 'session-expired');
    const page = expect(await browser.get(`/dashboard/guilds/${guild}`), 302);
    assert.equal(page.headers.get('location'), '/dashboard/login');

    await browser.loginForCsrf(g.alice);
    await stage.db.del(`hiqty:dashboard:session:${secretHash(browser.jar.get('hiqty_session') ?? '')}`);
    expect(await browser.get('/dashboard/api/guilds'), 401, 'session-expired');
    assert.equal(expect(await browser.get('/dashboard/'), 302).headers.get('location'), '/dashboard/login');

    // A session value that does not decode is refused like an expired one, and removed.
    await browser.loginForCsrf(g.alice);
    const corrupt = `hiqty:dashboard:session:${secretHash(browser.jar.get('hiqty_session') ?? '')}`;
    await stage.db.set(corrupt, '{"user":"nope"}', 'PX', 60_000);
    expect(await browser.get('/dashboard/api/me'), 401, 'session-expired');
    assert.equal(await stage.db.exists(corrupt), 0);
    // The bot's log line comes through its stdout, which the test may read after the answer.
    const bot = stage.bots[0];
    await waitFor('the corrupt session to be logged', () => bot?.proc.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('does not decode')) === true);
  });

  it('logout deletes the session, revokes the Discord token and clears the cookie', async () => {
    const browser = new Browser(origin);
    const csrf = await browser.loginForCsrf(g.alice);
    const id = browser.jar.get('hiqty_session') ?? '';
    const raw = await stage.db.get(`hiqty:dashboard:session:${secretHash(id)}`);
    const token = field(JSON.parse(raw ?? '{}'), 'accessToken');
    assert.ok(typeof token === 'string');
    assert.equal(stage.sandbox.oauth.revoked(token), false);
    const out = expect(await browser.write('POST', '/dashboard/logout', csrf), 204);
    assert.equal(out.text, '');
    assert.equal(await stage.db.exists(`hiqty:dashboard:session:${secretHash(id)}`), 0);
    assert.equal(stage.sandbox.oauth.revoked(token), true);
    const cleared = [...browser.received].reverse().find((c) => c.name === 'hiqty_session');
    assert.ok(cleared?.attributes.includes('max-age=0') && cleared.attributes.includes('path=/dashboard'), JSON.stringify(cleared));
    const stale = new Browser(origin);
    stale.jar.set('hiqty_session', id);
    expect(await stale.get('/dashboard/api/me'), 401, 'session-expired');
  });

  it('writes go through the ops to Redis: add a track (as the member, in their channel), move, play next, remove, seek, volume, loop', async () => {
    const browser = new Browser(origin);
    const csrf = await browser.loginForCsrf(g.alice);
    const base = `/dashboard/api/guilds/${guild}`;
    const added = expect(await browser.write('POST', `${base}/tracks`, csrf, { query: long }), 200);
    assert.equal(field(added.body, 'kind'), 'queued');
    const [first] = await playlist();
    assert.equal(first?.url, long);
    assert.deepEqual(first?.requester, { id: g.alice, name: 'alice' });
    assert.equal(await stage.db.get(keys.channel), g.music);
    assert.equal(await stage.db.get(keys.state), 'playing');
    for (const n of ['b', 'c']) expect(await browser.write('POST', `${base}/tracks`, csrf, { query: `${long}?${n}` }), 200);
    expect(await browser.write('POST', `${base}/tracks`, csrf, { query: `${long}?next`, next: true }), 200);
    assert.deepEqual((await playlist()).map((t) => t.url), [long, `${long}?next`, `${long}?b`, `${long}?c`]);

    expect(await browser.write('POST', `${base}/tracks/move`, csrf, { from: 3, to: 1 }), 200);
    assert.deepEqual((await playlist()).map((t) => t.url), [`${long}?b`, long, `${long}?next`, `${long}?c`]);
    expect(await browser.write('POST', `${base}/tracks/4/next`, csrf), 200);
    assert.deepEqual((await playlist()).map((t) => t.url), [`${long}?b`, `${long}?c`, long, `${long}?next`]);
    expect(await browser.write('DELETE', `${base}/tracks/4`, csrf), 200);
    assert.deepEqual((await playlist()).map((t) => t.url), [`${long}?b`, `${long}?c`, long]);
    expect(await browser.write('DELETE', `${base}/tracks/9`, csrf), 404, 'index-out-of-range');

    const seeked = expect(await browser.write('POST', `${base}/seek`, csrf, { positionMs: 12_000 }), 200);
    assert.equal(field(seeked.body, 'positionMs'), 12_000);
    expect(await browser.write('POST', `${base}/volume`, csrf, { percent: 60 }), 200);
    expect(await browser.write('POST', `${base}/loop`, csrf, { mode: 'queue' }), 200);
    assert.deepEqual(await stage.db.hmget(keys.settings, 'volume', 'loop'), ['60', 'queue']);

    // Bodies are decoded: a wrong one is 400 and changes nothing.
    const before = await dumpGuild(stage.db, guild);
    expect(await browser.write('POST', `${base}/tracks/move`, csrf, { from: 'x', to: 1 }), 400, 'invalid-body');
    expect(await browser.write('POST', `${base}/loop`, csrf, { mode: 'sometimes' }), 400, 'invalid-body');
    expect(await browser.write('POST', `${base}/shuffle`, csrf, { surprise: true }), 400, 'invalid-body');
    expect(await browser.write('POST', `${base}/tracks/zero/next`, csrf), 400, 'invalid-parameter');
    expect(await browser.request('POST', `${base}/loop`, { headers: { origin, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: undefined }), 400);
    assert.equal(await dumpGuild(stage.db, guild), before);
  });

  it('streams the guild as `event: guild` (the view, the permissions), again after each change', async () => {
    const browser = new Browser(origin);
    const csrf = await browser.loginForCsrf(g.alice);
    await stage.play([long], g.spec);
    const abort = new AbortController();
    const response = await fetch(`${origin}/dashboard/api/guilds/${guild}/events`, { headers: { cookie: `hiqty_session=${browser.jar.get('hiqty_session') ?? ''}` }, signal: abort.signal });
    try {
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      assert.ok((response.headers.get('content-security-policy') ?? '').includes("frame-ancestors 'none'"));
      const reader = response.body?.getReader();
      assert.ok(reader);
      const decoder = new TextDecoder();
      let buffer = '';
      const nextGuild = async (): Promise<unknown> => {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (/^event: guild$/m.test(frame) && data !== undefined) return JSON.parse(data);
            continue;
          }
          const chunk = await reader.read();
          if (chunk.done) throw new Error('the stream ended');
          buffer += decoder.decode(chunk.value, { stream: true });
        }
      };
      const first = await nextGuild();
      assert.equal(field(first, 'guild', 'id'), guild);
      assert.equal(field(first, 'view', 'length'), 1);
      assert.equal(typeof field(first, 'can', 'skip', 'allowed'), 'boolean');
      expect(await browser.write('POST', `/dashboard/api/guilds/${guild}/tracks`, csrf, { query: `${long}?more` }), 200);
      const next = await waitFor('a frame with two tracks', async () => {
        const frame = await nextGuild();
        return field(frame, 'view', 'length') === 2 ? frame : undefined;
      }, { timeoutMs: 10_000 });
      const queue = field(next, 'view', 'queue');
      assert.ok(Array.isArray(queue) && queue.length === 2);
    } finally {
      abort.abort();
    }
  });

  it('limits logins per address and requests per session (429 with retry-after), in Redis', async () => {
    const browser = new Browser(origin);
    const csrf = await browser.loginForCsrf(g.alice);
    // 20 logins then 10 a minute, /login and /callback alike: this test's own login took two of the burst.
    const starts: number[] = [];
    for (let i = 0; i < 20; i++) starts.push((await new Browser(origin).get('/dashboard/login')).status);
    assert.equal(starts.filter((s) => s === 302).length, 18, starts.join(','));
    const limited = expect(await new Browser(origin).get('/dashboard/login'), 429, 'rate-limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // 120 requests then 4 a second per session: a tight loop runs out.
    let answer: Answer | undefined;
    for (let i = 0; i < 200 && answer?.status !== 429; i++) answer = await browser.write('POST', `/dashboard/api/guilds/${guild}/loop`, csrf, { mode: 'off' });
    assert.ok(answer !== undefined);
    expect(answer, 429, 'rate-limited');
    assert.ok(Number(answer.headers.get('retry-after')) >= 1);
    assert.ok((await stage.db.keys('hiqty:dashboard_ratelimit:session:*')).length >= 1);
    // Another session from the same address still gets through (the address's bucket is larger).
    const other = new Browser(origin);
    for (const key of await stage.db.keys('hiqty:dashboard_ratelimit:ip:login:*')) await stage.db.del(key);
    await other.loginForCsrf(g.bob);
    expect(await other.get('/dashboard/api/me'), 200);
  });

  it('searches the sources and reads history, quarantine and filters for a member', async () => {
    const browser = new Browser(origin);
    await browser.loginForCsrf(g.alice);
    const found = expect(await browser.get(`/dashboard/api/search?${new URLSearchParams({ q: 'anything', limit: '3' }).toString()}`), 200);
    assert.equal(field(found.body, 'kind'), 'search');
    expect(await browser.get('/dashboard/api/search'), 400, 'invalid-parameter');
    await stage.play([long], g.spec);
    const history = expect(await browser.get(`/dashboard/api/guilds/${guild}/history?limit=5`), 200);
    assert.equal(field(history.body, 'kind'), 'history-page');
    expect(await browser.get(`/dashboard/api/guilds/${guild}/history?limit=500`), 400, 'invalid-parameter');
    const quarantine = expect(await browser.get(`/dashboard/api/guilds/${guild}/quarantine`), 200);
    assert.equal(field(quarantine.body, 'kind'), 'quarantine');
    const filters = expect(await browser.get(`/dashboard/api/guilds/${guild}/filters`), 200);
    assert.deepEqual(field(filters.body, 'filters'), {});
    expect(await browser.get(`/dashboard/api/guilds/${other.spec.id}/filters`), 404, 'unknown-guild');
  });

  it('is off without HIQTY_DASHBOARD_URL: none of its paths exist', async () => {
    const plain = await stage.startBot({ HIQTY_RATE_LIMIT: '1000/10s' });
    try {
      for (const url of ['/dashboard', '/dashboard/', '/dashboard/login', '/dashboard/api/me', '/dashboard/assets/app.js']) {
        const answer = await fetch(`http://127.0.0.1:${plain.httpPort}${url}`, { redirect: 'manual' });
        assert.equal(answer.status, 404, url);
      }
    } finally {
      plain.proc.kill('SIGKILL');
      await plain.proc.exited;
    }
  });
});
