/**
 * The sandbox's OAuth2 consent page and its error page: plain HTML, no script, one small inline
 * stylesheet allowed by its hash. Everything that comes from a request or from the world (state,
 * names, URIs) is escaped.
 */
import { createHash } from 'node:crypto';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f2f3f5; --card: #fff; --text: #2e3338; --muted: #5c5e66; --line: #e3e5e8; --brand: #5865f2; --brand-dark: #4752c4; }
@media (prefers-color-scheme: dark) { :root { --bg: #1e1f22; --card: #2b2d31; --text: #f2f3f5; --muted: #b5bac1; --line: #3f4147; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { width: min(440px, calc(100vw - 32px)); background: var(--card); border-radius: 10px; padding: 28px 28px 20px; box-shadow: 0 8px 24px rgba(0,0,0,.12); }
.badge { display: inline-block; margin: 0 0 12px; padding: 2px 8px; border-radius: 999px; background: var(--brand); color: #fff; font-size: 12px; font-weight: 600; letter-spacing: .02em; }
h1 { margin: 0 0 18px; font-size: 20px; }
label { display: block; margin-bottom: 6px; font-size: 12px; font-weight: 700; text-transform: uppercase; color: var(--muted); }
select { width: 100%; padding: 9px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text); font: inherit; }
h2 { margin: 20px 0 8px; font-size: 12px; text-transform: uppercase; color: var(--muted); }
ul { margin: 0; padding: 0; list-style: none; border-top: 1px solid var(--line); }
li { padding: 9px 0; border-bottom: 1px solid var(--line); }
li code, .note code { font-size: 12px; color: var(--muted); }
.note { margin: 16px 0 0; font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
.actions { display: flex; justify-content: flex-end; gap: 10px; margin-top: 22px; }
button { padding: 10px 18px; border: 0; border-radius: 6px; font: inherit; font-weight: 600; cursor: pointer; }
#cancel { background: transparent; color: var(--text); }
#cancel:hover { text-decoration: underline; }
#authorize { background: var(--brand); color: #fff; }
#authorize:hover { background: var(--brand-dark); }
`;

/** The page's CSP: nothing loads, only this stylesheet applies, no framing (as Discord refuses to be framed). */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; frame-ancestors 'none'`;

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="badge">Discord sandbox</p>
${body}
</main>
</body>
</html>
`;
}

/** What each scope the sandbox grants lets the application do, in Discord's words. */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  identify: 'Access your username, avatar and banner',
  guilds: "Know what servers you're in",
};

export interface ConsentPage {
  readonly appName: string;
  readonly scopes: readonly string[];
  readonly users: ReadonlyArray<{ readonly id: string; readonly username: string }>;
  readonly redirectUri: string;
  /** The authorize request's parameters, carried through the form as hidden inputs. */
  readonly hidden: Readonly<Record<string, string>>;
}

export function consentPage(c: ConsentPage): string {
  const options = c.users.map((u, i) => `<option value="${escapeHtml(u.id)}"${i === 0 ? ' selected' : ''}>${escapeHtml(u.username)}</option>`).join('\n');
  const scopes = c.scopes.map((s) => `<li>${escapeHtml(SCOPE_WORDS[s] ?? s)} <code>${escapeHtml(s)}</code></li>`).join('\n');
  const hidden = Object.entries(c.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page(
    `Authorize ${c.appName}`,
    `<h1>${escapeHtml(c.appName)} wants to access your account</h1>
<form method="post" action="/oauth2/authorize">
${hidden}
<label for="sandbox-user">Signed in as</label>
<select name="user" id="sandbox-user">
${options}
</select>
<h2>This will allow ${escapeHtml(c.appName)} to</h2>
<ul>
${scopes}
</ul>
<p class="note">Once you authorize, you will be sent to <code>${escapeHtml(c.redirectUri)}</code></p>
<div class="actions">
<button name="decision" value="deny" id="cancel">Cancel</button>
<button name="decision" value="allow" id="authorize">Authorize</button>
</div>
</form>`,
  );
}

/** A request the sandbox will not redirect anywhere: a 400 page that says why. */
export function errorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(detail)}</p>`);
}
