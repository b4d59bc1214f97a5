/**
 * soundcloud.com's page and the script CDN a-v2.sndcdn.com, as far as client_id discovery reads them:
 * a page with `<script crossorigin src="https://a-v2.sndcdn.com/assets/….js">` tags, and bundles of
 * which one (the second to last, as on the real site the app bundle is among the last) holds
 * `client_id:"…"` among other text.
 */

export const SCRIPT_HOST = 'https://a-v2.sndcdn.com';

/** Bundle names change with every deploy; `deploy` is bumped when the client_id rotates. */
export function scriptNames(deploy: number): string[] {
  const hash = (n: number): string => ((n * 2654435761 + deploy * 40503) >>> 0).toString(16).padStart(8, '0');
  return [0, 2, 47, 48, 49, 50].map((n) => `${n}-${hash(n)}.js`);
}

/** The index of the bundle that carries the client_id. */
export function clientIdScript(names: readonly string[]): string | undefined {
  return names[names.length - 2];
}

export function sitePage(deploy: number): string {
  const tags = scriptNames(deploy)
    .map((name) => `<script crossorigin src="${SCRIPT_HOST}/assets/${name}"></script>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en" class="no-js">
<head>
<meta charset="utf-8">
<title>Stream and listen to music online for free with SoundCloud</title>
<link rel="preconnect" href="https://api-v2.soundcloud.com" crossorigin>
<script>window.__sc_version="17${deploy}000000"</script>
</head>
<body>
<noscript>JavaScript is disabled in your browser.</noscript>
<div id="app"></div>
<script>window.__sc_hydration = [{"hydratable":"anonymousId","data":"123456-789012-345678-901234"}];</script>
${tags}
</body>
</html>
`;
}

/** A bundle's text: minified-looking JavaScript, with the client_id only in the one that carries it. */
export function scriptBody(name: string, names: readonly string[], clientId: string): string {
  const filler = `(self.webpackChunk_soundcloud_web=self.webpackChunk_soundcloud_web||[]).push([[${name.length}],{${name.length}:function(e,t,n){"use strict";n.d(t,{a:function(){return r}});var r=function(e){return e.clientId||e.client_id}}}]);`;
  if (name !== clientIdScript(names)) return `${filler}\n//# sourceMappingURL=${name}.map\n`;
  return `${filler}\n(function(){var e={env:"production",api_host:"https://api-v2.soundcloud.com"},t={client_id:"${clientId}",app_version:"1700000000",app_locale:"en"};window.__sc_config=Object.assign(e,t)})();\n`;
}
