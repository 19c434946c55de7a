// Shows a server's certificate without trusting it, so the user can compare the fingerprint and accept it.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TriliumError } from '../errors';
import { openTunnel } from './agents';
import { summarizeCertificate, type CertificateSummary } from './certificateInfo';
import { toNetworkError } from './networkErrors';
import { resolveProxy } from './proxyResolver';
import { loadTlsMaterial } from './tlsMaterial';
import { DEFAULT_TIMEOUT_MS, type NetworkOptions } from './transport';

export interface ServerCertificate extends CertificateSummary {
  /** "host:port", the key trilium.sync.trustedCertificates uses. */
  hostPort: string;
  /** Whether the certificate chains to a trusted CA (Node's roots plus trilium.sync.caFile) for this host name. */
  trusted: boolean;
  /** Why not, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  trustError?: string;
  tlsProtocol?: string;
}

export async function fetchServerCertificate(serverUrl: string, network: NetworkOptions = {}): Promise<ServerCertificate> {
  const url = new URL(serverUrl);
  if (url.protocol !== 'https:') {
    throw new TriliumError('NOT_CONFIGURED', `${url.origin} does not use TLS, so it has no certificate.`, 'Use an https:// sync server URL.');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || 443;
  const timeoutMs = network.timeoutMs && network.timeoutMs > 0 ? Math.min(network.timeoutMs, 30_000) : Math.min(DEFAULT_TIMEOUT_MS, 30_000);
  const route = resolveProxy(url, network);
  const material = loadTlsMaterial({ ...network, certFile: undefined, keyFile: undefined, pfxFile: undefined });
  const ctx = { url, route, timeoutMs };
  try {
    const socket = route.proxy
      ? await openTunnel(route.proxy, host, port, {
        proxyAuthorization: network.proxyAuthorization, proxyStrictSSL: network.proxyStrictSSL, ca: material.ca, timeoutMs,
      })
      : undefined;
    return await new Promise<ServerCertificate>((resolve, reject) => {
      const tlsSocket = tls.connect({
        host, port, socket, ca: material.ca, rejectUnauthorized: false,
        servername: tlsServername(host),
      });
      const timer = setTimeout(() => tlsSocket.destroy(Object.assign(new Error('timeout'), { code: 'TRILIUM_TIMEOUT' })), timeoutMs);
      tlsSocket.once('secureConnect', () => {
        clearTimeout(timer);
        const cert = tlsSocket.getPeerCertificate();
        const hostError = tlsSocket.authorized ? tls.checkServerIdentity(host, cert) : undefined;
        const result: ServerCertificate = {
          ...summarizeCertificate(cert),
          hostPort: `${host.includes(':') ? `[${host}]` : host}:${port}`,
          trusted: tlsSocket.authorized && !hostError,
          trustError: tlsSocket.authorized ? (hostError as NodeJS.ErrnoException | undefined)?.code : String(tlsSocket.authorizationError),
          tlsProtocol: tlsSocket.getProtocol() ?? undefined,
        };
        tlsSocket.end();
        resolve(result);
      });
      tlsSocket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    throw toNetworkError(e, ctx);
  }
}

function tlsServername(host: string): string | undefined {
  return net.isIP(host) ? undefined : host;
}
