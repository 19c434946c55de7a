// The small cryptographic pieces of the handshake (SYNC-PROTOCOL.md §2.3, §3.1).
import { createHmac, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Trilium's UTC datetime string: `YYYY-MM-DD HH:mm:ss.sssZ`. */
export function utcDateTimeString(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/** HMAC-SHA256 of the timestamp keyed by the document secret, base64 with padding. */
export function loginHash(documentSecret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(documentSecret, 'utf8')).update(timestamp, 'utf8').digest('base64');
}

/** The `trilium-cred` header of the seed request: base64 of `dummy:<password>` (no `Basic ` prefix). */
export function credentialsHeader(password: string): string {
  return Buffer.from(`dummy:${password}`, 'utf8').toString('base64');
}

export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}
