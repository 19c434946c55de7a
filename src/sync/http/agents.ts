// The agents that carry our requests. Inside VS Code's extension host `http.request`/`https.request` are patched
// (@vscode/proxy-agent, http.proxySupport = "override") and the agent passed to them is replaced by VS Code's own
// for every host but localhost/127.0.0.1 — which would drop our proxy choice, CAs, pin and client certificate.
// So every connection here, the CONNECT to a proxy included, goes through `new http.ClientRequest(...)` with an
// explicit agent: Node's ClientRequest is not patched, and neither are Agent.createConnection and
// net.createConnection. (tls.connect is patched, but passes through whenever `ca` is given, and otherwise only adds
// the system's CAs when http.experimental.systemCertificatesV2 is on.)
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { HttpsProxyAgent as HpHttpsProxyAgent } from 'hpagent';
import { captureCertificate, type CertificateSummary } from './certificateInfo';

/** Raised when the proxy itself (not the server behind it) fails; the transport turns it into PROXY_* errors. */
export class ProxyStageError extends Error {
  constructor(
    message: string,
    readonly proxyUrl: URL,
    readonly status?: number,
    readonly proxyAuthenticate?: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
  get code(): string | undefined {
    return (this.cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

export class PinMismatchError extends Error {
  readonly code = 'TRILIUM_PIN_MISMATCH';
  constructor(readonly expected: string, readonly peerCertificate: CertificateSummary) {
    super(`certificate fingerprint ${peerCertificate.fingerprint256} differs from the trusted ${expected}`);
  }
}

export interface ProxyConnectOptions {
  /** Value of the Proxy-Authorization header when the proxy URL carries no credentials. */
  proxyAuthorization?: string;
  /** http.proxyStrictSSL: verify an https:// proxy's certificate. */
  proxyStrictSSL?: boolean;
  ca?: string[];
}

export function proxyAuthorizationHeader(proxy: URL, fallback?: string): string | undefined {
  if (proxy.username || proxy.password) {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return fallback || undefined;
}

function proxyHostPort(proxy: URL): { host: string; port: number } {
  return { host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80) };
}

/** The agent that carries the TCP (or TLS) connection to the proxy itself. */
export function agentForProxy(proxy: URL, o: ProxyConnectOptions, keepAlive: boolean): http.Agent {
  return proxy.protocol === 'https:'
    ? new https.Agent({ keepAlive, rejectUnauthorized: o.proxyStrictSSL !== false, secureContext: o.ca ? tls.createSecureContext({ ca: o.ca }) : undefined })
    : new http.Agent({ keepAlive });
}

/** Opens a CONNECT tunnel through the proxy to host:port and resolves with the raw socket. */
export function openTunnel(
  proxy: URL, host: string, port: number, o: ProxyConnectOptions & { timeoutMs?: number },
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const { host: proxyHost, port: proxyPort } = proxyHostPort(proxy);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: target };
    const auth = proxyAuthorizationHeader(proxy, o.proxyAuthorization);
    if (auth) headers['proxy-authorization'] = auth;
    const req = new http.ClientRequest({
      protocol: proxy.protocol,
      host: proxyHost,
      port: proxyPort,
      method: 'CONNECT',
      path: target,
      setHost: false,
      headers,
      agent: agentForProxy(proxy, o, false),
    });
    let timer: NodeJS.Timeout | undefined;
    if (o.timeoutMs) {
      timer = setTimeout(() => {
        req.destroy(new ProxyStageError(`the proxy did not answer CONNECT ${target} within ${o.timeoutMs} ms`, proxy, undefined, undefined,
          Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      }, o.timeoutMs);
    }
    req.once('connect', (res: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      clearTimeout(timer);
      req.removeAllListeners('error');
      if (res.statusCode === 200) {
        if (head.length) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      const authenticate = res.headers['proxy-authenticate'];
      reject(new ProxyStageError(`the proxy answered ${res.statusCode} ${res.statusMessage ?? ''} to CONNECT ${target}`.trim(), proxy,
        res.statusCode, Array.isArray(authenticate) ? authenticate.join(', ') : authenticate));
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof ProxyStageError ? err : new ProxyStageError(err.message, proxy, undefined, undefined, err));
    });
    req.end();
  });
}

export interface TargetTlsOptions {
  /** Built once per transport from the options below (per-request `ca` arrays cost Node's agent ~30 ms a request). */
  secureContext?: tls.SecureContext;
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  /** Accept exactly this leaf certificate (SHA-256, "AB:CD:…") and nothing else, for this agent's one host. */
  pin?: string;
}

function httpsAgentOptions(t: TargetTlsOptions, keepAlive: boolean): https.AgentOptions {
  const custom = t.ca || t.cert || t.key || t.pfx;
  return {
    keepAlive,
    secureContext: t.secureContext ?? (custom ? tls.createSecureContext({ ca: t.ca, cert: t.cert, key: t.key, pfx: t.pfx, passphrase: t.passphrase }) : undefined),
    // A pinned self-signed certificate fails Node's chain check; the pin check below replaces it, for this agent only.
    rejectUnauthorized: !t.pin,
    // Never resume a TLS session a pin check did not see.
    maxCachedSessions: t.pin ? 0 : undefined,
  };
}

function guard(socket: tls.TLSSocket, pin: string | undefined): tls.TLSSocket {
  let seen: CertificateSummary | undefined;
  captureCertificate(socket, (cert) => { seen = cert; });
  if (pin) {
    // Emitted synchronously by Node's own post-handshake check, the same point where it would reject an
    // unverified certificate: nothing has been sent to the server yet.
    socket.prependListener('secureConnect', () => {
      if (!seen || seen.fingerprint256 !== pin) {
        socket.destroy(new PinMismatchError(pin, seen ?? { subject: '?', issuer: '?', fingerprint256: '(none)', validFrom: '', validTo: '', selfSigned: false }));
      }
    });
  }
  return socket;
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;
type CreateTls = (o: object, cb?: ConnectCallback) => tls.TLSSocket;

/** Direct HTTPS to one server, with our CAs, client certificate and optional pin. */
export class ServerHttpsAgent extends https.Agent {
  constructor(private readonly tlsOptions: TargetTlsOptions, keepAlive = true) {
    super(httpsAgentOptions(tlsOptions, keepAlive));
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex {
    const create = https.Agent.prototype.createConnection as unknown as CreateTls;
    return guard(create.call(this, options, callback), this.tlsOptions.pin);
  }
}

/**
 * HTTPS to one server through a CONNECT tunnel. An hpagent HttpsProxyAgent whose tunnel is opened by
 * `openTunnel` (an unpatched ClientRequest) rather than hpagent's own `http.request`, which VS Code patches.
 */
export class TunnelHttpsAgent extends HpHttpsProxyAgent {
  constructor(
    readonly proxyUrl: URL,
    private readonly proxyOptions: ProxyConnectOptions,
    private readonly tlsOptions: TargetTlsOptions,
    private readonly timeoutMs: number,
    keepAlive = true,
  ) {
    super({ proxy: proxyUrl, ...httpsAgentOptions(tlsOptions, keepAlive) });
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
    openTunnel(this.proxyUrl, host, Number(options.port), { ...this.proxyOptions, timeoutMs: this.timeoutMs })
      .then((socket) => {
        const upgrade = https.Agent.prototype.createConnection as unknown as CreateTls;
        callback?.(null, guard(upgrade.call(this, { ...options, socket }), this.tlsOptions.pin));
      }, (err: Error) => callback?.(err, undefined as unknown as Duplex));
    return undefined;
  }
}
