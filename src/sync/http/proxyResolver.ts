// Which proxy carries a request to a given URL: the Trilium setting (explicit, 'none' = direct), then VS Code's
// http.proxy, then the environment. http.noProxy / NO_PROXY exempt hosts from the last two.
import * as net from 'node:net';
import type { NetworkOptions } from './transport';

export interface ProxyChoice {
  /** Proxy URL including credentials, or null for a direct connection. */
  proxy: URL | null;
  /** The setting that decided: 'trilium.sync.proxy', 'http.proxy', 'HTTPS_PROXY', 'http.noProxy', 'NO_PROXY', … */
  source: string;
}

export function resolveProxy(target: URL, options: NetworkOptions): ProxyChoice {
  const explicit = options.proxy?.trim();
  if (explicit) {
    if (explicit.toLowerCase() === 'none') return { proxy: null, source: 'trilium.sync.proxy' };
    return { proxy: parseProxyUrl(explicit, 'trilium.sync.proxy'), source: 'trilium.sync.proxy' };
  }
  if (options.proxySupport === 'off') return { proxy: null, source: 'http.proxySupport' };

  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const env = options.env ?? {};
  if (options.noProxy?.length && matchesNoProxy(host, port, options.noProxy)) return { proxy: null, source: 'http.noProxy' };
  const envNoProxy = env.NO_PROXY ?? env.no_proxy;
  if (envNoProxy && matchesNoProxy(host, port, splitList(envNoProxy))) {
    return { proxy: null, source: env.NO_PROXY !== undefined ? 'NO_PROXY' : 'no_proxy' };
  }

  const vscodeProxy = options.vscodeProxy?.trim();
  if (vscodeProxy) return { proxy: parseProxyUrl(vscodeProxy, 'http.proxy'), source: 'http.proxy' };

  const order = target.protocol === 'https:'
    ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']
    : ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];
  for (const name of order) {
    const value = env[name]?.trim();
    if (value) return { proxy: parseProxyUrl(value, name), source: name };
  }
  return { proxy: null, source: 'direct' };
}

/** A proxy URL; a bare "host:port" means http://host:port. */
export function parseProxyUrl(value: string, source: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxySettingError(`The proxy "${redact(value)}" from ${source} is not a valid URL.`, source);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxySettingError(`The proxy "${redact(value)}" from ${source} uses ${url.protocol.slice(0, -1)}; only http:// and https:// proxies are supported.`, source);
  }
  return url;
}

export class ProxySettingError extends Error {
  constructor(message: string, readonly source: string) {
    super(message);
  }
}

/** The proxy URL as it may be shown or logged: no user name or password. */
export function displayProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function redact(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}

function splitList(value: string): string[] {
  return value.split(/[,\s]+/).filter(Boolean);
}

/**
 * NO_PROXY semantics as curl and VS Code use them: `*` matches everything; `example.com`, `.example.com` and
 * `*.example.com` match the host and its subdomains; `host:port` also requires the port; IPs match exactly and
 * `10.0.0.0/8` style ranges match by prefix.
 */
export function matchesNoProxy(host: string, port: string, entries: string[]): boolean {
  const hostname = host.toLowerCase().replace(/\.$/, '');
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let name = entry;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      name = bracketed[1];
      entryPort = bracketed[2];
    } else if (!entry.includes('/') && (entry.match(/:/g)?.length ?? 0) === 1) {
      [name, entryPort] = entry.split(':');
    }
    if (entryPort && entryPort !== port) continue;
    if (name.includes('/')) {
      if (inCidr(hostname, name)) return true;
      continue;
    }
    name = name.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!name) continue;
    if (net.isIP(name) || net.isIP(hostname)) {
      if (name === hostname) return true;
      continue;
    }
    if (hostname === name || hostname.endsWith(`.${name}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [range, bitsText] = cidr.split('/');
  const family = net.isIP(range);
  const bits = Number(bitsText);
  if (!family || net.isIP(host) !== family || !Number.isInteger(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(range, bits, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
