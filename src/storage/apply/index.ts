// Applying pulled or pushed records (SYNC-PROTOCOL.md §7), with conflict capture (issues 4 and 7).
import { insertJsonRows } from '../db';
import { TriliumError } from '../errors';
import { randomString } from '../ids';
import { ERASABLE_TABLES } from '../profiles';
import type { ApplyOptions } from '../replicaApi';
import type { Row, SqlValue, SyncRecord } from '../types';
import { EC_COLUMNS, type WriteContext } from '../writeContext';
import { applyBulk } from './bulk';
import { collectBlobNotes, collectChanges } from './changes';
import { isLargeBlob, writeLargeBlob } from './largeBlobs';
import { captureConflict, CONFLICT_MARK, conflictFromPeerRevision, findMoveConflicts, insertConflict, readNotesWithChanges } from './conflicts';
import { coerce, decodeBlob, keyOf, normalizeValue, type BatchOutcome, type Candidate, type Ec } from './shared';

export { CONFLICT_MARK, insertConflict, type NewConflict } from './conflicts';
export type { BatchOutcome } from './shared';
export { validateRecords } from './validate';

/**
 * Applies one batch inside the caller's transaction. `bulk`: an initial load into an empty replica, no local changes
 * to compare, without its secondary indexes ('plain') or with them built before its last pages ('indexed').
 */
export async function applyBatch(
  w: WriteContext, records: SyncRecord[], opts: ApplyOptions, bulk: false | 'plain' | 'indexed', localInstanceIds: Set<string> = new Set(),
): Promise<BatchOutcome> {
  if (bulk) return applyBulk(w, records, opts.senderInstanceId, bulk === 'indexed');
  const { profile } = w;
  const sender = opts.senderInstanceId;
  const out: BatchOutcome = { applied: 0, skipped: 0, bounced: 0, conflicts: [] };
  const local = new Map<string, Ec>();
  const seenChangeIds = new Set<string>();

  if (!bulk && records.length > 0) {
    const changeIds = records.map((r) => r.entityChange.changeId).filter(Boolean);
    for (const row of await w.c.all<{ changeId: string }>(
      'SELECT changeId FROM entity_changes WHERE changeId IN (SELECT value FROM json_each(?))', [JSON.stringify(changeIds)])) {
      seenChangeIds.add(row.changeId);
    }
    const keys = records.map((r) => [r.entityChange.entityName, r.entityChange.entityId]);
    for (const row of await w.c.all<Ec & { id: number }>(
      `SELECT e.* FROM json_each(?) j JOIN entity_changes e
         ON e.entityName = json_extract(j.value, '$[0]') AND e.entityId = json_extract(j.value, '$[1]')`, [JSON.stringify(keys)])) {
      local.set(keyOf(row.entityName, row.entityId), row);
    }
  }

  const upserts = new Map<string, Map<string, Row>>();
  const deletes = new Map<string, Set<string>>();
  const reorders: Array<{ parentNoteId: string; positions: Record<string, SqlValue> }> = [];
  const ecWrites = new Map<string, Ec>();
  const candidates: Candidate[] = [];
  const branchWatch: Array<{ remote: Ec; entity: Row | undefined; local: Ec }> = [];
  const isUnsent = (l: Ec) =>
    opts.unsentAfterId !== undefined && l.id !== undefined && l.id > opts.unsentAfterId && l.instanceId !== sender;

  const store = (key: string, ec: Ec) => {
    ecWrites.delete(key);
    ecWrites.set(key, ec);
    local.set(key, ec);
  };

  for (const r of records) {
    const R = coerce(r.entityChange, sender);
    const key = keyOf(R.entityName, R.entityId);
    if (R.changeId && seenChangeIds.has(R.changeId)) { out.skipped++; continue; }
    if (R.changeId) seenChangeIds.add(R.changeId);
    if (!r.entity && R.entityName === 'options') { out.skipped++; continue; }
    if (R.entityName === 'note_reordering') {
      reorders.push({ parentNoteId: R.entityId, positions: (r.entity ?? {}) as Record<string, SqlValue> });
      w.change.parentNoteIds.add(R.entityId);
      store(key, R);
      out.applied++;
      continue;
    }
    const L = local.get(key);
    const remoteWins = !L || (!!L.utcDateChanged && !!R.utcDateChanged && L.utcDateChanged <= R.utcDateChanged);
    const differs = !!L && (L.hash !== R.hash || L.isErased !== R.isErased);
    if (L && R.entityName === 'branches' && isUnsent(L)) branchWatch.push({ remote: R, entity: r.entity, local: L });
    if (remoteWins) {
      const t = R.entityName;
      const pk = R.entityId;
      if (R.isErased) {
        if (ERASABLE_TABLES.has(t)) {
          upserts.get(t)?.delete(pk);
          if (!deletes.has(t)) deletes.set(t, new Set());
          deletes.get(t)!.add(pk);
        }
      } else {
        if (!r.entity) {
          throw new TriliumError('PROTOCOL', `Empty entity row for ${t} ${pk} in a sync batch.`, 'The sender is inconsistent; run a full sync.');
        }
        const row = t === 'blobs' ? decodeBlob(r.entity) : r.entity;
        deletes.get(t)?.delete(pk);
        if (!upserts.has(t)) upserts.set(t, new Map());
        upserts.get(t)!.set(pk, row);
      }
      if (L && differs && isUnsent(L)) candidates.push({ remote: R, local: L, entity: r.entity, loser: 'local' });
      store(key, R);
      out.applied++;
    } else if (differs) {
      if (isUnsent(L!)) candidates.push({ remote: R, local: L!, entity: r.entity, loser: 'remote' });
      store(key, { ...L!, id: undefined, changeId: randomString(12), instanceId: w.instanceId });
      out.bounced++;
    } else {
      out.skipped++;
    }
  }

  // Local rows as they were before this batch, for conflict snapshots.
  const before = new Map<string, Row>();
  const wanted = [...candidates.map((c) => c.local), ...branchWatch.map((b) => b.local)];
  for (const l of wanted) {
    const def = profile.tables[l.entityName];
    if (!def || before.has(keyOf(l.entityName, l.entityId))) continue;
    const row = await w.c.get<Row>(`SELECT * FROM ${l.entityName} WHERE "${def.pk}" = ?`, [l.entityId]);
    if (row) before.set(keyOf(l.entityName, l.entityId), row);
  }
  const movePairs = await findMoveConflicts(w, branchWatch, upserts.get('branches'), before, opts, sender);
  const marked = opts.unsentAfterId === undefined ? [] : [...(upserts.get('revisions')?.values() ?? [])]
    .filter((r) => typeof r.description === 'string' && r.description.startsWith(CONFLICT_MARK));
  const notesBefore = await readNotesWithChanges(w, marked.map((r) => String(r.noteId)));

  for (const [t, ids] of deletes) {
    if (ids.size === 0) continue;
    const pk = profile.tables[t].pk;
    await w.c.run(`DELETE FROM ${t} WHERE "${pk}" IN (SELECT value FROM json_each(?))`, [JSON.stringify([...ids])]);
  }
  for (const [t, rows] of upserts) {
    const groups = new Map<string, Row[]>();
    for (const row of rows.values()) {
      if (t === 'blobs' && isLargeBlob(row.content)) {
        const cols = Object.keys(row);
        await writeLargeBlob(w.c, 'INSERT OR REPLACE', t, cols, cols.map((c) => normalizeValue(row[c])), cols.indexOf('content'));
        continue;
      }
      const sig = Object.keys(row).join(',');
      if (!groups.has(sig)) groups.set(sig, []);
      groups.get(sig)!.push(row);
    }
    for (const [sig, list] of groups) {
      const cols = sig.split(',');
      await insertJsonRows(w.c, 'INSERT OR REPLACE', t, cols, list.map((row) => cols.map((c) => normalizeValue(row[c]))));
    }
  }
  for (const ro of reorders) {
    await w.c.run(
      'UPDATE branches SET notePosition = CAST(j.value AS INTEGER) FROM json_each(?) j WHERE branches.branchId = j.key',
      [JSON.stringify(ro.positions)]);
  }
  await insertJsonRows(w.c, 'INSERT OR REPLACE', 'entity_changes', [...EC_COLUMNS],
    [...ecWrites.values()].map((e) => EC_COLUMNS.map((k) => e[k] as SqlValue)));

  if (!bulk) collectChanges(w, upserts, deletes, before);
  if (!bulk) await collectBlobNotes(w, upserts.get('blobs'));

  for (const c of candidates) {
    const rec = await captureConflict(w, c, before.get(keyOf(c.local.entityName, c.local.entityId)), sender);
    if (rec) out.conflicts.push(rec);
  }
  for (const m of movePairs) out.conflicts.push(await insertConflict(w, m));
  if (marked.length) {
    const direct = new Set(out.conflicts.map((c) => c.noteId));
    const notesAfter = await readNotesWithChanges(w, marked.map((r) => String(r.noteId)));
    for (const rev of marked) {
      const rec = await conflictFromPeerRevision(w, rev, notesBefore.get(String(rev.noteId)), notesAfter.get(String(rev.noteId)), localInstanceIds, direct);
      if (rec) out.conflicts.push(rec);
    }
  }
  return out;
}
