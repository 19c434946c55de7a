// Splits a request body into HTTP pages of at most `maxBytes` UTF-8 bytes, cut on code-point boundaries,
// so that every page is valid UTF-8 on its own and no surrogate pair is split (SYNC-PROTOCOL.md §4.2).
export const DEFAULT_PAGE_BYTES = 512 * 1024;

export function splitIntoPages(body: string | Buffer, maxBytes = DEFAULT_PAGE_BYTES): Buffer[] {
  if (maxBytes < 4) throw new RangeError('A page must hold at least one code point (4 bytes).');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length <= maxBytes) return [bytes];
  const pages: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    // Step back over UTF-8 continuation bytes (10xxxxxx) so the page ends before a code point starts.
    while (end < bytes.length && end > start && (bytes[end] & 0xc0) === 0x80) end--;
    pages.push(bytes.subarray(start, end));
    start = end;
  }
  return pages;
}
