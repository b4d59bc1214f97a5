/**
 * music.apple.com as far as hiqty's token discovery reads it: a page whose app is a module script
 * /assets/index~HASH.js (with a vendor chunk preloaded and a legacy bundle for old browsers), and an
 * app bundle that carries the developer token as a JWT string literal, after another JWT-shaped
 * literal that is not a token (no expiry), as real bundles hold several.
 */
import { randomBytes } from 'node:crypto';

/** The developer token the web player uses: ES256 with Apple's `WebPlayKid`, issued by AMPWebPlay. */
export function makeDeveloperToken(nowMs: number, lifetimeMs: number): string {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'WebPlayKid' })).toString('base64url');
  const iat = Math.floor(nowMs / 1000);
  const payload = Buffer.from(JSON.stringify({ iss: 'AMPWebPlay', iat, exp: iat + Math.floor(lifetimeMs / 1000), root_https_origin: ['apple.com'] })).toString('base64url');
  return `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
}

/** A JWT-shaped literal that is not the token: no expiry in its payload. */
const DECOY = `${Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'feature-flags' })).toString('base64url')}.c2lnbmF0dXJl`;

export function bundleNames(deploy: number): { readonly app: string; readonly vendor: string; readonly legacy: string } {
  const hash = (n: number): string => ((n * 2654435761 + deploy * 40503) >>> 0).toString(16).padStart(8, '0');
  return { app: `index~${hash(1)}.js`, vendor: `vendor~${hash(2)}.js`, legacy: `index-legacy~${hash(3)}.js` };
}

export function sitePage(deploy: number): string {
  const names = bundleNames(deploy);
  return `<!DOCTYPE html>
<html dir="ltr" lang="en-US">
<head>
<meta charset="utf-8">
<title>Apple Music - Web Player</title>
<meta name="version" content="2.${deploy}.0">
<script type="module" crossorigin src="/assets/${names.app}"></script>
<link rel="modulepreload" crossorigin href="/assets/${names.vendor}">
<link rel="stylesheet" href="/assets/index~${deploy}a1b2c3.css">
</head>
<body>
<div id="app"></div>
<script nomodule crossorigin id="vite-legacy-entry" data-src="/assets/${names.legacy}">System.import(document.getElementById('vite-legacy-entry').getAttribute('data-src'))</script>
</body>
</html>
`;
}

export function appBundle(token: string): string {
  return [
    `import{a as e,b as t}from"./vendor.js";const n="${DECOY}",o={flags:n};`,
    `const Ga="${token}";`,
    'function Ha(e){return e.headers.set("Authorization",`Bearer ${Ga}`),e}export{Ha as default};',
  ].join('\n');
}

export function fillerBundle(name: string): string {
  return `/* ${name} */export const noop=()=>{};\n`;
}
