// Transactions, pipelines and bulk inserts over a driver's Connection (src/storage/driver).
import type { Connection, Params } from './driver/connection';
import type { SqlValue } from './types';

export type { Connection, Params } from './driver/connection';
export { openConnection, chooseDriver } from './driver/select';

/**
 * Serializes write transactions: each `run(fn)` waits for the previous one to finish, so statements of
 * two transactions never interleave on the writer connection.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly conn: Connection) {}

  transaction<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      await this.conn.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.conn);
        await this.conn.exec('COMMIT');
        return result;
      } catch (e) {
        await this.conn.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Runs outside a transaction, but still in turn (pragmas, index builds, checkpoints). */
  exclusive<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    const next = this.tail.then(() => fn(this.conn));
    this.tail = next.catch(() => undefined);
    return next;
  }

  drain(): Promise<unknown> {
    return this.tail;
  }
}

/**
 * Runs statements one after another on one connection, but lets the caller prepare the next statement's
 * parameters (JSON texts, flattened rows) on the JavaScript thread while SQLite executes the previous one on
 * its worker thread. Statements still run strictly in the order they were pushed.
 */
export class Pipeline {
  private prev: Promise<unknown> = Promise.resolve();
  readonly runMany?: (sql: string, rows: SqlValue[][]) => Promise<void>;

  constructor(private readonly c: Connection) {
    const many = c.runMany?.bind(c);
    if (many) {
      this.runMany = async (sql, rows) => {
        await this.prev;
        const next = many(sql, rows);
        next.catch(() => undefined);
        this.prev = next;
      };
    }
  }

  async run(sql: string, params: Params): Promise<void> {
    await this.prev;
    const next = this.c.run(sql, params);
    next.catch(() => undefined); // observed by the next push or done(), which rethrow it
    this.prev = next;
  }

  async done(): Promise<void> {
    await this.prev;
  }
}

/** Where the bulk inserts send their statements: a connection, or a pipeline that overlaps them. */
export interface StatementSink {
  run(sql: string, params: Params): Promise<unknown>;
  runMany?(sql: string, rows: SqlValue[][]): Promise<void>;
}

/**
 * Bulk INSERT: the rows travel as one JSON text and SQLite unpacks them with json_each on its own thread,
 * instead of one bound parameter per value converted on the JavaScript thread. SQLite's cost here is per JSON
 * value it extracts, so a column that holds the same value in every row (isDeleted, mime, the sender's
 * instanceId…) is bound once instead, and binary values (blob contents) travel as one bound BLOB that each
 * row takes its slice of. Rows whose column mixes binary and text values go through insertRows.
 */
export async function insertJsonRows(
  c: StatementSink, verb: 'INSERT' | 'INSERT OR REPLACE' | 'INSERT OR IGNORE', table: string, cols: string[], rows: SqlValue[][],
): Promise<void> {
  if (c.runMany) {
    if (rows.length > 0) await c.runMany(`${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`, rows);
    return;
  }
  const chunk = 20000;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.length <= chunk ? rows : rows.slice(i, i + chunk);
    const statement = jsonInsert(verb, table, cols, part);
    if (statement) await c.run(statement.sql, statement.params);
    else await insertRows(c, verb, table, cols, part);
  }
}

type ColumnKind = 'constant' | 'json' | 'binary';

/** The statement and parameters of one json_each INSERT, or null when a column mixes binary and text values. */
export function jsonInsert(
  verb: string, table: string, cols: string[], rows: SqlValue[][],
): { sql: string; params: SqlValue[] } | null {
  const kinds: ColumnKind[] = [];
  for (let j = 0; j < cols.length; j++) {
    const kind = columnKind(rows, j);
    if (kind === null) return null;
    kinds.push(kind);
  }
  const params: SqlValue[] = [''];
  const select: string[] = [];
  let k = 0;
  const offsets = new Map<number, number>(); // per binary column: where the next row's slice starts (1-based)
  for (let j = 0; j < cols.length; j++) {
    if (kinds[j] === 'constant') {
      params.push(rows[0][j]);
      select.push(`?${params.length}`);
    } else if (kinds[j] === 'json') {
      select.push(`value ->> ${k++}`);
    } else {
      params.push(Buffer.concat(rows.map((r) => (Buffer.isBuffer(r[j]) ? r[j] as Buffer : EMPTY))));
      offsets.set(j, 1);
      // offset and length of the row's slice; a null offset marks an empty string
      select.push(`coalesce(substr(?${params.length}, value ->> ${k}, value ->> ${k + 1}), '')`);
      k += 2;
    }
  }
  const packed = rows.map((r) => {
    const out: SqlValue[] = [];
    for (let j = 0; j < cols.length; j++) {
      if (kinds[j] === 'json') out.push(r[j]);
      else if (kinds[j] === 'binary') {
        const v = r[j];
        if (Buffer.isBuffer(v)) {
          const at = offsets.get(j)!;
          out.push(at, v.length);
          offsets.set(j, at + v.length);
        } else out.push(null, 0);
      }
    }
    return out;
  });
  params[0] = JSON.stringify(packed);
  const sql = `${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) SELECT ${select.join(', ')} FROM json_each(?1)`;
  return { sql, params };
}

const EMPTY = Buffer.alloc(0);

/**
 * constant: every row holds the same value, and binding it gives what `->>` would give: null, a string, or an
 * integer the driver binds as an integer (it binds other numbers as REAL). binary: Buffers and empty strings
 * only. null: Buffers mixed with other values.
 */
function columnKind(rows: SqlValue[][], j: number): ColumnKind | null {
  const v = rows[0][j];
  let same = v === null || typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31);
  let buffers = 0;
  let binaryBytes = 0;
  let emptyStrings = 0;
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r][j];
    if (same && x !== v) same = false;
    if (Buffer.isBuffer(x)) {
      buffers++;
      binaryBytes += x.length;
    } else if (x === '') emptyStrings++;
  }
  if (buffers === 0) return same ? 'constant' : 'json';
  // Large blobs are bound as they are: joining them and taking slices would copy each one twice more.
  if (binaryBytes > DIRECT_BINARY_BYTES) return null;
  return buffers + emptyStrings === rows.length ? 'binary' : null;
}

const DIRECT_BINARY_BYTES = 16 * 1024 * 1024;

/** Multi-row INSERT in chunks that respect SQLite's variable limit (32766 in this build). */
export async function insertRows(
  c: StatementSink, verb: 'INSERT' | 'INSERT OR REPLACE' | 'INSERT OR IGNORE', table: string, cols: string[], rows: SqlValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  if (c.runMany) return c.runMany(`${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`, rows);
  const perRow = cols.length;
  const chunk = Math.max(1, Math.floor(32000 / perRow));
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const head = `${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES `;
  for (let i = 0; i < rows.length; i += chunk) {
    const n = Math.min(chunk, rows.length - i);
    const params: SqlValue[] = new Array(n * perRow);
    let k = 0;
    for (let r = i; r < i + n; r++) { const row = rows[r]; for (let j = 0; j < perRow; j++) params[k++] = row[j]; }
    await c.run(head + new Array(n).fill(tuple).join(','), params);
  }
}
