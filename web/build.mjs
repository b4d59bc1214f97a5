// Builds the dashboard (web/) into dist/dashboard: index.html, and assets/app.js and app.css bundled by
// esbuild with every dependency inside, so the page needs no CDN and no inline script (the CSP forbids both).
// Usage: node web/build.mjs   (make web)
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(web, '..', 'dist', 'dashboard');

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });
await build({
  entryPoints: { app: path.join(web, 'src', 'main.tsx') },
  outdir: path.join(out, 'assets'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The stylesheet is imported by main.tsx and comes out as assets/app.css.
  loader: { '.css': 'css' },
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(path.join(web, 'index.html'), path.join(out, 'index.html'));
