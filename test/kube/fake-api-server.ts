/**
 * A stand-in for the Kubernetes API server: no real one can run on these machines or in CI (no container
 * runtime, no kind). It records each request and answers as the API server would for the two calls hiqty makes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export const POD_UID = '6f9a3c1e-2b7d-4e8f-9a0b-1c2d3e4f5a6b';

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Status for the next pod patches; 200 answers with the patched pod. */
  patchStatus = 200;
  /** Accept requests and never answer them, as a blackholed API server would. */
  hang = false;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeApiServer> {
    // The handler needs the instance, which needs the bound port: it is filled in right after listen().
    const started: { fake?: FakeApiServer } = {};
    const server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const fake = started.fake;
        if (!fake) throw new Error('request before the fake server started');
        fake.answer(req, raw, (status, body) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('the fake API server has no TCP address');
    const port = address.port;
    started.fake = new FakeApiServer(server, `http://127.0.0.1:${port}`);
    return started.fake;
  }

  /** A client configuration with a bearer token, as in a pod but over plain HTTP to this server. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'sa', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'sa' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Resolves once `count` requests in all have arrived. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, raw: string, send: (status: number, body: unknown) => void): void {
    const url = new URL(req.url ?? '/', this.url);
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    this.requests.push({ method: req.method ?? '', path: url.pathname, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
    for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) waiter.resolve();
    this.waiters = this.waiters.filter((w) => this.requests.length < w.count);

    if (this.hang) return;
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PATCH' && pod) {
      if (this.patchStatus !== 200) return send(this.patchStatus, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: this.patchStatus });
      return send(200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod[2], namespace: pod[1], uid: POD_UID }, spec: { containers: [] } });
    }
    if (req.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/events$/.test(url.pathname)) return send(201, body);
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
