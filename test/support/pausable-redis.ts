/**
 * A private redis-server child process whose pid the test holds, so it can be frozen (SIGSTOP: the
 * TCP connections stay open and nothing answers, like a hung primary or a network partition) or
 * killed (SIGKILL: connections refused) under a running bot. Never the shared test Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/state/redis';
import { freePort } from '../../src/state/server';
import type { TestRedis } from './redis';

export interface PausableRedis extends TestRedis {
  /** SIGSTOP: the server stops answering but keeps its sockets open. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGKILL, and wait for it to be gone. */
  kill(): Promise<void>;
}

export async function startPausableRedis(): Promise<PausableRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-pausable-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const clients = new Set<Redis>();
  let child: ChildProcess | undefined;
  let frozen = false;

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let output = '';
      const deadline = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start on port ${port} within 10 s:\n${output}`));
      }, 10_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        if (output.includes('Ready to accept connections')) return;
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(deadline);
          resolve();
        }
      });
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.on('error', (err) => {
        clearTimeout(deadline);
        reject(err);
      });
      proc.on('exit', (code, signal) => {
        clearTimeout(deadline);
        if (!output.includes('Ready to accept connections')) reject(new Error(`redis-server exited (${code ?? signal}):\n${output}`));
      });
    });

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // A frozen process does not act on SIGTERM until continued; SIGKILL works either way.
    proc.kill('SIGKILL');
    frozen = false;
    await exited;
  };

  const signal = (name: NodeJS.Signals): void => {
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} is not running`);
    child.kill(name);
  };

  await start();
  return {
    url,
    port,
    kind: 'process',
    client() {
      const c = connectRedis(url, { maxRetriesPerRequest: null });
      // The test takes the server away on purpose: refused reconnects are expected, not news.
      c.on('error', () => {});
      clients.add(c);
      return c;
    },
    freeze() {
      signal('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (!frozen) return;
      signal('SIGCONT');
      frozen = false;
    },
    kill: stop,
    stop,
    start,
    async close() {
      for (const c of clients) c.disconnect();
      clients.clear();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
