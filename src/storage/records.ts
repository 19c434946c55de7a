// Building sync records from entity changes: push bodies and /api/sync/changed answers (SYNC-PROTOCOL.md §4.2, §4.3).
import type { Connection } from './db';
import type { SchemaProfile } from './profiles';
import type { EntityChange, Row, SyncRecord } from './types';

export const PULL_BATCH = 1000;
export const RECORDS_BYTE_BUDGET = 1_000_000;

/** Records for the given changes, in their order; changes whose entity row is missing are left out. */
export async function buildRecords(c: Connection, profile: SchemaProfile, changes: EntityChange[]): Promise<SyncRecord[]> {
  const byTable = new Map<string, string[]>();
  for (const ec of changes) {
    if (ec.isErased || ec.entityName === 'note_reordering' || !profile.tables[ec.entityName]) continue;
    if (!byTable.has(ec.entityName)) byTable.set(ec.entityName, []);
    byTable.get(ec.entityName)!.push(ec.entityId);
  }
  const rows = new Map<string, Row>();
  for (const [t, ids] of byTable) {
    const pk = profile.tables[t].pk;
    for (const row of await c.all<Row>(`SELECT * FROM ${t} WHERE "${pk}" IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)])) {
      rows.set(`${t}\u0000${row[pk]}`, row);
    }
  }
  const out: SyncRecord[] = [];
  for (const ec of changes) {
    const entityChange = plainChange(ec);
    if (ec.isErased) { out.push({ entityChange }); continue; }
    if (ec.entityName === 'note_reordering') {
      const positions = await c.all<{ branchId: string; notePosition: number }>(
        'SELECT branchId, notePosition FROM branches WHERE parentNoteId = ? AND isDeleted = 0', [ec.entityId]);
      const entity: Row = {};
      for (const p of positions) entity[p.branchId] = p.notePosition;
      out.push({ entityChange, entity });
      continue;
    }
    const row = rows.get(`${ec.entityName}\u0000${ec.entityId}`);
    if (!row) continue;
    out.push({ entityChange, entity: ec.entityName === 'blobs' ? encodeBlob(row) : row });
  }
  return out;
}

function plainChange(ec: EntityChange): EntityChange {
  return {
    id: ec.id, entityName: ec.entityName, entityId: ec.entityId, hash: ec.hash, isErased: ec.isErased ? 1 : 0,
    changeId: ec.changeId, componentId: ec.componentId, instanceId: ec.instanceId, isSynced: ec.isSynced ? 1 : 0,
    utcDateChanged: ec.utcDateChanged,
  };
}

/**
 * Blob contents up to this size travel in records as base64 text; larger ones stay Buffers, which the JSON writers
 * of src/sync write as base64 a slice at a time (and the apply takes either).
 */
export const LARGE_BLOB_BYTES = 1024 * 1024;

function encodeBlob(row: Row): Row {
  const content = row.content;
  if (content === null || content === undefined) return row;
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(String(content), 'utf8');
  return { ...row, content: buf.length > LARGE_BLOB_BYTES ? buf : buf.toString('base64') };
}

/** Approximate JSON length of a record, for the ~1 MB budget (the record crossing it is included). */
export function recordSize(r: SyncRecord): number {
  const content = r.entity?.content;
  if (!Buffer.isBuffer(content)) return JSON.stringify(r).length;
  return JSON.stringify({ ...r, entity: { ...r.entity, content: '' } }).length + Math.ceil(content.length / 3) * 4;
}

export async function changedForPull(
  c: Connection, profile: SchemaProfile, lastEntityChangeId: number, requesterInstanceId: string,
): Promise<{ entityChanges: SyncRecord[]; lastEntityChangeId: number; outstandingPullCount: number }> {
  let cursor = lastEntityChangeId;
  let records: SyncRecord[] = [];
  for (;;) {
    const batch = await c.all<EntityChange>(
      'SELECT * FROM entity_changes WHERE isSynced = 1 AND id > ? ORDER BY id LIMIT ?', [cursor, PULL_BATCH]);
    if (batch.length === 0) break;
    const wanted = batch.filter((ec) => ec.instanceId !== requesterInstanceId);
    const built = await buildRecords(c, profile, wanted);
    let size = 0;
    let cut = -1;
    for (let i = 0; i < built.length; i++) {
      size += recordSize(built[i]);
      if (size > RECORDS_BYTE_BUDGET) { cut = i; break; }
    }
    if (cut >= 0) {
      records = built.slice(0, cut + 1);
      cursor = records[records.length - 1].entityChange.id;
      break;
    }
    // Nothing was cut: the cursor may move past rows that were the requester's own or had no entity row.
    cursor = batch[batch.length - 1].id;
    if (built.length > 0) { records = built; break; }
  }
  const outstanding = await c.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM entity_changes WHERE isSynced = 1 AND instanceId != ? AND id > ?', [requesterInstanceId, cursor]);
  return { entityChanges: records, lastEntityChangeId: cursor, outstandingPullCount: outstanding?.n ?? 0 };
}
