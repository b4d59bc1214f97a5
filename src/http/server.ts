import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log';
import type { Health } from './health';

export interface HttpServer {
  readonly app: FastifyInstance;
  /** The bound port (useful when configured as 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** The instance's HTTP server: health now; metrics and the REST API register routes on `app`. */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  /** Proxies whose X-Forwarded-For is believed for `request.ip` (HIQTY_TRUST_PROXY). Default none. */
  trustProxy?: readonly string[];
  health: Health;
  log: Logger;
  register?: (app: FastifyInstance) => void | Promise<void>;
}): Promise<HttpServer> {
  // Fastify's own logger stays off (its pino major differs from ours); failures are logged here instead.
  const trusted = options.trustProxy ?? [];
  const app = Fastify({ logger: false, trustProxy: trusted.length === 0 ? false : [...trusted] });
  const log = options.log.child({ component: 'http' });
  app.addHook('onError', async (request, _reply, err) => {
    // A client's mistake (a body that does not parse, say) is answered, not an error of ours.
    if ((err.statusCode ?? 500) < 500) return;
    log.error({ err, method: request.method, url: request.routeOptions.url }, 'http request failed');
  });
  app.get('/livez', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const failing = options.health.failing();
    return failing.length === 0 ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', failing });
  });
  await options.register?.(app);
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { app, port, close: () => app.close() };
}
