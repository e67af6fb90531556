import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A self-signed certificate for 127.0.0.1, and the pin Chromium needs to trust it. */
export interface BenchCertificate {
  key: Buffer;
  cert: Buffer;
  /** base64 SHA-256 of the DER SubjectPublicKeyInfo: the value of --ignore-certificate-errors-spki-list. */
  spki: string;
}

/**
 * Generates a fresh self-signed certificate with `openssl` into `dir` (a temp folder the caller
 * removes). Chromium is told to accept exactly this key with the SPKI flag; the blanket
 * --ignore-certificate-errors would also turn its HTTP cache off (docs/design.md, "Toolchain notes").
 */
export async function generateCertificate(dir: string): Promise<BenchCertificate> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return { key, cert, spki: createHash('sha256').update(der).digest('base64') };
}
