// A blob of many megabytes (a pulled PDF or video) written with as few whole copies in memory as SQLite allows.
// Bound as one parameter, it would exist three times at once: the caller's Buffer, the driver's copy of the bound
// value, and the record SQLite builds from it. Instead its bytes go into a temporary table a slice at a time, the
// caller's Buffer is released when its memory can be (see release), and SQLite joins the slices into the row
// itself: then only SQLite's joined value and its record exist whole.
import type { Connection } from '../db';
import type { SqlValue } from '../types';

/** Contents from this size up are written through the slices table. */
export const LARGE_BLOB_BYTES = 16 * 1024 * 1024;
/** Bytes per slice: what the driver copies at a time. */
const SLICE_BYTES = 1024 * 1024;
/** Page cache of the main database while the row is written (KiB): its overflow pages spill instead of piling up. */
const WRITE_CACHE_KIB = 4096;

export function isLargeBlob(v: unknown): v is Buffer {
  return Buffer.isBuffer(v) && v.length >= LARGE_BLOB_BYTES;
}

/**
 * Writes one row whose column `contentIndex` holds a large Buffer, byte for byte, as a BLOB. The Buffer is consumed:
 * when it lives in a resizable ArrayBuffer (as a pulled blob does, src/sync/base64Decoder.ts), that memory is given
 * back before the row is written, and the Buffer is empty afterwards.
 */
export async function writeLargeBlob(
  c: Connection, verb: 'INSERT OR REPLACE', table: string, cols: string[], values: SqlValue[], contentIndex: number,
): Promise<void> {
  const content = values[contentIndex] as Buffer;
  // TEMP: in a temporary file (SQLite's default temp_store here), with its own small page cache, not in memory
  await c.exec('CREATE TEMP TABLE IF NOT EXISTS blob_slices (slice BLOB NOT NULL); DELETE FROM temp.blob_slices');
  for (let at = 0; at < content.length; at += SLICE_BYTES) {
    await c.run('INSERT INTO temp.blob_slices (slice) VALUES (?)', [content.subarray(at, Math.min(content.length, at + SLICE_BYTES))]);
  }
  release(content);
  const cache = (await c.get<{ cache_size: number }>('PRAGMA main.cache_size'))?.cache_size;
  await c.exec(`PRAGMA main.cache_size = -${WRITE_CACHE_KIB}`);
  try {
    // INSERT … SELECT: the aggregate's value goes into the record as it is (a scalar subquery would copy it once
    // more). group_concat joins the slices' bytes in rowid order, NULs and all; the CAST makes the text a BLOB
    // again without converting it (the database's encoding is UTF-8).
    const select = cols.map((_, j) => (j === contentIndex ? "CAST(group_concat(slice, '') AS BLOB)" : '?'));
    await c.run(`${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) SELECT ${select.join(', ')} FROM temp.blob_slices`,
      values.filter((_, j) => j !== contentIndex));
  } finally {
    if (cache !== undefined) await c.exec(`PRAGMA main.cache_size = ${Number(cache)}`);
    await c.exec('DELETE FROM temp.blob_slices');
  }
}

/** Gives a resizable ArrayBuffer's memory back to the system at once, instead of whenever the GC collects it. */
function release(b: Buffer): void {
  const memory = b.buffer as ArrayBuffer & { resizable?: boolean; resize?(n: number): void };
  if (memory.resizable && memory.resize) memory.resize(0);
}
