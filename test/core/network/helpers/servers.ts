// Real servers for the network tests, all on loopback and OS-chosen ports: a small JSON server (HTTP or HTTPS,
// optionally requiring a client certificate), a forward proxy (npm `proxy`, CONNECT included) that records what
// it was asked, and reverse proxies that misbehave the way real ones do.
import * as http from 'node:http';
import * as https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';

export interface Started {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: http.Server, sockets?: Set<net.Socket>): () => Promise<void> {
  return () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
    for (const s of sockets ?? []) s.destroy();
  });
}

function track(server: http.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  const add = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  server.on('connection', add);
  server.on('secureConnection', add);
  return sockets;
}

export interface JsonServerOptions {
  host?: string;
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
}

export interface JsonServer extends Started {
  /** Client certificate subjects (CN) seen on requests. */
  clientCertificates: string[];
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; bodyBytes: number }[];
}

/**
 * Routes: /api/echo (JSON of the request), /api/login (sets trilium.sid), /api/session (401 "Logged in session
 * not found" without the cookie), /api/gzip (gzip-encoded JSON), /slow (never answers), /reset (drops the
 * connection), anything else 404 JSON.
 */
export async function startJsonServer(opts: JsonServerOptions = {}): Promise<JsonServer> {
  const host = opts.host ?? '127.0.0.1';
  const clientCertificates: string[] = [];
  const requests: JsonServer['requests'] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: body.length });
      const peer = (req.socket as tls.TLSSocket).getPeerCertificate?.();
      if (peer && peer.subject) clientCertificates.push(String(peer.subject.CN));
      const url = req.url ?? '/';
      const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(value));
      };
      if (url.startsWith('/api/echo')) return json(200, { ok: true, method: req.method, url, bytes: body.length, cookie: req.headers.cookie ?? null });
      if (url.startsWith('/api/login')) return json(200, { instanceId: 'srv' }, { 'set-cookie': ['trilium.sid=s%3Aabc123; Path=/; HttpOnly'] });
      if (url.startsWith('/api/session')) {
        if (/trilium\.sid=s%3Aabc123/.test(req.headers.cookie ?? '')) return json(200, { ok: true });
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('Logged in session not found');
      }
      if (url.startsWith('/api/gzip')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(JSON.stringify({ compressed: true, filler: 'x'.repeat(5000) })));
      }
      if (url.startsWith('/slow')) return; // never answers
      if (url.startsWith('/reset')) return req.socket.destroy();
      json(404, { message: `no route ${url}` });
    });
  };
  const server: http.Server = opts.tls
    ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: !!opts.tls.requestCert, rejectUnauthorized: !!opts.tls.requestCert }, handler)
    : http.createServer(handler);
  const sockets = track(server);
  const port = await listen(server, host);
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;
  return { url, port, host, clientCertificates, requests, close: closer(server, sockets) };
}

export interface ProxyServer extends Started {
  /** "CONNECT host:port" for tunnels, "GET http://…" for absolute-form requests. */
  seen: string[];
  /** Proxy-Authorization headers received (undefined when absent). */
  authorizations: (string | undefined)[];
}

/** The npm `proxy` package (CONNECT and absolute-form), optionally requiring Basic credentials user:pass. */
export async function startForwardProxy(opts: { host?: string; credentials?: { user: string; pass: string }; tls?: { key: string; cert: string } } = {}): Promise<ProxyServer> {
  const { createProxy } = await loadProxyPackage();
  const host = opts.host ?? '127.0.0.1';
  const seen: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const server: http.Server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }) : http.createServer();
  server.prependListener('connect', (req: http.IncomingMessage) => {
    seen.push(`CONNECT ${req.url}`);
    authorizations.push(req.headers['proxy-authorization']);
  });
  server.prependListener('request', (req: http.IncomingMessage) => {
    seen.push(`${req.method} ${req.url}`);
    authorizations.push(req.headers['proxy-authorization']);
  });
  const proxy = createProxy(server);
  if (opts.credentials) {
    const expected = `Basic ${Buffer.from(`${opts.credentials.user}:${opts.credentials.pass}`).toString('base64')}`;
    proxy.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  const sockets = track(server);
  const port = await listen(server, host);
  return { url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`, port, host, seen, authorizations, close: closer(server, sockets) };
}

/**
 * `proxy` is an ES module that reads its own package.json through import.meta.url, which a CommonJS bundle (the
 * extension-host tests) does not have; so it is always loaded by Node's ES module loader from node_modules.
 */
function loadProxyPackage(): Promise<typeof import('proxy')> {
  const file = createRequire(__filename).resolve('proxy');
  const importer = new Function('url', 'return import(url)') as (url: string) => Promise<typeof import('proxy')>;
  return importer(pathToFileURL(file).href);
}

export type ReverseMode = 'login-page' | 'body-limit-1mb' | 'strip-set-cookie';

/** A few lines of reverse proxy in front of `upstream` (http), misbehaving as `mode` says. */
export async function startReverseProxy(upstream: string, mode: ReverseMode, host = '127.0.0.1'): Promise<Started & { rejected: number }> {
  const state = { rejected: 0 };
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    if (mode === 'login-page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Sign in &ndash; Example SSO</title></head><body><form>…</form></body></html>');
      req.resume();
      return;
    }
    if (mode === 'body-limit-1mb' && Number(req.headers['content-length'] ?? 0) > 1024 * 1024) {
      state.rejected++;
      res.writeHead(413, { 'content-type': 'text/html', connection: 'close' });
      res.end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center></body></html>');
      req.resume();
      return;
    }
    const upstreamReq = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: target.host },
    }, (upstreamRes) => {
      const headers = { ...upstreamRes.headers };
      if (mode === 'strip-set-cookie') delete headers['set-cookie'];
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      upstreamRes.pipe(res);
    });
    upstreamReq.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstreamReq);
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return {
    url: `http://${host}:${port}`, port, host,
    get rejected() { return state.rejected; },
    close: closer(server, sockets),
  };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = http.createServer();
  const port = await listen(server, host);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
