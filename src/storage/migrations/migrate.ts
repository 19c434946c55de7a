// Brings a replica from one sync protocol profile to a newer one, in place, in ONE transaction: Trilium's schema
// and data changes to synced tables and entity_changes, the stored versions. Stored entity hashes are kept, as
// Trilium keeps them. Unsynced local changes stay in entity_changes past lastSyncedPush and are pushed by the next sync.
import { rm, writeFile } from 'node:fs/promises';
import type { Connection } from '../db';
import { TriliumError } from '../errors';
import { entityHash } from '../hash';
import { getProfile, type SchemaProfile } from '../profiles';
import { copyReplicaFile, recordBackup } from './backup';
import { dataStepsBetween } from './dataSteps';
import type { ReplicaMigration } from './report';
import { applySchemaChanges, schemaChanges, tablesWithNewHashColumns } from './schemaChanges';
import { TRILIUM_DB_VERSIONS } from './versions';

export interface MigrateOptions {
  /** Path of document.db (the backup goes next to it). */
  dbPath: string;
  to: SchemaProfile;
  now: Date;
  /** Default true. */
  backup?: boolean;
}

/** Test hook: the migration writes this file and waits inside its transaction (for a kill -9 test). */
const PAUSE_ENV = 'TRILIUM_TEST_PAUSE_IN_MIGRATION';

export function checkMigration(from: number, to: number): void {
  getProfile(from);
  getProfile(to);
  if (to <= from) {
    throw new TriliumError('UNSUPPORTED_VERSION', `A replica at sync version ${from} cannot be migrated to version ${to}.`,
      'Replicas only move forward; point it at a server speaking its version or a newer one.');
  }
}

async function storedSyncVersion(c: Connection): Promise<number> {
  return Number((await c.get<{ value: string }>("SELECT value FROM replica_meta WHERE name = 'syncVersion'"))?.value);
}

/**
 * Runs on the writer connection outside any transaction (it takes the backup, then opens its own). On any
 * failure the transaction is rolled back and the replica is as it was. The version it starts from is the one
 * stored in the file: another process (a second VS Code window, the CLI) may have migrated it already.
 */
export async function migrateDocument(c: Connection, opts: MigrateOptions): Promise<ReplicaMigration> {
  const started = Date.now();
  const { to } = opts;
  const from = getProfile(await storedSyncVersion(c));
  if (from.syncVersion === to.syncVersion) return alreadyThere(to, Date.now() - started);
  checkMigration(from.syncVersion, to.syncVersion);
  const backupFile = opts.backup === false ? null : await copyReplicaFile(c, opts.dbPath, from.syncVersion, to.syncVersion);
  const steps: string[] = [];
  if (backupFile) steps.push(`Copied the replica to ${backupFile}.`);
  const removedNoteIds: string[] = [];
  await c.exec('BEGIN IMMEDIATE');
  try {
    const stored = await storedSyncVersion(c);
    if (stored !== from.syncVersion) {
      throw new TriliumError('SCHEMA_MISMATCH', `The replica changed to sync version ${stored} while it was being migrated.`, 'Sync again.');
    }
    const pushed = Number((await c.get<{ value: string }>("SELECT value FROM options WHERE name = 'lastSyncedPush'"))?.value ?? 0);
    steps.push(...(await applySchemaChanges(c, schemaChanges(from, to))));
    for (const step of dataStepsBetween(from.syncVersion, to.syncVersion)) {
      const r = await step.run(c);
      steps.push(`[${step.dbVersion}] ${r.line}`);
      if (r.removedNoteIds) removedNoteIds.push(...r.removedNoteIds);
    }
    // Stored entity hashes stay as they are, as in Trilium's own migrations: a real server keeps, for example, the
    // pre-0.103 hash of every old revision, so recomputing them here would fail the first content hash check.
    for (const def of tablesWithNewHashColumns(from, to)) {
      steps.push(`${def.name}: stored hashes kept as Trilium keeps them; rows written from now on hash with the columns of sync version ${to.syncVersion}.`);
    }
    const fromDb = TRILIUM_DB_VERSIONS[from.syncVersion];
    const toDb = TRILIUM_DB_VERSIONS[to.syncVersion];
    await c.run("UPDATE replica_meta SET value = ? WHERE name = 'syncVersion'", [String(to.syncVersion)]);
    await setLocalOption(c, to, 'dbVersion', String(toDb), opts.now);
    if (backupFile) await recordBackup(c, backupFile);
    const unsynced = (await c.get<{ n: number }>('SELECT COUNT(*) AS n FROM entity_changes WHERE isSynced = 1 AND id > ?', [pushed]))?.n ?? 0;
    steps.push(`Sync version ${from.syncVersion} → ${to.syncVersion}, database version ${fromDb} → ${toDb}; ${unsynced} unsynced change${unsynced === 1 ? '' : 's'} kept for the next push.`);
    await pauseForTests();
    await c.exec('COMMIT');
    return {
      fromSyncVersion: from.syncVersion, toSyncVersion: to.syncVersion, fromReleases: from.releases, toReleases: to.releases,
      fromDbVersion: fromDb, toDbVersion: toDb, steps, backupFile, unsyncedChangesKept: unsynced, removedNoteIds,
      durationMs: Date.now() - started,
    };
  } catch (e) {
    await c.exec('ROLLBACK').catch(() => undefined);
    if (backupFile) await rm(backupFile, { force: true });
    throw e;
  }
}

function alreadyThere(to: SchemaProfile, durationMs: number): ReplicaMigration {
  const db = TRILIUM_DB_VERSIONS[to.syncVersion];
  return {
    fromSyncVersion: to.syncVersion, toSyncVersion: to.syncVersion, fromReleases: to.releases, toReleases: to.releases,
    fromDbVersion: db, toDbVersion: db, steps: [`The replica file is already at sync version ${to.syncVersion} (migrated by another process).`],
    backupFile: null, unsyncedChangesKept: 0, removedNoteIds: [], durationMs,
  };
}

/** A local option and its (unsynced) entity change, as the profile hashes it. */
async function setLocalOption(c: Connection, profile: SchemaProfile, name: string, value: string, now: Date): Promise<void> {
  const utc = now.toISOString().replace('T', ' ');
  const res = await c.run('UPDATE options SET value = ?, utcDateModified = ? WHERE name = ?', [value, utc, name]);
  if (res.changes === 0) return;
  await c.run("UPDATE entity_changes SET hash = ?, utcDateChanged = ? WHERE entityName = 'options' AND entityId = ?",
    [entityHash(profile.tables.options, { name, value }), utc, name]);
}

async function pauseForTests(): Promise<void> {
  const file = process.env[PAUSE_ENV];
  if (!file) return;
  await writeFile(file, String(process.pid));
  await new Promise((resolve) => setTimeout(resolve, 120_000));
}
