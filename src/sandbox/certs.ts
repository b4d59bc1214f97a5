/**
 * The voice gateway is always `wss://` in @discordjs/voice, so the sandbox needs a TLS certificate
 * that the bot trusts: a fresh self-signed one per start, for IP 127.0.0.1 and localhost.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { generate } from 'selfsigned';

export interface SandboxCert {
  readonly certPem: string;
  readonly keyPem: string;
  /** Where the certificate was written: the value for NODE_EXTRA_CA_CERTS. */
  readonly certPath: string;
}

export async function createSandboxCert(dataDir: string): Promise<SandboxCert> {
  const now = Date.now();
  // A unique subject per start: OpenSSL finds trust anchors by subject name, so two sandboxes'
  // certificates trusted in one process must not share one.
  const pems = await generate([{ name: 'commonName', value: `hiqty-sandbox-${randomBytes(6).toString('hex')}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 7 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  mkdirSync(dataDir, { recursive: true });
  const certPath = path.join(dataDir, 'sandbox-ca.pem');
  writeFileSync(certPath, pems.cert);
  return { certPem: pems.cert, keyPem: pems.private, certPath };
}

/**
 * Makes this process trust the sandbox's certificate, for clients running in the test process
 * itself. Child processes get NODE_EXTRA_CA_CERTS instead, which Node reads only at start-up.
 */
export function trustSandboxCa(pem: string): void {
  const current = tls.getCACertificates('default');
  if (current.includes(pem)) return;
  tls.setDefaultCACertificates([...current, pem]);
}
