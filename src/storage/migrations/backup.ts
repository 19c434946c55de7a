// The copy of the replica file kept while a migration is new (Trilium keeps a backup before its migrations too).
// Listed in replica_meta, so the next successful sync can remove it.
import { copyFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Connection } from '../db';

const META = 'migrationBackups';

export function backupFileName(dbFile: string, from: number, to: number): string {
  return `${dbFile}.before-v${from}-to-v${to}`;
}

/**
 * Copies the replica file after a WAL checkpoint (written to a temporary name first, so a crash never leaves a
 * half copy under the final name). If a reader keeps the checkpoint from finishing, VACUUM INTO makes the copy.
 * Runs outside any transaction.
 */
export async function copyReplicaFile(c: Connection, dbPath: string, from: number, to: number): Promise<string> {
  const target = backupFileName(dbPath, from, to);
  const temp = `${target}.partial`;
  await rm(temp, { force: true });
  const cp = await c.get<{ busy: number; log: number; checkpointed: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
  if (cp && cp.busy === 0) {
    await copyFile(dbPath, temp);
  } else {
    await c.run('VACUUM INTO ?', [temp]);
  }
  await rename(temp, target);
  return target;
}

/** Records the backup (inside the migration's transaction: a rolled-back migration lists nothing). */
export async function recordBackup(c: Connection, file: string): Promise<void> {
  const list = await listBackups(c);
  if (!list.includes(path.basename(file))) list.push(path.basename(file));
  await c.run('INSERT OR REPLACE INTO replica_meta (name, value) VALUES (?, ?)', [META, JSON.stringify(list)]);
}

export async function listBackups(c: Connection): Promise<string[]> {
  const row = await c.get<{ value: string }>('SELECT value FROM replica_meta WHERE name = ?', [META]);
  if (!row) return [];
  try {
    const v = JSON.parse(row.value) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Deletes every listed backup next to the replica file; returns their paths. */
export async function discardBackups(c: Connection, dataDir: string): Promise<string[]> {
  const list = await listBackups(c);
  if (list.length === 0) return [];
  const removed: string[] = [];
  for (const name of list) {
    const file = path.join(dataDir, path.basename(name));
    await rm(file, { force: true });
    removed.push(file);
  }
  await c.run('DELETE FROM replica_meta WHERE name = ?', [META]);
  return removed;
}
