// A server certificate as people read it: subject, issuer, SHA-256 fingerprint, validity.
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** "AB:CD:…" (upper-case hex with colons), the form trilium.sync.trustedCertificates stores. */
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  selfSigned: boolean;
}

export function summarizeCertificate(cert: PeerCertificate): CertificateSummary {
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  return {
    subject,
    issuer,
    fingerprint256: cert.fingerprint256,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    selfSigned: subject === issuer,
  };
}

export function describeCertificate(c: CertificateSummary): string {
  return `subject "${c.subject}", issuer "${c.issuer}", SHA-256 ${c.fingerprint256}`;
}

function formatName(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  return Object.entries(name as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

const CAPTURED = Symbol('trilium.peerCertificate');
type Captured = TLSSocket & { [CAPTURED]?: CertificateSummary };

/**
 * Remembers the server certificate as soon as the handshake completes, before Node's own check may destroy the
 * socket, and attaches it to any error the socket emits, so a certificate failure can name the certificate.
 */
export function captureCertificate(socket: TLSSocket, onSecure?: (cert: CertificateSummary) => void): void {
  socket.prependListener('secure', () => {
    const cert = socket.getPeerCertificate();
    if (cert && cert.fingerprint256) {
      const summary = summarizeCertificate(cert);
      (socket as Captured)[CAPTURED] = summary;
      onSecure?.(summary);
    }
  });
  socket.prependListener('error', (err: Error & { peerCertificate?: CertificateSummary }) => {
    const captured = (socket as Captured)[CAPTURED];
    if (captured && !err.peerCertificate) err.peerCertificate = captured;
  });
}

export function capturedCertificate(socket: unknown): CertificateSummary | undefined {
  return (socket as Captured | undefined)?.[CAPTURED];
}
