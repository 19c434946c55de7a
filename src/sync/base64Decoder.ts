// Decodes a long base64 text that arrives in pieces straight into one Buffer, so that neither the text nor a list
// of decoded pieces ever exists whole. The Buffer lives in a resizable ArrayBuffer: its address range is reserved
// up front and memory is committed only as the bytes are written, so the final Buffer is the only copy.
import { TriliumError } from './errors';

/** Largest decoded size reserved: above what Trilium can send (V8's longest string, ~536 M chars, is ~402 MB of bytes). */
export const MAX_DECODED_BYTES = 1024 * 1024 * 1024;
const GROW_STEP = 4 * 1024 * 1024;

type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void; readonly maxByteLength: number };

export class Base64Decoder {
  private readonly memory: ResizableArrayBuffer;
  private view: Buffer;
  private length = 0;
  /** Up to 3 characters of an incomplete 4-character group, carried to the next piece. */
  private carry = '';
  private ended = false;

  constructor(maxBytes = MAX_DECODED_BYTES) {
    this.memory = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ResizableArrayBuffer)(0, { maxByteLength: maxBytes });
    this.view = Buffer.from(this.memory);
  }

  /** Decoded bytes so far. */
  get byteLength(): number {
    return this.length;
  }

  /** Base64 characters (latin1/ASCII bytes of the JSON text). Throws on characters outside the base64 alphabet. */
  write(chars: Buffer): void {
    if (chars.length === 0) return;
    if (this.ended) throw invalid('it goes on after its padding');
    let text = this.carry + chars.toString('latin1');
    const whole = text.length - (text.length % 4);
    this.carry = text.slice(whole);
    if (whole === 0) return;
    text = whole === text.length ? text : text.slice(0, whole);
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    if (padding && this.carry.length) throw invalid('padding in the middle of the text');
    this.decode(text, (whole / 4) * 3 - padding);
    if (padding) this.ended = true; // only the end may be padded; a later write is an error
  }

  /** The decoded bytes; the text must have ended on a complete group (or an unpadded 2- or 3-character one). */
  end(): Buffer {
    if (this.carry.length === 1) throw invalid('its length is not possible for base64');
    if (this.carry.length) this.decode(this.carry, this.carry.length - 1);
    this.carry = '';
    this.ended = true;
    return this.view.subarray(0, this.length);
  }

  private decode(text: string, expected: number): void {
    const needed = this.length + expected;
    if (needed > this.memory.maxByteLength) {
      throw new TriliumError('PROTOCOL', `A blob in the sync data is larger than ${Math.round(this.memory.maxByteLength / 1024 / 1024)} MB.`,
        'Trilium does not send blobs this large; check that the sync server URL points at a Trilium server.');
    }
    if (needed > this.memory.byteLength) {
      this.memory.resize(Math.min(this.memory.maxByteLength, Math.ceil(needed / GROW_STEP) * GROW_STEP));
      this.view = Buffer.from(this.memory);
    }
    const written = this.view.write(text, this.length, expected, 'base64');
    // Node's decoder skips characters outside the alphabet, so a short count is how garbled text shows.
    if (written !== expected) throw invalid('it holds characters outside the base64 alphabet');
    this.length += written;
  }
}

function invalid(why: string): TriliumError {
  return new TriliumError('PROTOCOL', `A blob's content in the sync data is not valid base64: ${why}.`,
    'The response was garbled on the way (a proxy or a broken connection); sync again.');
}
