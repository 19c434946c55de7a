// Binary content that text handling would break, for tests of large blobs.
import { randomBytes } from 'node:crypto';

/** Random bytes with NUL runs, lone UTF-8 lead and continuation bytes, a lone surrogate's bytes and 0xFF, NUL at both ends. */
export function awkwardBytes(n: number): Buffer {
  const b = randomBytes(n);
  const traps = [Buffer.alloc(64), Buffer.from([0xc3]), Buffer.from([0x80, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe])];
  for (let at = 0, k = 0; at + 64 < n; at += 999_983, k++) traps[k % traps.length].copy(b, at);
  b[0] = 0;
  b[n - 1] = 0;
  return b;
}
