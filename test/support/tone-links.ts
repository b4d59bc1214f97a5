/**
 * Links that pass the check before "Playing": a fixture server handing out one short Ogg/Opus tone under
 * any file name asked for, and the service layer (the real resolver) allowed to reach it. For tests of what
 * happens after a link resolves (queue limits, positions), which need many distinct, real, playable links.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import type { Clock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { startFixtureServer, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { createServiceLayer, type QueryResolver } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { serviceConfig } from './services';

export interface ToneLinks {
  /** A link to a playable file under this name (its title is the name without the extension). */
  link(name: string): Promise<string>;
  readonly resolver: QueryResolver;
  readonly server: FixtureServer;
  stop(): Promise<void>;
}

export async function startToneLinks(redis: Redis, clock: Clock): Promise<ToneLinks> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hiqty-tone-links-'));
  const tone = await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir: path.join(tmpdir(), 'hiqty-tone-cache') });
  const server = await startFixtureServer({ dir });
  const resolver = createServiceLayer(serviceConfig({ HIQTY_FETCH_ALLOW: new URL(server.origin).host }), { redis, clock, log: silentLogger, metrics: NO_SOURCE_METRICS }).resolver;
  return {
    async link(name) {
      await copyFile(tone, path.join(dir, name));
      return server.url(name);
    },
    resolver,
    server,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
