// The `node:sqlite` driver: Node's built-in SQLite (Node ≥ 22.5). Synchronous: every call blocks the thread it
// runs on, so the extension host runs the replica in a worker (src/storage/worker).
import type { SqlValue } from '../types';
import type { Connection, DriverInfo, OpenOptions, Params } from './connection';

// The part of node:sqlite's API used here (this project's @types/node is Node 20's, which has no node:sqlite).
interface StatementSync {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  /** Node ≥ 22.16 / 24. */
  setReturnArrays?(enabled: boolean): void;
}
interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqlite {
  DatabaseSync: new (file: string, options?: Record<string, unknown>) => DatabaseSync;
}

let loaded: NodeSqlite | null | undefined;

/** The module, or null when this Node has none (Node 20, or Node 22 before 22.13 without its flag). */
export function loadNodeSqlite(): NodeSqlite | null {
  if (loaded !== undefined) return loaded;
  try {
    // A warning-free probe: process.getBuiltinModule does not print the ExperimentalWarning of older Node 22.
    const viaBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (viaBuiltin as NodeSqlite | undefined) ?? (require('node:sqlite') as NodeSqlite);
  } catch {
    loaded = null;
  }
  return loaded;
}

const STATEMENT_CACHE = 256;
/** Prefixes the cache key of a statement that returns arrays (no SQL text starts with a NUL). */
const ARRAYS_KEY = '\0arrays\0';
/** Rows per statement in runMany, and the shape of SQL it widens: `INSERT … INTO t (a, …, z) VALUES (?, …, ?)`. */
const MANY_ROWS = 32;
const MULTI_ROW = /^(.*?\()([^()]*)(\)\s*VALUES\s*)\([?,\s]*\)\s*$/is;

class NodeSqliteConnection implements Connection {
  private readonly statements = new Map<string, StatementSync>();
  readonly allArrays?: (sql: string, params?: Params) => Promise<SqlValue[][]>;

  constructor(private readonly db: DatabaseSync, readonly driver: DriverInfo, returnsArrays: boolean) {
    if (returnsArrays) this.allArrays = (sql, params = []) => this.arrays(sql, params);
  }

  /** A cached statement; `asArrays` ones are cached apart, as the setting belongs to the statement. */
  private prepare(sql: string, asArrays = false): StatementSync {
    const key = asArrays ? ARRAYS_KEY + sql : sql;
    let s = this.statements.get(key);
    if (s) {
      // keep recently used statements at the end of the map's order
      this.statements.delete(key);
      this.statements.set(key, s);
      return s;
    }
    s = this.db.prepare(sql);
    if (asArrays) s.setReturnArrays!(true);
    this.statements.set(key, s);
    if (this.statements.size > STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value as string);
    return s;
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number; lastID: number }> {
    const r = call(this.prepare(sql), 'run', params) as { changes: number | bigint; lastInsertRowid: number | bigint };
    return { changes: Number(r.changes), lastID: Number(r.lastInsertRowid) };
  }

  async all<T>(sql: string, params: Params = []): Promise<T[]> {
    const rows = call(this.prepare(sql), 'all', params) as Array<Record<string, unknown>>;
    for (let i = 0; i < rows.length; i++) rows[i] = plain(rows[i]);
    return rows as T[];
  }

  private async arrays(sql: string, params: Params): Promise<SqlValue[][]> {
    const rows = call(this.prepare(sql, true), 'all', params) as unknown[][];
    for (const row of rows) {
      for (let j = 0; j < row.length; j++) {
        const v = row[j];
        if (v instanceof Uint8Array) row[j] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      }
    }
    return rows as SqlValue[][];
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    const row = call(this.prepare(sql), 'get', params) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : (plain(row) as T);
  }

  async runMany(sql: string, rows: SqlValue[][]): Promise<number> {
    try {
      const m = MULTI_ROW.exec(sql);
      let i = 0;
      let changes = 0;
      const cols = m?.[2].split(',');
      if (m && cols && rows.length >= MANY_ROWS && cols.length === rows[0].length) {
        // One statement per MANY_ROWS rows: SQLite's per-statement work (AUTOINCREMENT bookkeeping, step and reset)
        // is paid once per group instead of once per row; measured about 2× less CPU than one row per statement.
        // A column that holds the same value in every row is one parameter that all rows of the statement name
        // (?1, ?2, …), so the driver converts and copies it once per statement instead of once per row. Those
        // columns come first in every tuple and the others are plain `?`: node:sqlite looks up the name of every
        // parameter it binds (sqlite3_bind_parameter_name, a scan of the named ones), which cost O(parameters²) per
        // statement when every parameter was numbered and now scans the few constants only.
        const width = rows[0].length;
        const constant = constantColumns(rows, width);
        const order: number[] = [];
        const head: unknown[] = [];
        for (let j = 0; j < width; j++) if (constant[j]) { order.push(j); head.push(bindable(rows[0][j])); }
        const varying: number[] = [];
        for (let j = 0; j < width; j++) if (!constant[j]) { order.push(j); varying.push(j); }
        const tuple = `(${[...head.map((_, k) => `?${k + 1}`), ...varying.map(() => '?')].join(',')})`;
        const n = head.length + varying.length * MANY_ROWS;
        const wide = this.prepare(`${m[1]}${order.map((j) => cols[j]).join(',')}${m[3]}${new Array(MANY_ROWS).fill(tuple).join(',')}`);
        const args: unknown[] = new Array(n);
        for (let k = 0; k < head.length; k++) args[k] = head[k];
        for (; i + MANY_ROWS <= rows.length; i += MANY_ROWS) {
          let k = head.length;
          for (let r = i; r < i + MANY_ROWS; r++) {
            const row = rows[r];
            for (let v = 0; v < varying.length; v++) args[k++] = bindable(row[varying[v]]);
          }
          changes += Number(wide.run(...args).changes);
        }
      }
      if (i < rows.length) {
        const one = this.prepare(sql);
        for (; i < rows.length; i++) changes += Number(one.run(...rows[i].map(bindable)).changes);
      }
      return changes;
    } catch (e) {
      throw withSqliteCode(e);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      this.db.exec(sql);
    } catch (e) {
      throw withSqliteCode(e);
    }
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db.close();
  }
}

function call(s: StatementSync, method: 'run' | 'all' | 'get', params: Params): unknown {
  try {
    if (Array.isArray(params)) {
      const args = params.map(bindable);
      return (s[method] as (...a: unknown[]) => unknown)(...args);
    }
    const named: Record<string, unknown> = {};
    for (const k of Object.keys(params)) named[k] = bindable(params[k]);
    return (s[method] as (...a: unknown[]) => unknown)(named);
  } catch (e) {
    throw withSqliteCode(e);
  }
}

/** Per column: true when every row holds the same number, string or null (Buffers are never shared). */
function constantColumns(rows: SqlValue[][], width: number): boolean[] {
  const out: boolean[] = new Array(width);
  const first = rows[0];
  for (let j = 0; j < width; j++) {
    const v = first[j];
    let same = v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    for (let r = 1; same && r < rows.length; r++) same = rows[r][j] === v;
    out[j] = same;
  }
  return out;
}

/** SQLite's primary result codes by number, named as @vscode/sqlite3 names them in `code` (SQLITE_BUSY, …). */
const RESULT_CODES: Record<number, string> = {
  1: 'ERROR', 2: 'INTERNAL', 3: 'PERM', 4: 'ABORT', 5: 'BUSY', 6: 'LOCKED', 7: 'NOMEM', 8: 'READONLY', 9: 'INTERRUPT',
  10: 'IOERR', 11: 'CORRUPT', 12: 'NOTFOUND', 13: 'FULL', 14: 'CANTOPEN', 15: 'PROTOCOL', 16: 'EMPTY', 17: 'SCHEMA',
  18: 'TOOBIG', 19: 'CONSTRAINT', 20: 'MISMATCH', 21: 'MISUSE', 22: 'NOLFS', 23: 'AUTH', 24: 'FORMAT', 25: 'RANGE', 26: 'NOTADB',
};

/** node:sqlite reports `code: 'ERR_SQLITE_ERROR'` and the number in `errcode`; callers switch on `SQLITE_…` codes. */
function withSqliteCode(e: unknown): unknown {
  const errcode = (e as { errcode?: unknown }).errcode;
  if (!(e instanceof Error) || typeof errcode !== 'number') return e;
  const name = `SQLITE_${RESULT_CODES[errcode & 0xff] ?? 'ERROR'}`;
  const out = new Error(`${name}: ${e.message}`, { cause: e });
  return Object.assign(out, { code: name, errno: errcode & 0xff });
}

/** What @vscode/sqlite3 accepts and node:sqlite refuses: undefined (bound as NULL) and booleans (as 0/1). */
function bindable(v: SqlValue | undefined | boolean): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** node:sqlite rows have a null prototype and Uint8Array blobs; the replica expects plain objects and Buffers. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    const v = row[k];
    out[k] = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}

export function openNodeSqlite(file: string, opts: OpenOptions): Connection {
  const sqlite = loadNodeSqlite();
  if (!sqlite) throw new Error('node:sqlite is not available in this Node');
  const db = new sqlite.DatabaseSync(file, { open: true, enableForeignKeyConstraints: false, timeout: 10000 });
  void opts;
  const probe = db.prepare('SELECT sqlite_version() AS v');
  const version = (probe.get() as { v: string }).v;
  return new NodeSqliteConnection(db, { name: 'node:sqlite', sqliteVersion: version, synchronous: true }, typeof probe.setReturnArrays === 'function');
}
