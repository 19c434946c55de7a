// Files named in the TLS settings, read once per transport: extra CAs (added to Node's own roots), a client
// certificate as PEM pair or PKCS#12, and the pinned fingerprints of self-signed servers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { TriliumError } from '../errors';
import type { NetworkOptions } from './transport';

export interface TlsMaterial {
  /** Node's roots plus the extra CAs, or undefined when no CA file is configured (Node's defaults apply). */
  ca?: string[];
  extraCaCount: number;
  cert?: Buffer;
  key?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  /** One context for all connections of a transport, when anything above is set. */
  secureContext?: tls.SecureContext;
}

export function loadTlsMaterial(options: NetworkOptions): TlsMaterial {
  const material: TlsMaterial = { extraCaCount: 0 };
  if (options.caFile) {
    const extra = readCaCertificates(options.caFile);
    material.ca = [...tls.rootCertificates, ...extra];
    material.extraCaCount = extra.length;
  }
  if (options.pfxFile) {
    material.pfx = readSettingFile(options.pfxFile, 'trilium.sync.pfxFile', 'TLS_CLIENT_CERTIFICATE');
    material.passphrase = options.passphrase;
  } else if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) {
      throw new TriliumError('TLS_CLIENT_CERTIFICATE',
        `A client certificate needs both a certificate and its key; only the ${options.certFile ? 'certificate' : 'key'} is set.`,
        `Set both trilium.sync.certFile and trilium.sync.keyFile (PEM), or use trilium.sync.pfxFile (PKCS#12).`);
    }
    material.cert = readSettingFile(options.certFile, 'trilium.sync.certFile', 'TLS_CLIENT_CERTIFICATE');
    material.key = readSettingFile(options.keyFile, 'trilium.sync.keyFile', 'TLS_CLIENT_CERTIFICATE');
    material.passphrase = options.passphrase;
  }
  if (material.pfx || material.cert) checkClientCertificate(material);
  if (material.ca || material.pfx || material.cert) {
    material.secureContext = tls.createSecureContext({ ca: material.ca, cert: material.cert, key: material.key, pfx: material.pfx, passphrase: material.passphrase });
  }
  return material;
}

/** Every certificate in a PEM file, or in every PEM file of a folder. */
export function readCaCertificates(fileOrFolder: string): string[] {
  let files: string[];
  try {
    files = fs.statSync(fileOrFolder).isDirectory()
      ? fs.readdirSync(fileOrFolder).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort().map((f) => path.join(fileOrFolder, f))
      : [fileOrFolder];
  } catch (e) {
    throw unreadable(fileOrFolder, 'trilium.sync.caFile', 'TLS_CERTIFICATE', e);
  }
  const certs: string[] = [];
  for (const file of files) {
    const text = readSettingFile(file, 'trilium.sync.caFile', 'TLS_CERTIFICATE').toString('utf8');
    certs.push(...(text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []));
  }
  if (certs.length === 0) {
    throw new TriliumError('TLS_CERTIFICATE', `No PEM certificate found in ${fileOrFolder}.`,
      'Point trilium.sync.caFile at a PEM file (-----BEGIN CERTIFICATE-----) or a folder of them.');
  }
  return certs;
}

function readSettingFile(file: string, setting: string, code: 'TLS_CERTIFICATE' | 'TLS_CLIENT_CERTIFICATE'): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw unreadable(file, setting, code, e);
  }
}

function unreadable(file: string, setting: string, code: 'TLS_CERTIFICATE' | 'TLS_CLIENT_CERTIFICATE', e: unknown): TriliumError {
  const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : String((e as Error).message ?? e);
  return new TriliumError(code, `Cannot read ${file} (${setting}): ${reason}.`, `Fix the path in ${setting}.`, { cause: e });
}

/** Fails early, with a message that names the file, on a wrong passphrase or a key that does not fit. */
function checkClientCertificate(m: TlsMaterial): void {
  try {
    tls.createSecureContext({ pfx: m.pfx, cert: m.cert, key: m.key, passphrase: m.passphrase });
  } catch (e) {
    const text = String((e as Error).message ?? e);
    const setting = m.pfx ? 'trilium.sync.pfxFile' : 'trilium.sync.certFile / trilium.sync.keyFile';
    let why = text;
    if (/mac verify|bad decrypt|passphrase|PKCS12/i.test(text)) why = 'the passphrase is wrong or missing';
    else if (/key values mismatch/i.test(text)) why = 'the key does not belong to the certificate';
    throw new TriliumError('TLS_CLIENT_CERTIFICATE', `The client certificate (${setting}) cannot be used: ${why}.`,
      m.pfx ? 'Enter the PKCS#12 passphrase again (it is kept in VS Code\'s secret storage), or fix trilium.sync.pfxFile.'
        : `Check trilium.sync.certFile and trilium.sync.keyFile.`, { cause: e });
  }
}

/** "AB:CD:…" upper case, from hex with or without colons (any case) or a "sha256/" prefix. */
export function normalizeFingerprint(value: string): string {
  const hex = value.trim().replace(/^sha-?256[/:=]?/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new TriliumError('TLS_CERTIFICATE', `"${value}" is not a SHA-256 certificate fingerprint (64 hex digits).`,
      'Copy the fingerprint exactly as shown (e.g. from "openssl x509 -noout -fingerprint -sha256"), or accept the certificate again.');
  }
  return hex.match(/../g)!.join(':');
}

/** The pinned fingerprint for host:port: trustedCertificates["host:port"], then ["host"], then the single pin. */
export function pinFor(options: NetworkOptions, host: string, port: string): string | undefined {
  const trusted = options.trustedCertificates ?? {};
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const key of Object.keys(trusted)) {
    const k = key.trim().toLowerCase().replace(/^https:\/\//, '');
    if (k === `${bare}:${port}` || k === `[${bare}]:${port}` || k === bare) return normalizeFingerprint(trusted[key]);
  }
  return options.pinnedSha256 ? normalizeFingerprint(options.pinnedSha256) : undefined;
}
