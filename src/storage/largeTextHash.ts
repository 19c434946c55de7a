// Trilium's hash(text) over text given as UTF-8 bytes, a slice at a time: the same digest as decoding all of it,
// normalizing the whole string to NFC and hashing its UTF-8, without holding the decoded string or its NFC copy.
import { createHash } from 'node:crypto';

const SLICE_BYTES = 1 << 20;

/**
 * Characters that are NFC as they stand, have combining class 0 and are never the second of a canonical composition:
 * below U+0300, the CJK unified ideographs, and U+FFFD (a decoder's replacement).
 */
const ALL_STABLE = /^[\u0000-\u02FF\u4E00-\u9FFF\uFFFD]*$/;
const isStable = (c: number) => c < 0x300 || c === 0xfffd || (c >= 0x4e00 && c <= 0x9fff);

/**
 * Where a string may be cut so that NFC of the parts equals NFC of the whole: before a stable character. Nothing
 * composes onto it from before, and it blocks everything before it from composing or reordering with what follows.
 */
function lastSafeCut(text: string): number {
  for (let i = text.length - 1; i > 0; i--) if (isStable(text.charCodeAt(i))) return i;
  return 0;
}

const nfc = (text: string) => (ALL_STABLE.test(text) ? text : text.normalize('NFC'));

/** base64(SHA-1(UTF-8(NFC(prefix + decode(bytes) + suffix)))), bytes decoded as `Buffer#toString('utf8')` does. */
export function hashOfUtf8Bytes(prefix: string, bytes: Uint8Array, suffix = ''): string {
  const sha1 = createHash('sha1');
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  let pending = prefix;
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    const end = Math.min(at + SLICE_BYTES, bytes.length);
    pending += decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length });
    const cut = lastSafeCut(pending);
    if (cut > 0) {
      sha1.update(nfc(pending.slice(0, cut)), 'utf8');
      pending = pending.slice(cut);
    }
  }
  pending += decoder.decode() + suffix;
  sha1.update(nfc(pending), 'utf8');
  return sha1.digest('base64');
}
