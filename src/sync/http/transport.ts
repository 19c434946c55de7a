// The one door to the network. src/sync speaks HTTP only through a Transport; the network layer
// (proxy resolution, TLS options, typed network errors) lives behind createTransport().
import fetch from 'node-fetch';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Per-request timeout; the transport's default (120 s) when omitted. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case header names; `set-cookie` is only in `setCookies`. */
  headers: Record<string, string>;
  setCookies: string[];
  body: Buffer;
  /** How the request went out, for Test Sync's report. */
  route?: RouteInfo;
}

export interface RouteInfo {
  proxy: string | null; // proxy URL without credentials, or null for direct
  proxySource?: string; // which setting chose it ('trilium.proxy', 'http.proxy', 'HTTPS_PROXY', …)
  tlsProtocol?: string;
  peerCertificate?: { subject: string; issuer: string; fingerprint256: string; validTo: string };
  elapsedMs: number;
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** Plain options handed in by the VS Code glue or the CLI (settings are read in one place). */
export interface NetworkOptions {
  /** Explicit proxy URL, 'none' to disable, or undefined to fall through to vscodeProxy/env. */
  proxy?: string;
  vscodeProxy?: string;
  noProxy?: string[];
  proxyStrictSSL?: boolean;
  proxyAuthorization?: string;
  env?: Record<string, string | undefined>;
  caFile?: string; // PEM file or folder
  certFile?: string;
  keyFile?: string;
  pfxFile?: string;
  passphrase?: string;
  /** SHA-256 fingerprint (hex, colons optional) of a trusted self-signed server certificate. */
  pinnedSha256?: string;
  timeoutMs?: number; // default 120000
}

export const DEFAULT_TIMEOUT_MS = 120_000;

/** Minimal direct transport; the network layer replaces this with proxy/TLS support. */
export function createTransport(options: NetworkOptions = {}): Transport {
  return {
    async request(req) {
      const started = Date.now();
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        timeout: req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (name !== 'set-cookie') headers[name] = value;
      });
      return {
        status: res.status,
        statusText: res.statusText,
        headers,
        setCookies: res.headers.raw()['set-cookie'] ?? [],
        body: await res.buffer(),
        route: { proxy: null, elapsedMs: Date.now() - started },
      };
    },
  };
}
