// Reads a JSON body of sync records (a /api/sync/changed answer, a /api/sync/update body) piece by piece as it
// arrives, so that a huge blob never exists as base64 text (SYNC-PROTOCOL.md §4.9: a blob travels inline as one
// base64 string). A body up to SCAN_FROM_BYTES is collected and parsed with JSON.parse, as any answer is. Past that,
// its text is scanned as it comes: the string value of a "content" key longer than BIG_STRING_BYTES is decoded
// straight into a Buffer (Base64Decoder) and left out of the text, which keeps a placeholder; JSON.parse then reads
// the rest, and the placeholders are replaced by the Buffers. Records then carry such a blob's content as a Buffer,
// which the replica's apply takes as well as base64 text.
import { Base64Decoder } from './base64Decoder';
import { TriliumError } from './errors';
import type { BodySink } from './http/transport';
import type { SyncRecord } from '../storage/types';

/** Bodies up to this size are parsed as a whole (Trilium's pages hold ~1 MB of records, newer ones up to ~8 MiB). */
export const SCAN_FROM_BYTES = 16 * 1024 * 1024;
/** A "content" string longer than twice this is decoded as it arrives instead of kept as text (from this on, it may be). */
export const BIG_STRING_BYTES = 1024 * 1024;
/** A whole body handed over at once is fed in pieces this long. */
const SLICE_BYTES = 1024 * 1024;
const PLACEHOLDER = '\u0000trilium-blob-';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SOLIDUS = 0x2f;
const CONTENT_KEY = /"content"\s*:\s*"$/;

export class RecordsJsonReader implements BodySink {
  private chunks: Buffer[] = [];
  private received = 0;
  private scanner: BlobScanner | undefined;

  constructor(private readonly what: string, private readonly scanFrom = SCAN_FROM_BYTES, private readonly bigString = BIG_STRING_BYTES) {}

  /**
   * The body's announced length (Content-Length): one longer than the scan threshold is scanned from its first byte.
   * Its pieces then never pile up waiting for the threshold (they are blocks of the thread's malloc heap, which keeps
   * memory it once held: 16 MB of pieces left 20 to 30 MB in the CLI's heap while a 100 MB blob was written).
   */
  expect(bytes: number): void {
    if (bytes > this.scanFrom && !this.scanner && this.received === 0) this.scanner = new BlobScanner(this.bigString);
  }

  /** Bytes of JSON received (a blob's base64 included). */
  get bytes(): number {
    return this.received;
  }

  write(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.scanner) {
      this.scanner.write(chunk);
      return;
    }
    this.chunks.push(chunk);
    if (this.received > this.scanFrom) {
      this.scanner = new BlobScanner(this.bigString);
      for (const c of this.chunks) this.scanner.write(c);
      this.chunks = [];
    }
  }

  end(): void {
    // Parsing waits for result(); nothing to do when the body is complete.
  }

  /** The body as it came, in pieces, unless it was large enough to be scanned for blobs. */
  unscanned(): Buffer[] | undefined {
    return this.scanner ? undefined : this.chunks;
  }

  /**
   * The parsed body. `records` names the array of records in it (`entityChanges` or `entities`): blobs read as
   * Buffers are put back there as their entity's `content`.
   */
  result<T extends object>(records: keyof T & string): T {
    if (!this.scanner) return parse<T>(Buffer.concat(this.chunks), this.what);
    const { text, blobs } = this.scanner.finish(this.what);
    const body = parse<T>(text, this.what);
    const list = (body as Record<string, unknown>)[records];
    let placed = 0;
    if (Array.isArray(list)) {
      for (const r of list as SyncRecord[]) {
        const content = r?.entity?.content;
        if (typeof content !== 'string' || !content.startsWith(PLACEHOLDER)) continue;
        const blob = blobs[Number(content.slice(PLACEHOLDER.length))];
        if (!blob) break;
        // Only blobs carry base64 content; anything else gets its text back.
        r.entity!.content = r.entityChange?.entityName === 'blobs' ? blob : blob.toString('base64');
        placed++;
      }
    }
    if (placed !== blobs.length) {
      throw new TriliumError('PROTOCOL', `The server's answer to ${this.what} has a long "content" value outside a record's entity.`,
        'Check that the sync server URL points at a Trilium server.');
    }
    return body;
  }
}

/** Parses a whole body held in one Buffer (a paged PUT's joined pages) the same way. */
export function parseRecordsJson<T extends object>(body: Buffer, records: keyof T & string, what: string): T {
  const reader = new RecordsJsonReader(what);
  for (let i = 0; i < body.length; i += SLICE_BYTES) reader.write(body.subarray(i, Math.min(body.length, i + SLICE_BYTES)));
  reader.end();
  return reader.result<T>(records);
}

function parse<T>(text: Buffer, what: string): T {
  try {
    return JSON.parse(text.toString('utf8')) as T;
  } catch (e) {
    throw new TriliumError('NOT_JSON', `The server's answer to ${what} is not complete JSON (${e instanceof Error ? e.message : String(e)}).`,
      'The answer was cut short or garbled on the way (a proxy, a broken connection); sync again.', { cause: e });
  }
}

/**
 * Tracks where JSON strings start and end (only quotes and backslashes matter), keeps the text outside big
 * "content" strings, and decodes those.
 */
class BlobScanner {
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private inString = false;
  /** The previous byte was a backslash inside a string (an escape that continues in the next piece). */
  private escape = false;
  /** Bytes of the current string so far (after its opening quote). */
  private stringBytes = 0;
  private stringChecked = false;
  private decoder: Base64Decoder | undefined;
  /** A backslash ended the last piece given to the decoder. */
  private decoderEscape = false;
  private readonly blobs: Buffer[] = [];

  constructor(private readonly bigString: number) {}

  /** Scanned in slices no longer than a big string, so that every string over twice that size is caught while it is open. */
  write(chunk: Buffer): void {
    const slice = this.bigString;
    for (let i = 0; i < chunk.length; i += slice) this.scan(chunk.length <= slice ? chunk : chunk.subarray(i, Math.min(chunk.length, i + slice)));
  }

  finish(what: string): { text: Buffer; blobs: Buffer[] } {
    if (this.inString || this.decoder) {
      throw new TriliumError('NOT_JSON', `The server's answer to ${what} ended in the middle of a string.`,
        'The answer was cut short on the way (a proxy, a broken connection); sync again.');
    }
    return { text: Buffer.concat(this.out, this.outBytes), blobs: this.blobs };
  }

  private scan(piece: Buffer): void {
    let i = 0;
    while (i < piece.length) {
      if (this.decoder) {
        const q = piece.indexOf(QUOTE, i);
        const end = q < 0 ? piece.length : q;
        this.decoder.write(this.unescape(piece.subarray(i, end)));
        if (q < 0) return;
        if (this.decoderEscape) throw invalidEscape();
        this.blobs.push(this.decoder.end());
        this.decoder = undefined;
        this.inString = false;
        this.keep(Buffer.from(`\\u0000${PLACEHOLDER.slice(1)}${this.blobs.length - 1}`, 'latin1'));
        this.keep(piece.subarray(q, q + 1));
        i = q + 1;
        continue;
      }
      const start = i;
      let backslash = -1; // the next backslash at or after i, or piece.length when there is none
      while (i < piece.length) {
        if (!this.inString) {
          const q = piece.indexOf(QUOTE, i);
          if (q < 0) { i = piece.length; break; }
          this.inString = true;
          this.stringBytes = 0;
          this.stringChecked = false;
          i = q + 1;
          continue;
        }
        if (this.escape) {
          this.escape = false;
          this.stringBytes++;
          i++;
          continue;
        }
        if (backslash < i) {
          backslash = piece.indexOf(BACKSLASH, i);
          if (backslash < 0) backslash = piece.length;
        }
        const q = piece.indexOf(QUOTE, i);
        if (backslash < piece.length && (q < 0 || backslash < q)) {
          this.stringBytes += backslash + 1 - i;
          i = backslash + 1;
          this.escape = true;
          continue;
        }
        if (q < 0) {
          this.stringBytes += piece.length - i;
          i = piece.length;
          break;
        }
        this.stringBytes += q - i;
        this.inString = false;
        i = q + 1;
      }
      this.keep(piece.subarray(start, i));
      if (this.inString && !this.stringChecked && this.stringBytes >= this.bigString) this.startBlob();
    }
  }

  /** The current string is long: when it is a "content" value, its bytes so far go to a decoder instead. */
  private startBlob(): void {
    this.stringChecked = true;
    const taken = this.take(this.stringBytes);
    if (!CONTENT_KEY.test(this.tail(32))) {
      for (const b of taken) this.keep(b);
      return;
    }
    this.decoder = new Base64Decoder();
    this.decoderEscape = false;
    for (const b of taken) this.decoder.write(this.unescape(b));
    this.escape = false; // carried by decoderEscape now
  }

  private keep(b: Buffer): void {
    if (b.length === 0) return;
    this.out.push(b);
    this.outBytes += b.length;
  }

  /** Removes the last n kept bytes and returns them in order. */
  private take(n: number): Buffer[] {
    const taken: Buffer[] = [];
    while (n > 0) {
      const last = this.out.pop()!;
      if (last.length <= n) {
        taken.unshift(last);
        n -= last.length;
        this.outBytes -= last.length;
      } else {
        taken.unshift(last.subarray(last.length - n));
        this.out.push(last.subarray(0, last.length - n));
        this.outBytes -= n;
        n = 0;
      }
    }
    return taken;
  }

  /** The last n kept bytes as latin1 text. */
  private tail(n: number): string {
    let text = '';
    for (let k = this.out.length - 1; k >= 0 && text.length < n; k--) {
      const b = this.out[k];
      text = b.toString('latin1', Math.max(0, b.length - (n - text.length))) + text;
    }
    return text;
  }

  /** Base64 inside JSON has no escapes but for an optional `\/`. */
  private unescape(b: Buffer): Buffer {
    if (!this.decoderEscape && b.indexOf(BACKSLASH) < 0) return b;
    const out = Buffer.allocUnsafe(b.length);
    let n = 0;
    for (let k = 0; k < b.length; k++) {
      const byte = b[k];
      if (this.decoderEscape) {
        if (byte !== SOLIDUS) throw invalidEscape();
        out[n++] = SOLIDUS;
        this.decoderEscape = false;
      } else if (byte === BACKSLASH) {
        this.decoderEscape = true;
      } else {
        out[n++] = byte;
      }
    }
    return out.subarray(0, n);
  }
}

function invalidEscape(): TriliumError {
  return new TriliumError('PROTOCOL', 'A blob\'s content in the sync data holds an escape sequence that base64 cannot contain.',
    'The response was garbled on the way (a proxy or a broken connection); sync again.');
}
