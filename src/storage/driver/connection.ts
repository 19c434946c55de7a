// The one small interface the replica talks to SQLite through. Two drivers implement it: Node's built-in
// `node:sqlite` (synchronous, no native build) and `@vscode/sqlite3` (asynchronous, a native module).
import type { SqlValue } from '../types';

export type Params = SqlValue[] | Record<string, SqlValue>;

export type DriverName = 'node:sqlite' | '@vscode/sqlite3';

export interface DriverInfo {
  name: DriverName;
  sqliteVersion: string;
  /** True when every call blocks the calling thread (the replica then belongs in a worker). */
  synchronous: boolean;
}

export interface OpenOptions {
  /** Create the file when it is missing; otherwise a missing file is an error. */
  create: boolean;
}

/** One SQLite connection. Rows are plain objects; BLOB values come back as Buffers. */
export interface Connection {
  readonly driver: DriverInfo;
  run(sql: string, params?: Params): Promise<{ changes: number; lastID: number }>;
  all<T = Record<string, SqlValue>>(sql: string, params?: Params): Promise<T[]>;
  get<T = Record<string, SqlValue>>(sql: string, params?: Params): Promise<T | undefined>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs one prepared statement once per row and returns the number of rows it changed. Only synchronous drivers
   * have it: binding values there is cheap, so bulk inserts use it instead of packing rows into JSON for SQLite
   * to unpack.
   */
  runMany?(sql: string, rows: SqlValue[][]): Promise<number>;
  /**
   * The rows as arrays of column values, in the query's column order. Only drivers that can build them without a
   * per-row object have it (node:sqlite from Node 22.16/24); large listings otherwise pack their rows into one JSON
   * text in SQL.
   */
  allArrays?(sql: string, params?: Params): Promise<SqlValue[][]>;
}
