// Large Buffers that cross the replica's worker boundary (a huge blob's content in sync records, on its way to
// applyRecords or back from buildRecords) should move, not be copied: postMessage(message, transferablesOf(message)).
// A moved Buffer is empty on the sending side afterwards, so only values the sender is done with may be sent so.

/** Buffers from this size up own their memory (Node pools only small ones) and are worth moving. */
export const TRANSFER_MIN_BYTES = 1024 * 1024;
const MAX_DEPTH = 6;

/** The ArrayBuffers of the large Buffers (Uint8Arrays) found in `value`: call arguments, records, rows. */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  collect(value, 0, found);
  return [...found];
}

function collect(value: unknown, depth: number, found: Set<ArrayBuffer>): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array && value.byteLength >= TRANSFER_MIN_BYTES && value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, depth + 1, found);
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return;
  for (const key in value) collect((value as Record<string, unknown>)[key], depth + 1, found);
}

/** A Uint8Array that is not a Buffer: what a Buffer becomes after crossing a worker boundary. */
export function isPlainBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && !Buffer.isBuffer(v);
}

/** The same bytes as a Buffer, without copying them. */
export function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Turns the Uint8Arrays that arrived through postMessage back into Buffers (same memory), in place, in arrays and
 * plain objects: the replica's callers and the replica itself expect Buffers for binary values.
 */
export function reviveBuffers<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (isPlainBytes(value)) return asBuffer(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === 'object') value[i] = reviveBuffers(v, depth + 1);
    }
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (v !== null && typeof v === 'object') record[key] = reviveBuffers(v, depth + 1);
  }
  return value;
}
