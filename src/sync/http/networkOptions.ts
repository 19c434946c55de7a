// Settings (VS Code's and Trilium's) or CLI flags → the plain NetworkOptions the transport takes. Pure functions:
// the VS Code glue reads the settings and secrets, the CLI parses its flags; nothing here reads files or settings.
import * as os from 'node:os';
import * as path from 'node:path';
import { TriliumError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type NetworkOptions } from './transport';

export interface NetworkSettingsInput {
  trilium: {
    proxy?: string;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    pfxFile?: string;
    trustedCertificates?: Record<string, string>;
    timeoutSeconds?: number;
  };
  vscode?: {
    proxy?: string;
    noProxy?: string[];
    proxyStrictSSL?: boolean;
    proxyAuthorization?: string | null;
    proxySupport?: string;
  };
  env?: Record<string, string | undefined>;
  secrets?: { pfxPassphrase?: string };
}

export function buildNetworkOptions(input: NetworkSettingsInput): NetworkOptions {
  const t = input.trilium;
  const v = input.vscode ?? {};
  const env = input.env ?? {};
  const options: NetworkOptions = { env, timeoutMs: timeoutFromSeconds(t.timeoutSeconds) };
  const proxy = t.proxy?.trim();
  if (proxy) options.proxy = proxy;
  if (v.proxy?.trim()) options.vscodeProxy = v.proxy.trim();
  const noProxy = (v.noProxy ?? []).map((s) => s.trim()).filter(Boolean);
  if (noProxy.length) options.noProxy = noProxy;
  options.proxyStrictSSL = v.proxyStrictSSL !== false;
  if (v.proxyAuthorization) options.proxyAuthorization = v.proxyAuthorization;
  if (v.proxySupport) options.proxySupport = v.proxySupport;
  const home = env.HOME ?? env.USERPROFILE;
  for (const key of ['caFile', 'certFile', 'keyFile', 'pfxFile'] as const) {
    const value = t[key]?.trim();
    if (value) options[key] = expandHome(value, home);
  }
  if (options.pfxFile || options.keyFile) {
    if (input.secrets?.pfxPassphrase) options.passphrase = input.secrets.pfxPassphrase;
  }
  const trusted = Object.entries(t.trustedCertificates ?? {}).filter(([k, v2]) => k.trim() && typeof v2 === 'string' && v2.trim());
  if (trusted.length) options.trustedCertificates = Object.fromEntries(trusted);
  return options;
}

export interface NetworkCliFlags {
  proxy?: string;
  ca?: string;
  cert?: string;
  key?: string;
  pfx?: string;
  /** SHA-256 fingerprint of the server certificate to accept (self-signed servers); `--pin-sha256`. */
  pinSha256?: string;
  'pin-sha256'?: string;
  /** Seconds. */
  timeout?: string | number;
}

/**
 * CLI flags → NetworkOptions. Without --proxy the environment (HTTPS_PROXY, NO_PROXY, …) applies; `--proxy none`
 * disables it. The PKCS#12 / key passphrase comes from TRILIUM_PFX_PASSPHRASE, never from a flag.
 */
export function networkOptionsFromCliFlags(flags: NetworkCliFlags, env: Record<string, string | undefined> = {}): NetworkOptions {
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (flags.timeout !== undefined && flags.timeout !== '') {
    const seconds = Number(flags.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new TriliumError('NOT_CONFIGURED', `--timeout takes a number of seconds, not "${flags.timeout}".`, 'For example --timeout 300.');
    }
    timeoutMs = timeoutFromSeconds(seconds);
  }
  const options: NetworkOptions = { env, timeoutMs };
  if (flags.proxy?.trim()) options.proxy = flags.proxy.trim();
  const home = env.HOME ?? env.USERPROFILE;
  if (flags.ca) options.caFile = expandHome(flags.ca, home);
  if (flags.cert) options.certFile = expandHome(flags.cert, home);
  if (flags.key) options.keyFile = expandHome(flags.key, home);
  if (flags.pfx) options.pfxFile = expandHome(flags.pfx, home);
  const passphrase = env.TRILIUM_PFX_PASSPHRASE ?? env.TRILIUM_CERT_PASSPHRASE;
  if ((flags.pfx || flags.key) && passphrase) options.passphrase = passphrase;
  const pin = flags.pinSha256 ?? flags['pin-sha256'];
  if (pin) options.pinnedSha256 = pin;
  if (env.TRILIUM_PROXY_STRICT_SSL === 'false') options.proxyStrictSSL = false;
  return options;
}

export function timeoutFromSeconds(seconds: number | undefined): number {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_TIMEOUT_MS;
}

function expandHome(p: string, home: string | undefined): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) return path.join(home ?? os.homedir(), p.slice(1));
  return p;
}
