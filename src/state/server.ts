/**
 * A redis-server child process on a free loopback port: the embedded Redis of `make run` without
 * REDIS_URL, and the tests' Redis where no container runtime is reachable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as net from 'node:net';

export interface LocalRedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server. `graceful` (default) saves the append-only file; otherwise SIGKILL. */
  stop(options?: { graceful?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data directory. */
  start(): Promise<void>;
  /** Sends the running server a signal (tests freeze it with SIGSTOP); throws if it is not running. */
  signal(name: NodeJS.Signals): void;
}

export interface LocalRedisOptions {
  /** Data directory (created if missing); the append-only file lives here. */
  readonly dir: string;
  /** Port to bind; default a free one. */
  readonly port?: number;
  readonly binary?: string;
  /** Extra redis-server arguments, e.g. ['--notify-keyspace-events', 'K$l']. */
  readonly args?: readonly string[];
  /**
   * Run in its own process group, so a Ctrl-C or a group-wide SIGTERM meant for the bot does not
   * take Redis down while the bot is still draining. Default false.
   */
  readonly ownProcessGroup?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedisServer> {
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const binary = options.binary ?? 'redis-server';
  let child: ChildProcess | undefined;

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const proc = spawn(
        binary,
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', ...(options.args ?? [])],
        { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true },
      );
      child = proc;
      let output = '';
      const deadline = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start on port ${port} within 10 s:\n${output}`));
      }, 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(deadline);
          proc.stdout?.off('data', onData);
          // Keep draining output so the pipe never fills and blocks the server.
          proc.stdout?.resume();
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.on('error', (err) => {
        clearTimeout(deadline);
        reject(new Error(`cannot run ${binary}: ${err.message}`));
      });
      proc.on('exit', (code) => {
        clearTimeout(deadline);
        if (!output.includes('Ready to accept connections')) reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });

  const stop = async ({ graceful = true }: { graceful?: boolean } = {}): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    await exited;
  };

  const signal = (name: NodeJS.Signals): void => {
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} is not running`);
    child.kill(name);
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start, signal };
}
