// Every failure below HTTP — sockets, DNS, TLS, proxies, timeouts — as a TriliumError that names the cause and
// the setting that fixes it.
import { TriliumError } from '../errors';
import { PinMismatchError, ProxyStageError } from './agents';
import { describeCertificate, type CertificateSummary } from './certificateInfo';
import { displayProxy, type ProxyChoice } from './proxyResolver';

export interface FailureContext {
  url: URL;
  route: ProxyChoice;
  timeoutMs: number;
  /** Whether a Proxy-Authorization header went to the proxy (from its URL or http.proxyAuthorization). */
  proxyAuthorizationSent?: boolean;
  /** A client certificate was configured for this request. */
  clientCertificate?: boolean;
}

type RawError = Error & { code?: string; peerCertificate?: CertificateSummary; reason?: string; closedAfterHandshake?: boolean };

export const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA',
  'CERT_REVOKED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

export function toNetworkError(e: unknown, ctx: FailureContext): TriliumError {
  if (e instanceof TriliumError) return e;
  const err = (e instanceof Error ? e : new Error(String(e))) as RawError;
  const server = ctx.url.origin;
  const via = ctx.route.proxy ? ` through the proxy ${displayProxy(ctx.route.proxy)} (from ${ctx.route.source})` : '';
  const code = err.code ?? '';

  if (err instanceof ProxyStageError) return proxyError(err, ctx);
  if (err instanceof PinMismatchError) {
    return new TriliumError('TLS_PIN_MISMATCH',
      `The certificate of ${server} has changed: it is now ${err.peerCertificate.fingerprint256} ` +
      `(subject "${err.peerCertificate.subject}", issuer "${err.peerCertificate.issuer}"), ` +
      `but the trusted certificate is ${err.expected}. The connection was refused.`,
      'If the server\'s certificate was renewed on purpose, check the new fingerprint on the server and accept it again ' +
      `(it replaces the entry for ${hostPort(ctx.url)} in trilium.sync.trustedCertificates); otherwise someone may be intercepting the connection.`,
      { cause: e });
  }
  if (code === 'TRILIUM_TIMEOUT' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new TriliumError('TIMEOUT', `${server} did not answer within ${seconds(ctx.timeoutMs)}${via}.`,
      'Check the network and the server; on a slow link raise trilium.sync.timeoutSeconds.', { cause: e });
  }
  if (TLS_VERIFY_CODES.has(code)) return certificateError(err, ctx);
  if (/ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE|ACCESS_DENIED|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE)/.test(code)
    || /alert (certificate required|bad certificate|unknown ca|certificate unknown|handshake failure)/i.test(err.message)) {
    return new TriliumError('TLS_CLIENT_CERTIFICATE',
      `${server} refused the TLS handshake${via} (${err.message.replace(/^.*?:\w+:/, '').trim() || code}): it requires a client certificate it accepts.`,
      'Set trilium.sync.certFile and trilium.sync.keyFile (PEM), or trilium.sync.pfxFile (PKCS#12, passphrase in secret storage), to a certificate the server trusts.',
      { cause: e });
  }
  if (code === 'ECONNRESET' && err.closedAfterHandshake && ctx.clientCertificate) {
    return new TriliumError('TLS_CLIENT_CERTIFICATE',
      `${server} closed the connection right after the TLS handshake without answering${via}: it probably does not accept the client certificate we presented.`,
      'Check that trilium.sync.certFile / trilium.sync.pfxFile holds a certificate issued by a CA the server trusts for clients, and that it has not expired.',
      { cause: e });
  }
  if (code === 'ECONNREFUSED') {
    return new TriliumError('CONNECTION_REFUSED', `Could not connect to ${server}: the connection was refused${via}.`,
      'Check the sync server URL and port and that the Trilium server is running.', { cause: e });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') {
    return new TriliumError('HOST_NOT_FOUND', `The host name ${ctx.url.hostname} could not be resolved (DNS: ${code}).`,
      code === 'EAI_AGAIN' ? 'Check your network connection; the DNS server did not answer.' : 'Check the host name in the sync server URL.',
      { cause: e });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up/i.test(err.message)) {
    return new TriliumError('CONNECTION_RESET', `The connection to ${server} was closed before the reply was complete${via}.`,
      'A proxy, firewall or the server dropped it; large request bodies are a common cause behind reverse proxies. The sync resumes where it stopped.',
      { cause: e });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new TriliumError('CONNECTION_REFUSED', `${server} cannot be reached (${code})${via}.`,
      'Check the network connection, VPN and the sync server URL.', { cause: e });
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/.test(err.message)) {
    return new TriliumError('TLS_CERTIFICATE', `The TLS connection to ${server} failed${via}: ${err.message}.`,
      'Check that the URL\'s scheme matches the server (https:// for TLS, http:// otherwise) and the TLS settings (trilium.sync.caFile).',
      { cause: e });
  }
  return new TriliumError('HTTP_ERROR', `The request to ${server} failed${via}: ${err.message}`,
    'Check the sync server URL and the network settings (trilium.sync.proxy).', { cause: e });
}

function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

function certificateError(err: RawError, ctx: FailureContext): TriliumError {
  const server = ctx.url.origin;
  const cert = err.peerCertificate;
  const what = cert ? ` (${describeCertificate(cert)}, valid until ${cert.validTo})` : '';
  const code = err.code ?? '';
  let why: string;
  let hint: string;
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    why = 'it is self-signed';
    hint = `If this is your own server, compare the fingerprint with the server's and accept it: it is then trusted for ${hostPort(ctx.url)} only ` +
      '(trilium.sync.trustedCertificates). Or add the certificate to trilium.sync.caFile.';
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    why = `it is not issued for ${ctx.url.hostname} (${err.reason ?? err.message})`;
    hint = 'Use the host name the certificate was issued for in the sync server URL, or accept this certificate explicitly (trilium.sync.trustedCertificates).';
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    why = code === 'CERT_HAS_EXPIRED' ? 'it has expired' : 'it is not valid yet (check this computer\'s clock)';
    hint = 'Renew the server certificate, or check the date and time on this computer.';
  } else {
    why = 'it is not issued by a certificate authority this computer trusts';
    hint = 'Add your CA certificate (PEM file or folder) in trilium.sync.caFile; behind a TLS-inspecting proxy, that proxy\'s CA.';
  }
  const via = ctx.route.proxy ? ` (through the proxy ${displayProxy(ctx.route.proxy)})` : '';
  return new TriliumError('TLS_CERTIFICATE', `The certificate of ${server}${via} was refused: ${why}${what}. [${code}]`, hint, { cause: err });
}

function proxyError(err: ProxyStageError, ctx: FailureContext): TriliumError {
  const proxy = displayProxy(err.proxyUrl);
  const source = ctx.route.source;
  const fix = source === 'trilium.sync.proxy' ? 'trilium.sync.proxy'
    : source === 'http.proxy' ? 'http.proxy (or set trilium.sync.proxy)'
      : `the ${source} environment variable (or set trilium.sync.proxy)`;
  if (err.status === 407) {
    const sent = ctx.proxyAuthorizationSent === true;
    return new TriliumError('PROXY_AUTH_REQUIRED',
      sent ? `The proxy ${proxy} rejected the proxy credentials (407 Proxy Authentication Required).`
        : `The proxy ${proxy} requires authentication (407 Proxy Authentication Required${err.proxyAuthenticate ? `, ${err.proxyAuthenticate}` : ''}).`,
      `Put the user name and password in the proxy URL (http://user:password@host:port) in ${fix}, or set http.proxyAuthorization.`,
      { cause: err });
  }
  if (err.status !== undefined) {
    return new TriliumError('PROXY_ERROR', `The proxy ${proxy} refused to connect to ${ctx.url.host}: ${err.message}.`,
      `The proxy may block this host or port; ask its administrator, or change ${fix}${ctx.route.source === 'trilium.sync.proxy' ? '' : ', or exempt the host in http.noProxy'}.`,
      { cause: err });
  }
  const code = err.code ?? '';
  if (TLS_VERIFY_CODES.has(code) || /^ERR_(SSL|TLS)/.test(code)) {
    return new TriliumError('PROXY_ERROR', `The certificate of the proxy ${proxy} was refused (${code}): ${err.message}.`,
      `Add the proxy's CA certificate to trilium.sync.caFile, or, if you trust this network, turn off http.proxyStrictSSL; or check ${fix}.`,
      { cause: err });
  }
  if (code === 'ETIMEDOUT') {
    return new TriliumError('TIMEOUT', `The proxy ${proxy} did not answer in time (${err.message}).`,
      `Check the proxy in ${fix}; on a slow link raise trilium.sync.timeoutSeconds.`, { cause: err });
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) {
    return new TriliumError('PROXY_UNREACHABLE', `Cannot reach the proxy ${proxy} (${code}), chosen by ${source}.`,
      `Check the proxy address in ${fix}, or set trilium.sync.proxy to "none" to connect directly.`, { cause: err });
  }
  return new TriliumError('PROXY_ERROR', `The proxy ${proxy} failed: ${err.message}${code ? ` (${code})` : ''}.`,
    `Check the proxy in ${fix}${err.proxyUrl.protocol === 'https:' ? ' and, for an https:// proxy, http.proxyStrictSSL' : ''}.`, { cause: err });
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) || s >= 10 ? Math.round(s) : s.toFixed(1)} s`;
}
