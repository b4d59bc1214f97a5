/**
 * The single-page app from dist/dashboard (built from web/ by `make web`): index.html for a logged-in
 * browser, assets for anyone. When it is not built, pages and assets answer 503 saying how to build it,
 * and the instance logs that once.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { Logger } from '../../log';
import { messagePage } from './html';

/** The checkout's (or the image's) root: the nearest directory above this file with a package.json. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Where `make web` writes the page: dist/dashboard under the project root. */
export function defaultDistDir(): string {
  return path.join(projectRoot(), 'dist', 'dashboard');
}

export class AppPage {
  private warned = false;

  constructor(
    readonly distDir: string,
    private readonly log: Logger,
  ) {}

  get assetsDir(): string {
    return path.join(this.distDir, 'assets');
  }

  built(): boolean {
    return existsSync(path.join(this.distDir, 'index.html'));
  }

  async sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: string;
    try {
      html = await readFile(path.join(this.distDir, 'index.html'), 'utf8');
    } catch {
      return this.notBuilt(reply);
    }
    return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  /** One log line per process, at start or at the first request that finds the page missing. */
  warnIfNotBuilt(): void {
    if (this.warned || this.built()) return;
    this.warned = true;
    this.log.warn({ distDir: this.distDir }, 'the dashboard page is not built: run `make web` (the API under /dashboard/api works without it)');
  }

  notBuilt(reply: FastifyReply): FastifyReply {
    this.warnIfNotBuilt();
    return reply
      .code(503)
      .type('text/html; charset=utf-8')
      .send(messagePage('Dashboard not built', `The dashboard's page has not been built on this server (${path.basename(path.dirname(this.distDir))}/${path.basename(this.distDir)} is missing). Run "make web" or "make build", then reload.`));
  }
}
