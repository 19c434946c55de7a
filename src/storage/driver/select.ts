// Which SQLite driver this process uses: `node:sqlite` whenever the running Node has it, else `@vscode/sqlite3`.
// TRILIUM_SQLITE_DRIVER=node-sqlite|vscode-sqlite3 forces one (tests run the core on both).
import { existsSync } from 'node:fs';
import { TriliumError } from '../errors';
import type { Connection, DriverName, OpenOptions } from './connection';
import { loadNodeSqlite, openNodeSqlite } from './nodeSqlite';
import { loadVscodeSqlite, openVscodeSqlite } from './vscodeSqlite';

const FORCED: Record<string, DriverName> = { 'node-sqlite': 'node:sqlite', 'vscode-sqlite3': '@vscode/sqlite3' };

function available(name: DriverName): boolean {
  return name === 'node:sqlite' ? loadNodeSqlite() !== null : loadVscodeSqlite() !== null;
}

/** The driver this process opens replicas with; a clear error when there is none. */
export function chooseDriver(env: NodeJS.ProcessEnv = process.env): DriverName {
  const wanted = env.TRILIUM_SQLITE_DRIVER?.trim();
  if (wanted) {
    const name = FORCED[wanted];
    if (!name) {
      throw new TriliumError('NO_SQLITE_DRIVER', `TRILIUM_SQLITE_DRIVER is "${wanted}".`,
        `Use ${Object.keys(FORCED).join(' or ')}, or unset it.`);
    }
    if (!available(name)) throw noDriver(`TRILIUM_SQLITE_DRIVER asks for ${name}, which this Node ${process.version} cannot load.`);
    return name;
  }
  if (available('node:sqlite')) return 'node:sqlite';
  if (available('@vscode/sqlite3')) return '@vscode/sqlite3';
  throw noDriver(`This Node (${process.version}) has no built-in node:sqlite, and this package carries no @vscode/sqlite3.`);
}

function noDriver(message: string): TriliumError {
  return new TriliumError('NO_SQLITE_DRIVER', message,
    'Update VS Code: current releases run a Node with node:sqlite (VS Code 1.100 does not). On VS Code 1.100, ' +
    'install the linux-x64 package of the extension, which carries @vscode/sqlite3. For the CLI, use Node 22.13 or newer.');
}

export async function openConnection(file: string, opts: OpenOptions, driver: DriverName = chooseDriver()): Promise<Connection> {
  if (!opts.create && file !== ':memory:' && !existsSync(file)) {
    throw Object.assign(new Error(`SQLITE_CANTOPEN: unable to open database file ${file}`), { code: 'SQLITE_CANTOPEN' });
  }
  return driver === 'node:sqlite' ? openNodeSqlite(file, opts) : openVscodeSqlite(file, opts);
}
