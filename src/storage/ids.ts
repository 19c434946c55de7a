// Random ids and Trilium's date formats (SYNC-PROTOCOL.md §6.1, §8.1).
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** n characters of [A-Za-z0-9] from crypto randomness (rejection sampling keeps it uniform). */
export function randomString(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248 && out.length < n) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export const newEntityId = (): string => randomString(12);

/** `YYYY-MM-DD HH:mm:ss.sssZ` */
export function utcDateTimeStr(d: Date): string {
  return d.toISOString().replace('T', ' ');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time as dayjs `YYYY-MM-DD HH:mm:ss.SSSZZ`, e.g. `2026-03-08 12:43:59.123+0200`. */
export function localDateTimeStr(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`
  );
}
