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
 * its worker thread. Statements still run strictly in the order they were pushed; `then` runs in that order too,
 * on the connection, right after its statement, with the number of rows the statement changed.
 */
export class Pipeline implements StatementSink {
  private prev: Promise<unknown> = Promise.resolve();
  readonly runMany?: (sql: string, rows: SqlValue[][], then?: AfterStatement) => Promise<void>;

  constructor(private readonly c: Connection) {
    const many = c.runMany?.bind(c);
    if (many) {
      this.runMany = async (sql, rows, then) => {
        await this.prev;
        this.push(many(sql, rows), then);
      };
    }
  }

  async run(sql: string, params: Params, then?: AfterStatement): Promise<void> {
    await this.prev;
    this.push(this.c.run(sql, params).then((r) => r.changes), then);
  }

  private push(statement: Promise<number>, then: AfterStatement | undefined): void {
    const next = then ? statement.then((changes) => then(this.c, changes)) : statement;
    next.catch(() => undefined); // observed by the next push or done(), which rethrow it
    this.prev = next;
  }

  async done(): Promise<void> {
    await this.prev;
  }
}

/** What runs on the connection right after a statement, given the number of rows it changed. */
export type AfterStatement = (c: Connection, changes: number) => Promise<unknown> | undefined;

/** Where the bulk inserts send their statements: a connection, or a pipeline that overlaps them. */
export interface StatementSink {
  run(sql: string, params: Params, then?: AfterStatement): Promise<unknown>;
  runMany?(sql: string, rows: SqlValue[][], then?: AfterStatement): Promise<unknown>;
}

type Verb = 'INSERT' | 'INSERT OR REPLACE' | 'INSERT OR IGNORE';

/**
 * Runs one statement on a connection or a pipeline, then `then` with the rows it changed (on a pipeline: in
 * turn, before any later statement).
 */
async function runThen(c: StatementSink, sql: string, params: Params | SqlValue[][], many: boolean, then: AfterStatement): Promise<void> {
  if (c instanceof Pipeline) {
    await (many ? c.runMany!(sql, params as SqlValue[][], then) : c.run(sql, params as Params, then));
    return;
  }
  const conn = c as Connection;
  const changes = many ? await conn.runMany!(sql, params as SqlValue[][]) : (await conn.run(sql, params as Params)).changes;
  await then(conn, changes);
}

/**
 * INSERT OR REPLACE of many rows without SQLite's statement journal. A statement that may fail half-way
 * (REPLACE turns into ABORT on a NOT NULL column, and replacing deletes index entries first) makes SQLite copy
 * every existing page it touches into a statement journal, a temporary file, so that it could undo the statement
 * alone: for the 354k-change initial load that was 1.2 GB of writes. INSERT OR IGNORE cannot fail half-way, so the
 * rows go in with it; only when it changed fewer rows than it was given (a key already there, a missing NOT NULL
 * value) does the same statement run again as INSERT OR REPLACE, which replaces those rows, or fails as before.
 */
export async function replaceRows(c: StatementSink, table: string, cols: string[], rows: SqlValue[][]): Promise<void> {
  await insertJsonRows(c, 'INSERT OR IGNORE', table, cols, rows, (sql, params, many, expected) =>
    async (conn, changes) => {
      if (changes >= expected) return;
      const again = sql.replace(/^INSERT OR IGNORE /, 'INSERT OR REPLACE ');
      if (many) await conn.runMany!(again, params as SqlValue[][]);
      else await conn.run(again, params as Params);
    });
}

/**
 * Plain INSERT of many rows into a table with no unique index but NOT NULL columns, without a statement journal
 * (see replaceRows): INSERT OR IGNORE, and an error when a row was left out.
 */
export async function appendRows(c: StatementSink, table: string, cols: string[], rows: SqlValue[][], missing: () => Error): Promise<void> {
  await insertJsonRows(c, 'INSERT OR IGNORE', table, cols, rows, (_sql, _params, _many, expected) =>
    async (_conn, changes) => {
      if (changes < expected) throw missing();
    });
}

/** For each statement an insert runs: what to run after it, given its SQL, parameters and row count. */
type Follow = (sql: string, params: Params | SqlValue[][], many: boolean, rows: number) => AfterStatement;

/**
 * Bulk INSERT: the rows travel as one JSON text and SQLite unpacks them with json_each on its own thread,
 * instead of one bound parameter per value converted on the JavaScript thread. SQLite's cost here is per JSON
 * value it extracts, so a column that holds the same value in every row (isDeleted, mime, the sender's
 * instanceId…) is bound once instead, and binary values (blob contents) travel as one bound BLOB that each
 * row takes its slice of. Rows whose column mixes binary and text values go through insertRows.
 */
export async function insertJsonRows(
  c: StatementSink, verb: Verb, table: string, cols: string[], rows: SqlValue[][], follow?: Follow,
): Promise<void> {
  if (c.runMany) {
    if (rows.length === 0) return;
    const sql = `${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`;
    if (follow) await runThen(c, sql, rows, true, follow(sql, rows, true, rows.length));
    else await c.runMany(sql, rows);
    return;
  }
  const chunk = 20000;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.length <= chunk ? rows : rows.slice(i, i + chunk);
    const statement = jsonInsert(verb, table, cols, part);
    if (!statement) await insertRows(c, verb, table, cols, part, follow);
    else if (follow) await runThen(c, statement.sql, statement.params, false, follow(statement.sql, statement.params, false, part.length));
    else await c.run(statement.sql, statement.params);
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
  c: StatementSink, verb: Verb, table: string, cols: string[], rows: SqlValue[][], follow?: Follow,
): Promise<void> {
  if (rows.length === 0) return;
  if (c.runMany) return insertJsonRows(c, verb, table, cols, rows, follow);
  const perRow = cols.length;
  const chunk = Math.max(1, Math.floor(32000 / perRow));
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const head = `${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES `;
  for (let i = 0; i < rows.length; i += chunk) {
    const n = Math.min(chunk, rows.length - i);
    const params: SqlValue[] = new Array(n * perRow);
    let k = 0;
    for (let r = i; r < i + n; r++) { const row = rows[r]; for (let j = 0; j < perRow; j++) params[k++] = row[j]; }
    const sql = head + new Array(n).fill(tuple).join(',');
    if (follow) await runThen(c, sql, params, false, follow(sql, params, false, n));
    else await c.run(sql, params);
  }
}
