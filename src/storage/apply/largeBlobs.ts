// A blob of many megabytes (a pulled PDF or video) written with as few whole copies in memory as SQLite allows.
// Bound as one parameter, it would exist three times at once: the caller's Buffer, the driver's copy of the bound
// value, and the record SQLite builds from it. Instead its bytes go into a temporary table a slice at a time, the
// caller's Buffer is released when its memory can be (see release), and SQLite joins the slices into the row
// itself: then only SQLite's joined value and its record exist whole. (SQLite's incremental blob I/O would need
// neither, but no driver here offers it.)
import type { Connection } from '../db';
import type { SqlValue } from '../types';

/** Contents from this size up are written through the slices table. */
export const LARGE_BLOB_BYTES = 16 * 1024 * 1024;
/** Bytes per slice: what the driver copies at a time. */
const SLICE_BYTES = 1024 * 1024;
/**
 * Page cache of the main and the temporary database while the row is written (KiB): the row's overflow pages spill
 * instead of piling up, and the slices are read through a few pages. Measured with 100 MB: 5 MB lower peak than
 * 4 MB for the main database and the default 2 MB for the temporary one, at the same CPU time.
 */
const WRITE_CACHE_KIB = 256;
const CACHED_SCHEMAS = ['main', 'temp'] as const;

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
  await createSlicesTable(c);
  for (let n = 0; n * SLICE_BYTES < content.length; n++) {
    const at = n * SLICE_BYTES;
    await c.run('INSERT INTO temp.blob_slices (n, slice) VALUES (?, ?)', [n, content.subarray(at, Math.min(content.length, at + SLICE_BYTES))]);
  }
  release(content);
  await insertJoinedSlices(c, verb, table, cols, values, contentIndex);
}

/**
 * The slices of one blob, slice n of its bytes under key n. TEMP: in a temporary file (SQLite's default temp_store
 * here), with its own small page cache, not in memory.
 */
export async function createSlicesTable(c: Connection): Promise<void> {
  await c.exec('CREATE TEMP TABLE IF NOT EXISTS blob_slices (n INTEGER PRIMARY KEY, slice BLOB NOT NULL); DELETE FROM temp.blob_slices');
}

/**
 * Writes the row with the slices in temp.blob_slices, joined in key order, as column `contentIndex` (the value given
 * there is not used), and empties the slices table.
 */
export async function insertJoinedSlices(
  c: Connection, verb: 'INSERT OR REPLACE', table: string, cols: string[], values: SqlValue[], contentIndex: number,
): Promise<void> {
  const caches: string[] = [];
  for (const schema of CACHED_SCHEMAS) {
    const size = (await c.get<{ cache_size: number }>(`PRAGMA ${schema}.cache_size`))?.cache_size;
    if (size !== undefined) caches.push(`PRAGMA ${schema}.cache_size = ${Number(size)}`);
  }
  await c.exec(CACHED_SCHEMAS.map((schema) => `PRAGMA ${schema}.cache_size = -${WRITE_CACHE_KIB}`).join('; '));
  try {
    // INSERT … SELECT: the aggregate's value goes into the record as it is (a scalar subquery would copy it once
    // more). group_concat joins the slices' bytes, NULs and all, in the order its rows come: the subquery's ORDER BY
    // (SQLite keeps it for an aggregate other than count/min/max; on the key, it costs no sort) works on every SQLite
    // version the drivers carry, where ORDER BY inside the aggregate needs 3.44 and sorts the slices again. The CAST
    // makes the text a BLOB again without converting it (the database's encoding is UTF-8).
    const select = cols.map((_, j) => (j === contentIndex ? "CAST(group_concat(slice, '') AS BLOB)" : '?'));
    await c.run(`${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) SELECT ${select.join(', ')} `
      + 'FROM (SELECT slice FROM temp.blob_slices ORDER BY n)', values.filter((_, j) => j !== contentIndex));
  } finally {
    if (caches.length) await c.exec(caches.join('; '));
    await c.exec('DELETE FROM temp.blob_slices');
  }
}

/** Gives a resizable ArrayBuffer's memory back to the system at once, instead of whenever the GC collects it. */
function release(b: Buffer): void {
  const memory = b.buffer as ArrayBuffer & { resizable?: boolean; resize?(n: number): void };
  if (memory.resizable && memory.resize) memory.resize(0);
}
