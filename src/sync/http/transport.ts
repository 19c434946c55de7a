// The one door to the network. src/sync speaks HTTP only through a Transport; the network layer
// (proxy resolution, TLS options, typed network errors) lives behind createTransport().
//
// Requests are issued with `new http.ClientRequest(...)` and our own agents (see agents.ts for why: VS Code's
// extension host replaces the agent given to http.request/https.request, and with it our proxy, CAs and pin).
import * as http from 'node:http';
import type * as tls from 'node:tls';
import * as zlib from 'node:zlib';
import { TriliumError } from '../errors';
import { ProxyStageError, ServerHttpsAgent, TunnelHttpsAgent, agentForProxy, proxyAuthorizationHeader } from './agents';
import { capturedCertificate } from './certificateInfo';
import { TLS_VERIFY_CODES, toNetworkError } from './networkErrors';
import { ProxySettingError, displayProxy, resolveProxy, type ProxyChoice } from './proxyResolver';
import { loadTlsMaterial, pinFor, type TlsMaterial } from './tlsMaterial';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Per-request timeout; the transport's default (120 s) when omitted. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Takes a response body piece by piece instead of the transport joining it into `body` (huge pull pages).
   * Called once the status and headers are known; returning undefined collects the body as usual.
   */
  bodySink?: (status: number, headers: Record<string, string>) => BodySink | undefined;
}

/** Receives a response body as it arrives. A throw from either method fails the request with that error. */
export interface BodySink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case header names; `set-cookie` is only in `setCookies`. */
  headers: Record<string, string>;
  setCookies: string[];
  /** Empty when a body sink took the body. */
  body: Buffer;
  /** Length of the (decoded) body, also when a sink took it. */
  bodyBytes?: number;
  /** How the request went out, for Test Sync's report. */
  route?: RouteInfo;
}

export interface RouteInfo {
  proxy: string | null; // proxy URL without credentials, or null for direct
  proxySource?: string; // which setting chose it ('trilium.sync.proxy', 'http.proxy', 'HTTPS_PROXY', 'http.noProxy', …)
  tlsProtocol?: string;
  peerCertificate?: { subject: string; issuer: string; fingerprint256: string; validTo: string };
  /** True when the certificate was accepted by its pinned fingerprint rather than a CA. */
  pinned?: boolean;
  elapsedMs: number;
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Closes idle kept-alive connections (optional; idle sockets never keep the process alive). */
  close?(): void;
}

/** Plain options handed in by the VS Code glue or the CLI (settings are read in one place). */
export interface NetworkOptions {
  /** Explicit proxy URL, 'none' to disable, or undefined to fall through to vscodeProxy/env. */
  proxy?: string;
  vscodeProxy?: string;
  noProxy?: string[];
  proxyStrictSSL?: boolean;
  proxyAuthorization?: string;
  /** VS Code's http.proxySupport; 'off' means http.proxy and the proxy environment variables are not used. */
  proxySupport?: string;
  env?: Record<string, string | undefined>;
  caFile?: string; // PEM file or folder
  certFile?: string;
  keyFile?: string;
  pfxFile?: string;
  passphrase?: string;
  /** SHA-256 fingerprint (hex, colons optional) of a trusted self-signed server certificate. */
  pinnedSha256?: string;
  /** Per-server pins, "host:port" → SHA-256 fingerprint (trilium.sync.trustedCertificates). */
  trustedCertificates?: Record<string, string>;
  timeoutMs?: number; // default 120000
}

export const DEFAULT_TIMEOUT_MS = 120_000;

const PROXY_CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface Route {
  choice: ProxyChoice;
  agent: http.Agent;
  /** ClientRequest host/port/path: the server's, or the proxy's with an absolute URL for http:// via a proxy. */
  host: string;
  port: number;
  protocol: 'http:' | 'https:';
  path: string;
  extraHeaders: Record<string, string>;
  pin?: string;
  clientCertificate?: boolean;
}

export function createTransport(options: NetworkOptions = {}): Transport {
  let material: TlsMaterial | undefined;
  const agents = new Map<string, http.Agent>();
  const defaultTimeout = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;

  function routeFor(url: URL): Route {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TriliumError('NOT_CONFIGURED', `"${url.href}" is not an http:// or https:// URL.`, 'Use a sync server URL like https://trilium.example.com.');
    }
    let choice: ProxyChoice;
    try {
      choice = resolveProxy(url, options);
    } catch (e) {
      if (!(e instanceof ProxySettingError)) throw e;
      throw new TriliumError('PROXY_ERROR', e.message, `Fix ${e.source}: use http://host:port or http://user:password@host:port, or "none".`, { cause: e });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const proxy = choice.proxy;
    if (url.protocol === 'https:' || proxy?.protocol === 'https:') material ??= loadTlsMaterial(options);
    const proxyOptions = { proxyAuthorization: options.proxyAuthorization, proxyStrictSSL: options.proxyStrictSSL, ca: material?.ca };
    const path = `${url.pathname}${url.search}`;
    if (url.protocol === 'https:' && material) {
      const pin = pinFor(options, host, String(port));
      const tlsOptions = { secureContext: material.secureContext, pin };
      const key = `${proxy?.href ?? 'direct'}|https|${host}|${port}`;
      let agent: http.Agent | undefined = agents.get(key);
      if (!agent) {
        agent = proxy
          ? new TunnelHttpsAgent(proxy, proxyOptions, tlsOptions, defaultTimeout)
          : new ServerHttpsAgent(tlsOptions);
        agents.set(key, agent);
      }
      return { choice, agent, host, port, protocol: 'https:', path, extraHeaders: {}, pin, clientCertificate: !!(material.pfx || material.cert) };
    }
    if (!proxy) {
      let agent: http.Agent | undefined = agents.get('direct|http');
      if (!agent) agents.set('direct|http', agent = new http.Agent({ keepAlive: true }));
      return { choice, agent, host, port, protocol: 'http:', path, extraHeaders: {} };
    }
    // Plain http:// through a proxy: an absolute-form request to the proxy (CONNECT to port 80 is often forbidden).
    const key = `${proxy.href}|http`;
    let agent: http.Agent | undefined = agents.get(key);
    if (!agent) agents.set(key, agent = agentForProxy(proxy, proxyOptions, true));
    const extraHeaders: Record<string, string> = { host: url.host };
    const auth = proxyAuthorizationHeader(proxy, options.proxyAuthorization);
    if (auth) extraHeaders['proxy-authorization'] = auth;
    const target = new URL(url.href);
    target.username = '';
    target.password = '';
    return {
      choice, agent, host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
      protocol: proxy.protocol as 'http:' | 'https:', path: target.href, extraHeaders,
    };
  }

  return {
    async request(req) {
      const url = new URL(req.url);
      const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : defaultTimeout;
      const route = routeFor(url);
      const context = {
        url, route: route.choice, timeoutMs,
        proxyAuthorizationSent: !!route.choice.proxy && !!proxyAuthorizationHeader(route.choice.proxy, options.proxyAuthorization),
      };
      let res: HttpResponse;
      try {
        res = await send(req, route, timeoutMs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const proxyTls = route.choice.proxy?.protocol === 'https:' && (TLS_VERIFY_CODES.has(code) || /^ERR_(SSL|TLS)/.test(code));
        if (route.choice.proxy && url.protocol === 'http:' && (PROXY_CONNECT_FAILURES.has(code) || proxyTls)) {
          // Absolute-form through a proxy: failing to connect at all means the proxy is unreachable.
          throw toNetworkError(new ProxyStageError((e as Error).message, route.choice.proxy, undefined, undefined, e), context);
        }
        throw toNetworkError(e, { ...context, clientCertificate: route.clientCertificate });
      }
      if (res.status === 407 && route.choice.proxy && url.protocol === 'http:') {
        throw toNetworkError(new ProxyStageError('407 Proxy Authentication Required', route.choice.proxy, 407, res.headers['proxy-authenticate']), context);
      }
      return res;
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

function send(req: HttpRequest, route: Route, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    if (req.signal?.aborted) {
      reject(cancelled());
      return;
    }
    const headers: Record<string, string | number> = { 'accept-encoding': 'gzip, deflate, br', ...lowerCase(req.headers), ...route.extraHeaders };
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    if (body) headers['content-length'] = body.length;
    else if (req.method === 'POST' || req.method === 'PUT') headers['content-length'] = 0;

    const creq = new http.ClientRequest({
      protocol: route.protocol,
      host: route.host,
      port: route.port,
      method: req.method,
      path: route.path,
      headers,
      agent: route.agent,
      // Only so that Node's agent passes the deadline on to the proxy tunnel; our timer below is the real deadline.
      timeout: timeoutMs,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const timer = setTimeout(() => {
      creq.destroy(Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'TRILIUM_TIMEOUT' }));
    }, timeoutMs);
    const onAbort = () => creq.destroy(cancelled());
    req.signal?.addEventListener('abort', onAbort);
    creq.on('timeout', () => { /* idle-socket notice; the deadline above decides */ });
    creq.setNoDelay(true);

    let responded = false;
    creq.on('error', (err: Error & { code?: string; closedAfterHandshake?: boolean }) => finish(() => {
      const socket = creq.socket;
      if (!responded && err.code === 'ECONNRESET' && !creq.reusedSocket && socket && capturedCertificate(socket)) {
        err.closedAfterHandshake = true;
      }
      reject(err);
    }));
    creq.on('response', (res) => {
      responded = true;
      const info = routeInfo(route, res.socket, 0);
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (name === 'set-cookie' || value === undefined) continue;
        responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const chunks: Buffer[] = [];
      let bodyBytes = 0;
      const failed = (err: unknown) => {
        finish(() => reject(err));
        creq.destroy();
      };
      let sink: BodySink | undefined;
      try {
        sink = req.bodySink?.(res.statusCode ?? 0, responseHeaders);
      } catch (e) {
        failed(e);
        return;
      }
      const stream = decoded(res);
      stream.on('data', (c: Buffer) => {
        if (settled) return;
        bodyBytes += c.length;
        if (!sink) chunks.push(c);
        else {
          try {
            sink.write(c);
          } catch (e) {
            failed(e);
          }
        }
      });
      stream.on('error', (err) => finish(() => reject(err)));
      res.on('aborted', () => finish(() => reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))));
      stream.on('end', () => {
        try {
          sink?.end();
        } catch (e) {
          failed(e);
          return;
        }
        finish(() => resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: responseHeaders,
          setCookies: res.headers['set-cookie'] ?? [],
          body: sink ? EMPTY : Buffer.concat(chunks),
          bodyBytes,
          route: { ...info, elapsedMs: Date.now() - started },
        }));
      });
    });
    creq.end(body);
  });
}

const EMPTY = Buffer.alloc(0);

function routeInfo(route: Route, socket: unknown, elapsedMs: number): RouteInfo {
  const info: RouteInfo = {
    proxy: route.choice.proxy ? displayProxy(route.choice.proxy) : null,
    proxySource: route.choice.source,
    elapsedMs,
  };
  if (route.agent instanceof ServerHttpsAgent || route.agent instanceof TunnelHttpsAgent) {
    const tlsSocket = socket as tls.TLSSocket | undefined;
    info.tlsProtocol = tlsSocket?.getProtocol?.() ?? undefined;
    const cert = capturedCertificate(socket);
    if (cert) {
      info.peerCertificate = { subject: cert.subject, issuer: cert.issuer, fingerprint256: cert.fingerprint256, validTo: cert.validTo };
      info.pinned = !!route.pin;
    }
  }
  return info;
}

function decoded(res: http.IncomingMessage): NodeJS.ReadableStream {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
    : encoding === 'deflate' ? zlib.createInflate()
      : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  if (!decoder) return res;
  res.on('error', (e) => decoder.destroy(e));
  return res.pipe(decoder);
}

function lowerCase(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function cancelled(): TriliumError {
  return new TriliumError('CANCELLED', 'The request was cancelled.');
}
