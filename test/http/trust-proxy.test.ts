/** HIQTY_TRUST_PROXY: X-Forwarded-For names the client only when the proxy sending it is trusted. */
import { strict as assert } from 'node:assert';
import { Health } from '../../src/http/health';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { silentLogger } from '../../src/log';

async function clientAddressSeen(trustProxy: readonly string[]): Promise<string> {
  const server: HttpServer = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    trustProxy,
    health: new Health(),
    log: silentLogger,
    register: (app) => {
      app.get('/ip', async (request) => ({ ip: request.ip }));
    },
  });
  try {
    const answer = await fetch(`http://127.0.0.1:${server.port}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const body: unknown = await answer.json();
    return typeof body === 'object' && body !== null && 'ip' in body && typeof body.ip === 'string' ? body.ip : '';
  } finally {
    await server.close();
  }
}

describe('http server: trusted proxies', () => {
  it('believes X-Forwarded-For from a trusted proxy, and ignores it from anyone else', async () => {
    assert.equal(await clientAddressSeen(['127.0.0.1']), '203.0.113.9');
    assert.equal(await clientAddressSeen(['10.0.0.0/8']), '127.0.0.1');
    assert.equal(await clientAddressSeen([]), '127.0.0.1');
  });
});
