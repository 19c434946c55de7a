// Promise wrapper over @vscode/sqlite3 with a single-writer transaction queue.
import * as sqlite3 from '@vscode/sqlite3';
import type { SqlValue } from './types';

export type Params = SqlValue[] | Record<string, SqlValue>;

/** One SQLite connection with promise methods. */
export class Connection {
  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string, mode: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(new Connection(db))));
    });
  }

  run(sql: string, params: Params = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (err) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  all<T = Record<string, SqlValue>>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
    });
  }

  async get<T = Record<string, SqlValue>>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

export const OPEN_RW = sqlite3.OPEN_READWRITE;
export const OPEN_CREATE = sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;

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

  constructor(private readonly c: Connection) {}

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
}

/**
 * Bulk INSERT of rows without binary values: the rows travel as one JSON text and SQLite unpacks them with
 * json_each on its own thread, instead of one bound parameter per value on the JavaScript thread.
 */
export async function insertJsonRows(
  c: StatementSink, verb: 'INSERT' | 'INSERT OR REPLACE' | 'INSERT OR IGNORE', table: string, cols: string[], rows: SqlValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  const select = cols.map((_, i) => `value ->> ${i}`).join(', ');
  const sql = `${verb} INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) SELECT ${select} FROM json_each(?)`;
  const chunk = 20000;
  for (let i = 0; i < rows.length; i += chunk) await c.run(sql, [JSON.stringify(rows.length <= chunk ? rows : rows.slice(i, i + chunk))]);
}

/** Multi-row INSERT in chunks that respect SQLite's variable limit (32766 in this build). */
export async function insertRows(
  c: StatementSink, verb: 'INSERT' | 'INSERT OR REPLACE' | 'INSERT OR IGNORE', table: string, cols: string[], rows: SqlValue[][],
): Promise<void> {
  if (rows.length === 0) return;
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
