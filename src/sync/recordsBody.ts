// A JSON body of sync records (a push's /api/sync/update body, our server's /api/sync/changed answer) whose large
// blobs are Buffers (src/storage/records.ts): each such Buffer is written as base64 a slice at a time, when a page or
// piece of the body is read, so that the body never exists as one string or one Buffer. Bodies without a Buffer are
// one JSON.stringify, as before.
import type { SyncRecord } from '../storage/types';

/** JSON text, or a blob that the text holds as a base64 string (its quotes are in the text around it). */
type Part = Buffer | { blob: Buffer };

const base64Length = (n: number) => Math.ceil(n / 3) * 4;
const partLength = (p: Part) => (Buffer.isBuffer(p) ? p.length : base64Length(p.blob.length));

export class RecordsBody {
  readonly length: number;
  private readonly starts: number[] = [];

  private constructor(private readonly parts: Part[]) {
    let at = 0;
    for (const p of parts) {
      this.starts.push(at);
      at += partLength(p);
    }
    this.length = at;
  }

  /** `value` as JSON, with Buffer contents of the records in `value[recordsKey]` written as base64. */
  static of(value: object, recordsKey: string): RecordsBody {
    const records = (value as Record<string, unknown>)[recordsKey] as SyncRecord[];
    if (!records.some(hasBinary)) return new RecordsBody([Buffer.from(JSON.stringify(value), 'utf8')]);
    const outline = JSON.stringify({ ...value, [recordsKey]: [] });
    const marker = `${JSON.stringify(recordsKey)}:[]`;
    const at = outline.indexOf(marker) + marker.length - 1;
    const parts: Part[] = [];
    let text = outline.slice(0, at);
    for (let i = 0; i < records.length; i++) {
      if (i > 0) text += ',';
      const r = records[i];
      if (!hasBinary(r)) {
        text += JSON.stringify(r);
        continue;
      }
      text += '{';
      let first = true;
      for (const [key, v] of Object.entries(r)) {
        if (v === undefined) continue;
        text += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        if (key !== 'entity') {
          text += JSON.stringify(v);
          continue;
        }
        text += '{';
        let firstColumn = true;
        for (const [column, cell] of Object.entries(v as Record<string, unknown>)) {
          if (cell === undefined) continue;
          text += `${firstColumn ? '' : ','}${JSON.stringify(column)}:`;
          firstColumn = false;
          if (Buffer.isBuffer(cell)) {
            parts.push(Buffer.from(text + '"', 'utf8'), { blob: cell });
            text = '"';
          } else {
            text += JSON.stringify(cell);
          }
        }
        text += '}';
      }
      text += '}';
    }
    parts.push(Buffer.from(text + outline.slice(at), 'utf8'));
    return new RecordsBody(parts);
  }

  /**
   * [start, end) of pages of at most maxBytes; each ends before a UTF-8 code point starts, so that every page is
   * valid UTF-8 on its own (as splitIntoPages cuts).
   */
  pageRanges(maxBytes: number): Array<[number, number]> {
    if (maxBytes < 4) throw new RangeError('A page must hold at least one code point (4 bytes).');
    const ranges: Array<[number, number]> = [];
    let start = 0;
    do {
      let end = Math.min(start + maxBytes, this.length);
      while (end < this.length && end > start && (this.byteAt(end) & 0xc0) === 0x80) end--;
      ranges.push([start, end]);
      start = end;
    } while (start < this.length);
    return ranges;
  }

  /** Bytes [start, end) of the body (no copy when they lie in one text part). */
  read(start: number, end: number): Buffer {
    const out: Buffer[] = [];
    for (let k = this.partAt(start); k < this.parts.length && this.starts[k] < end; k++) {
      const p = this.parts[k];
      const from = Math.max(start, this.starts[k]) - this.starts[k];
      const to = Math.min(end, this.starts[k] + partLength(p)) - this.starts[k];
      if (Buffer.isBuffer(p)) {
        out.push(p.subarray(from, to));
        continue;
      }
      // Base64 comes in 4-character groups of 3 bytes: encode the groups that cover [from, to), then trim.
      const firstGroup = Math.floor(from / 4);
      const groups = p.blob.subarray(firstGroup * 3, Math.min(p.blob.length, Math.ceil(to / 4) * 3)).toString('base64');
      out.push(Buffer.from(groups.slice(from - firstGroup * 4, to - firstGroup * 4), 'latin1'));
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** The whole body in pieces of about pieceBytes (for a response stream). */
  *pieces(pieceBytes = 4 * 1024 * 1024): Generator<Buffer> {
    for (let at = 0; at < this.length; at += pieceBytes) yield this.read(at, Math.min(this.length, at + pieceBytes));
  }

  private byteAt(pos: number): number {
    const k = this.partAt(pos);
    const p = this.parts[k];
    return Buffer.isBuffer(p) ? p[pos - this.starts[k]] : 0x41; // base64 is ASCII
  }

  /** Index of the part that holds byte `pos`. */
  private partAt(pos: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function hasBinary(r: SyncRecord): boolean {
  return !!r.entity && Object.values(r.entity).some((v) => Buffer.isBuffer(v));
}
