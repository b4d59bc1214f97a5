/**
 * A tiny browser for the dashboard's HTTP tests: fetch with redirect:'manual' and a cookie jar that keeps
 * cookies by name (the tests run on one host, and each cookie's Path is checked by its own test), and a
 * login through the sandbox's OAuth2 consent form exactly as a browser submits it.
 */
import { strict as assert } from 'node:assert';
import { field } from '../api/support';

export { field };

/** What a sandbox's OAuth2 application looks like to a bot (Sandbox.oauth). */
export interface OAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  allowRedirect(uri: string): void;
}

/**
 * A dashboard at http://127.0.0.1:<port> logging in through the sandbox's OAuth2: registers its redirect URI
 * with the sandbox and answers the environment a bot serving it needs.
 */
export function dashboardOn(oauth: OAuthApp, port: number): { readonly origin: string; readonly env: NodeJS.ProcessEnv } {
  const origin = `http://127.0.0.1:${port}`;
  oauth.allowRedirect(`${origin}/dashboard/callback`);
  return {
    origin,
    env: { HIQTY_HTTP_PORT: String(port), HIQTY_DASHBOARD_URL: origin, HIQTY_DISCORD_CLIENT_ID: oauth.clientId, HIQTY_DISCORD_CLIENT_SECRET: oauth.clientSecret },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: unknown;
}

export interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** The attributes as sent, lower-cased names: `httponly`, `secure`, `samesite=lax`, `path=/dashboard`, `max-age=86400`. */
  readonly attributes: readonly string[];
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes: attributes.map((a) => a.toLowerCase()) };
}

export class Browser {
  readonly jar = new Map<string, string>();
  /** Every Set-Cookie this browser received, in order. */
  readonly received: SetCookie[] = [];

  constructor(readonly origin: string) {}

  async request(method: string, url: string, options: { body?: unknown; headers?: Record<string, string>; form?: URLSearchParams } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const target = new URL(url, this.origin);
    // Cookies go to the dashboard's own host only (the sandbox's OAuth2 pages are another origin).
    if (target.origin === this.origin && this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    let payload: string | undefined;
    if (options.form !== undefined) {
      payload = options.form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(target, { method, headers, redirect: 'manual', ...(payload === undefined ? {} : { body: payload }) });
    if (target.origin === this.origin) {
      for (const raw of response.headers.getSetCookie()) {
        const cookie = parseSetCookie(raw);
        this.received.push(cookie);
        if (cookie.value === '' || cookie.attributes.includes('max-age=0')) this.jar.delete(cookie.name);
        else this.jar.set(cookie.name, cookie.value);
      }
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  get(url: string, headers?: Record<string, string>): Promise<Answer> {
    return this.request('GET', url, headers === undefined ? {} : { headers });
  }

  /** A write as the dashboard's page sends it: its Origin, the CSRF token, JSON. */
  write(method: string, url: string, csrf: string | undefined, body: unknown = {}, extra: Record<string, string> = {}): Promise<Answer> {
    return this.request(method, url, { body, headers: { origin: this.origin, ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }), ...extra } });
  }

  /** /dashboard/login → Discord's consent page: where it sends the browser (asserting the redirect). */
  async startLogin(): Promise<URL> {
    const start = await this.get('/dashboard/login');
    assert.equal(start.status, 302, `login did not redirect: ${start.status} ${start.text}`);
    return new URL(start.headers.get('location') ?? '');
  }

  /**
   * The consent form submitted as `user` (default: the user the page offers first): the URL Discord sends
   * the browser back to (the callback with code and state).
   */
  async consent(authorize: URL, user?: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const page = await this.get(authorize.toString());
    assert.equal(page.status, 200, `the consent page answered ${page.status}: ${page.text.slice(0, 300)}`);
    assert.match(page.text, /id="authorize"/);
    const offered = /<select[^>]*id="sandbox-user"[^>]*>[\s\S]*?<option[^>]*value="(\d+)"/.exec(page.text)?.[1];
    const form = new URLSearchParams(authorize.searchParams);
    const who = user ?? offered;
    assert.ok(who !== undefined, `the consent page offers no user: ${page.text.slice(0, 500)}`);
    form.set('user', who);
    form.set('decision', decision);
    const posted = await this.request('POST', new URL('/oauth2/authorize', authorize.origin).toString(), { form });
    assert.equal(posted.status, 302, `the consent form answered ${posted.status}: ${posted.text.slice(0, 300)}`);
    return new URL(posted.headers.get('location') ?? '');
  }

  /** Logs in as a sandbox user; answers the callback's answer (302 to /dashboard/ on success). */
  async login(user?: string): Promise<Answer> {
    const callback = await this.consent(await this.startLogin(), user);
    return this.get(callback.toString());
  }

  /** Logs in and reads /me: the CSRF token for writes. */
  async loginForCsrf(user?: string): Promise<string> {
    const done = await this.login(user);
    assert.equal(done.status, 302, `the callback answered ${done.status}: ${done.text.slice(0, 300)}`);
    assert.equal(done.headers.get('location'), '/dashboard/');
    const me = await this.get('/dashboard/api/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    const token = field(me.body, 'csrfToken');
    assert.ok(typeof token === 'string' && token.length > 20);
    return token;
  }
}
