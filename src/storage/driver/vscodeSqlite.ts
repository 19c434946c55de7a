// The `@vscode/sqlite3` driver: a native module, asynchronous (SQLite runs on libuv's thread pool). The fallback for
// hosts whose Node has no `node:sqlite` (VS Code 1.100 on Node 20, the CLI on Node 20). Loaded lazily: the
// universal package does not carry it.
import type { SqlValue } from '../types';
import type { Connection, DriverInfo, OpenOptions, Params } from './connection';

type Sqlite3 = typeof import('@vscode/sqlite3');
type Database = import('@vscode/sqlite3').Database;

let loaded: Sqlite3 | null | undefined;

export function loadVscodeSqlite(): Sqlite3 | null {
  if (loaded !== undefined) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('@vscode/sqlite3') as Sqlite3;
  } catch {
    loaded = null;
  }
  return loaded;
}

class VscodeSqliteConnection implements Connection {
  constructor(private readonly db: Database, readonly driver: DriverInfo) {}

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

  /**
   * The first row, read with Database#all: Database#get leaves its statement active (inside a read transaction)
   * until its finalize comes round, and reads that other callers run on the connection meanwhile share that
   * transaction's snapshot, so a read issued after a commit could miss it. Every `get` here is a one-row query.
   */
  get<T = Record<string, SqlValue>>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows[0] as T | undefined)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

export async function openVscodeSqlite(file: string, opts: OpenOptions): Promise<Connection> {
  const sqlite3 = loadVscodeSqlite();
  if (!sqlite3) throw new Error('@vscode/sqlite3 is not available');
  const mode = opts.create ? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE : sqlite3.OPEN_READWRITE;
  const db = await new Promise<Database>((resolve, reject) => {
    const d = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(d)));
  });
  const version = await new Promise<string>((resolve, reject) =>
    db.get('SELECT sqlite_version() AS v', (err, row: { v: string }) => (err ? reject(err) : resolve(row.v))));
  return new VscodeSqliteConnection(db, { name: '@vscode/sqlite3', sqliteVersion: version, synchronous: false });
}
