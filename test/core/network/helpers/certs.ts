// Test certificates made at test time with the openssl command line: a CA and a server certificate it signs,
// self-signed server certificates, and a client CA with a client certificate (PEM and PKCS#12).
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
  keyFile: string;
  certFile: string;
  fingerprint256: string;
}

export interface TestPki {
  dir: string;
  ca: KeyPair;
  /** Signed by `ca`, for 127.0.0.1, 127.0.0.2 and localhost. */
  server: KeyPair;
  selfSignedA: KeyPair;
  selfSignedB: KeyPair;
  clientCa: KeyPair;
  client: KeyPair;
  clientPfxFile: string;
  clientPfxPassphrase: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): KeyPair {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  const cert = fs.readFileSync(certFile, 'utf8');
  return { key: fs.readFileSync(keyFile, 'utf8'), cert, keyFile, certFile, fingerprint256: new crypto.X509Certificate(cert).fingerprint256 };
}

const SAN = 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost';

function selfSigned(dir: string, name: string, cn: string): KeyPair {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.pem`, '-days', '3', '-subj', `/CN=${cn}/O=Trilium VS Code tests`, '-addext', SAN]);
  return pair(dir, name);
}

function makeCa(dir: string, name: string, cn: string): KeyPair {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.pem`, '-days', '3', '-subj', `/CN=${cn}/O=Trilium VS Code tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return pair(dir, name);
}

function signed(dir: string, name: string, cn: string, ca: string, ext: string): KeyPair {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.csr`, '-subj', `/CN=${cn}/O=Trilium VS Code tests`]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  return pair(dir, name);
}

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trilium-pki-'));
  const ca = makeCa(dir, 'ca', 'Trilium Test Root CA');
  const server = signed(dir, 'server', 'sync.test', 'ca', `${SAN}\nextendedKeyUsage=serverAuth`);
  const selfSignedA = selfSigned(dir, 'self-a', 'home-server-a');
  const selfSignedB = selfSigned(dir, 'self-b', 'home-server-b');
  const clientCa = makeCa(dir, 'client-ca', 'Trilium Test Client CA');
  const client = signed(dir, 'client', 'vscode-client', 'client-ca', 'extendedKeyUsage=clientAuth');
  const clientPfxPassphrase = 'p12-secret';
  openssl(dir, ['pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.pem', '-out', 'client.p12', '-passout', `pass:${clientPfxPassphrase}`]);
  return {
    dir, ca, server, selfSignedA, selfSignedB, clientCa, client,
    clientPfxFile: path.join(dir, 'client.p12'), clientPfxPassphrase,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
