// Shared test helpers for the storage tests: temporary replicas, a controllable clock, raw row access.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openConnection } from '../../../src/storage/db';
import { createReplica, hashedBlobId, type Replica } from '../../../src/storage';
import type { Clock, EntityChange, Row, SqlValue, SyncRecord } from '../../../src/storage/types';

export class TestClock implements Clock {
  constructor(public t = Date.parse('2026-11-24T10:00:00.000Z')) {}
  now(): Date {
    this.t += 1;
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'trilium-storage-test-'));
  dirs.push(d);
  return d;
}

export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function newDoc(syncVersion = 39, clock: Clock = new TestClock()): Promise<Replica> {
  return createReplica(tempDir(), { syncVersion, kind: 'newDocument', clock });
}

/** Reads the file directly with a separate connection, as any other SQLite client would. */
export async function rawAll(dataDir: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const db = await openConnection(path.join(dataDir, 'document.db'), { create: false });
  try {
    return await db.all<Row>(sql, params as SqlValue[]);
  } finally {
    await db.close();
  }
}

/** Writes to the file directly with a separate connection, behind the replica's back. */
export async function rawRun(dataDir: string, sql: string, params: unknown[] = []): Promise<void> {
  const db = await openConnection(path.join(dataDir, 'document.db'), { create: false });
  try {
    await db.exec('PRAGMA busy_timeout = 5000');
    await db.run(sql, params as SqlValue[]);
  } finally {
    await db.close();
  }
}

export async function changesOf(dataDir: string, entityName: string, entityId: string): Promise<EntityChange[]> {
  return (await rawAll(dataDir, 'SELECT * FROM entity_changes WHERE entityName = ? AND entityId = ?', [entityName, entityId])) as unknown as EntityChange[];
}

export async function maxChangeId(dataDir: string): Promise<number> {
  const r = await rawAll(dataDir, 'SELECT COALESCE(MAX(id), 0) AS m FROM entity_changes');
  return Number(r[0].m);
}

/** Entity changes written after `afterId`, as [entityName, entityId] pairs in id order. */
export async function changesAfter(dataDir: string, afterId: number): Promise<Array<[string, string]>> {
  const rows = await rawAll(dataDir, 'SELECT entityName, entityId FROM entity_changes WHERE id > ? ORDER BY id', [afterId]);
  return rows.map((r) => [String(r.entityName), String(r.entityId)]);
}

/** Pulls everything from `from` into `to` the way a client pulls from a server. */
export async function pullAll(from: Replica, to: Replica, opts: { unsent?: number } = {}): Promise<{ applied: number; conflicts: number }> {
  let cursor = await to.getCursor('lastSyncedPull');
  let applied = 0;
  let conflicts = 0;
  for (;;) {
    const page = await from.getChangedForPull(cursor, to.instanceId);
    const r = await to.applyRecords(page.entityChanges, { senderInstanceId: from.instanceId, unsentAfterId: opts.unsent },
      { name: 'lastSyncedPull', value: page.lastEntityChangeId });
    applied += r.applied;
    conflicts += r.conflicts.length;
    cursor = page.lastEntityChangeId;
    if (page.entityChanges.length === 0) return { applied, conflicts };
  }
}

/** Pushes `from`'s own changes after its lastSyncedPush into `to` (a server), then moves the cursor. */
export async function pushAll(from: Replica, to: Replica): Promise<number> {
  let cursor = await from.getCursor('lastSyncedPush');
  let n = 0;
  for (;;) {
    const changes = await from.getChangesToPush(cursor, to.instanceId, 1000);
    if (changes.length === 0) return n;
    const records = await from.buildRecords(changes);
    await to.applyRecords(records, { senderInstanceId: from.instanceId });
    cursor = changes[changes.length - 1].id;
    await from.setCursor('lastSyncedPush', cursor);
    n += records.length;
  }
}

/** Gives a replica Trilium's hidden subtree root (`_hidden` under root), as a server would sync it. */
export async function addHiddenRoot(r: Replica): Promise<void> {
  const base = { isErased: 0 as const, componentId: 'NA', instanceId: 'srv', isSynced: 1 as const, utcDateChanged: '2026-11-24 10:00:00.000Z' };
  const recs: SyncRecord[] = [
    { entityChange: { ...base, id: 1, entityName: 'notes', entityId: '_hidden', hash: 'h', changeId: 'hiddenchange' },
      entity: { noteId: '_hidden', title: 'Hidden Notes', isProtected: 0, type: 'doc', mime: '', blobId: hashedBlobId(''), isDeleted: 0,
        deleteId: null, dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u' } },
    { entityChange: { ...base, id: 2, entityName: 'branches', entityId: 'root__hidden', hash: 'h', changeId: 'hiddenbranch' },
      entity: { branchId: 'root__hidden', noteId: '_hidden', parentNoteId: 'root', notePosition: 999999999, prefix: null, isExpanded: 0,
        isDeleted: 0, deleteId: null, utcDateModified: 'u' } },
  ];
  await r.applyRecords(recs, { senderInstanceId: 'srv' });
}
