// Applying pulled or pushed records (SYNC-PROTOCOL.md §7), with conflict capture (issues 4 and 7).
import { TriliumError } from './errors';
import { insertJsonRows, Pipeline } from './db';
import { randomString } from './ids';
import { asBuffer, isPlainBytes } from './transferables';
import { ERASABLE_TABLES, getProfile, supportedSyncVersions, type SchemaProfile } from './profiles';
import type { ApplyOptions } from './replicaApi';
import { isPasswordOption } from './protected/documentPassword';
import { writeRevision } from './revisions';
import type { BranchRow, ConflictRecord, EntityChange, NoteRow, Row, SqlValue, SyncRecord } from './types';
import { EC_COLUMNS, type WriteContext } from './writeContext';

type Ec = Omit<EntityChange, 'id'> & { id?: number };

export interface BatchOutcome {
  applied: number;
  skipped: number;
  bounced: number;
  conflicts: ConflictRecord[];
}

const keyOf = (name: string, id: string) => `${name}\u0000${id}`;

/** Throws SCHEMA_MISMATCH before anything is written when a record does not fit the profile. */
export function validateRecords(profile: SchemaProfile, records: SyncRecord[], senderSyncVersion?: number): void {
  const checked = new Set<string>();
  // The last key list checked per table: consecutive records of a table nearly always share it, so most
  // records are checked by comparing keys, without building a signature string.
  const lastKeys = new Map<string, string[]>();
  for (const r of records) {
    const ec = r.entityChange;
    if (!ec || typeof ec.entityName !== 'string' || typeof ec.entityId !== 'string') {
      throw new TriliumError('PROTOCOL', 'A sync record has no valid entityChange.', 'This is a bug in the sender; report it.');
    }
    if (!Object.hasOwn(profile.tables, ec.entityName) && ec.entityName !== 'note_reordering') throw schemaMismatch(profile, ec.entityName, null, senderSyncVersion);
    if (r.entity && ec.entityName !== 'note_reordering') {
      const keys = Object.keys(r.entity);
      const prev = lastKeys.get(ec.entityName);
      if (prev && sameKeys(prev, keys)) continue;
      lastKeys.set(ec.entityName, keys);
      const sig = ec.entityName + ':' + keys.join(',');
      if (checked.has(sig)) continue;
      const cols = profile.columnSet(ec.entityName);
      for (const k of keys) if (!cols.has(k)) throw schemaMismatch(profile, ec.entityName, k, senderSyncVersion);
      checked.add(sig);
    }
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function schemaMismatch(profile: SchemaProfile, table: string, column: string | null, sender?: number): TriliumError {
  const knownIn = supportedSyncVersions().filter((v) => {
    const p = getProfile(v);
    return column === null ? p.syncedEntityNames.includes(table) : !!p.tables[table]?.columns.some((c) => c.name === column);
  });
  const what = column === null ? `table "${table}"` : `column "${table}.${column}"`;
  const senderText = sender !== undefined ? `sync version ${sender}` : 'an unknown sync version';
  const where = knownIn.length ? ` (versions that have it: ${knownIn.join(', ')})` : ' (no supported version has it)';
  return new TriliumError(
    'SCHEMA_MISMATCH',
    `Received ${what}, which sync version ${profile.syncVersion} (this replica) does not have; the sender uses ${senderText}${where}. Nothing of this batch was written.`,
    'Both sides must speak the same sync version: update the extension or the Trilium server so that they match.',
  );
}

function coerce(ec: EntityChange, senderInstanceId: string): Ec {
  return {
    entityName: ec.entityName,
    entityId: ec.entityId,
    hash: ec.hash ?? '',
    isErased: ec.isErased ? 1 : 0,
    changeId: ec.changeId,
    componentId: ec.componentId || 'NA',
    instanceId: senderInstanceId,
    isSynced: ec.isSynced === undefined || ec.isSynced ? 1 : 0,
    utcDateChanged: ec.utcDateChanged,
  };
}

function decodeBlob(row: Row): Row {
  if (isPlainBytes(row.content)) return { ...row, content: asBuffer(row.content) };
  if (typeof row.content !== 'string') return row;
  const buf = Buffer.from(row.content, 'base64');
  return { ...row, content: buf.length === 0 ? '' : buf };
}

interface Candidate {
  remote: Ec;
  local: Ec;
  entity: Row | undefined;
  loser: 'local' | 'remote';
}

/**
 * Initial load into an empty replica: nothing local can conflict, so every record is written as it comes
 * (remote always wins, no changeId lookups), grouped per table, with no per-record objects in between.
 */
async function applyBulk(w: WriteContext, records: SyncRecord[], sender: string): Promise<BatchOutcome> {
  const out: BatchOutcome = { applied: 0, skipped: 0, bounced: 0, conflicts: [] };
  const groups = new Map<string, { table: string; cols: string[]; rows: SqlValue[][] }>();
  const lastGroup = new Map<string, { table: string; cols: string[]; rows: SqlValue[][] }>(); // per table, as in validateRecords
  const deletes = new Map<string, Set<string>>();
  const reorders: string[] = [];
  // Entity changes per table: their relative order across tables within a batch carries no meaning, and one
  // table's rows share most columns, which insertJsonRows then binds once.
  const ecRows = new Map<string, SqlValue[][]>();
  for (const r of records) {
    const e = r.entityChange;
    const t = e.entityName;
    const row = r.entity;
    if (!row && t === 'options') { out.skipped++; continue; }
    if (t === 'note_reordering') {
      reorders.push(JSON.stringify(row ?? {}));
    } else if (e.isErased) {
      if (ERASABLE_TABLES.has(t)) {
        if (!deletes.has(t)) deletes.set(t, new Set());
        deletes.get(t)!.add(e.entityId);
      }
    } else {
      if (!row) throw new TriliumError('PROTOCOL', `Empty entity row for ${t} ${e.entityId} in a sync batch.`, 'The sender is inconsistent; run a full sync.');
      const keys = Object.keys(row);
      let g = lastGroup.get(t);
      if (!g || !sameKeys(g.cols, keys)) {
        const sig = t + ':' + keys.join(',');
        g = groups.get(sig);
        if (!g) groups.set(sig, (g = { table: t, cols: keys, rows: [] }));
        lastGroup.set(t, g);
      }
      const values: SqlValue[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) values[i] = row[keys[i]];
      if (t === 'blobs') {
        const ci = keys.indexOf('content');
        if (ci >= 0 && typeof values[ci] === 'string') {
          const buf = Buffer.from(values[ci] as string, 'base64');
          values[ci] = buf.length === 0 ? '' : buf;
        } else if (ci >= 0 && isPlainBytes(values[ci])) values[ci] = asBuffer(values[ci]);
      }
      g.rows.push(values);
      deletes.get(t)?.delete(e.entityId);
    }
    let ecs = ecRows.get(t);
    if (!ecs) ecRows.set(t, (ecs = []));
    ecs.push([t, e.entityId, e.hash ?? '', e.isErased ? 1 : 0, e.changeId, e.componentId || 'NA', sender,
      e.isSynced === undefined || e.isSynced ? 1 : 0, e.utcDateChanged]);
    out.applied++;
  }
  // Same statements in the same order as one by one, but each one's parameters are prepared while SQLite
  // runs the previous one.
  const p = new Pipeline(w.c);
  try {
    await pipeAll(p);
  } catch (e) {
    await p.done().catch(() => undefined); // never leave a statement running behind the caller's ROLLBACK
    throw e;
  }
  return out;

  async function pipeAll(p: Pipeline): Promise<void> {
    for (const g of groups.values()) {
      // in key order, each row lands next to the previous one in the primary-key index (measured ~35% faster)
      const k = g.cols.indexOf(w.profile.tables[g.table]?.pk ?? '');
      if (k >= 0) g.rows.sort((a, b) => (a[k]! < b[k]! ? -1 : a[k]! > b[k]! ? 1 : 0));
      await insertJsonRows(p, 'INSERT OR REPLACE', g.table, g.cols, g.rows);
    }
    for (const [t, ids] of deletes) {
      if (ids.size === 0) continue;
      await p.run(`DELETE FROM ${t} WHERE "${w.profile.tables[t].pk}" IN (SELECT value FROM json_each(?))`, [JSON.stringify([...ids])]);
    }
    for (const positions of reorders) {
      await p.run('UPDATE branches SET notePosition = CAST(j.value AS INTEGER) FROM json_each(?) j WHERE branches.branchId = j.key', [positions]);
    }
    for (const rows of ecRows.values()) await insertJsonRows(p, 'INSERT', 'entity_changes', [...EC_COLUMNS], rows);
    await p.done();
  }
}

/** Applies one batch inside the caller's transaction. `bulk`: empty replica, no local changes to compare. */
export const CONFLICT_MARK = 'Kept because of a sync conflict';

export async function applyBatch(
  w: WriteContext, records: SyncRecord[], opts: ApplyOptions, bulk: boolean, localInstanceIds: Set<string> = new Set(),
): Promise<BatchOutcome> {
  if (bulk) return applyBulk(w, records, opts.senderInstanceId);
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

type NoteWithChange = NoteRow & { ecInstanceId: string | null; ecUtc: string | null };

async function readNotesWithChanges(w: WriteContext, noteIds: string[]): Promise<Map<string, NoteWithChange>> {
  const out = new Map<string, NoteWithChange>();
  if (noteIds.length === 0) return out;
  const rows = await w.c.all<NoteWithChange>(
    `SELECT n.*, e.instanceId AS ecInstanceId, e.utcDateChanged AS ecUtc FROM notes n
     LEFT JOIN entity_changes e ON e.entityName = 'notes' AND e.entityId = n.noteId
     WHERE n.noteId IN (SELECT value FROM json_each(?))`, [JSON.stringify(noteIds)]);
  for (const r of rows) out.set(r.noteId, r);
  return out;
}

/**
 * A conflict revision made by a peer tells this instance about a conflict it could not see itself: when the
 * revision holds the version this instance wrote (and that a pulled change has just replaced), our side lost;
 * when this instance wrote the current version, the revision holds the side that lost to us.
 */
async function conflictFromPeerRevision(
  w: WriteContext, rev: Row, before: NoteWithChange | undefined, after: NoteWithChange | undefined,
  localInstanceIds: Set<string>, direct: Set<string | null>,
): Promise<ConflictRecord | null> {
  const noteId = String(rev.noteId);
  if (!after || direct.has(noteId)) return null;
  const known = await w.c.get('SELECT 1 AS x FROM conflicts WHERE revisionId = ?', [rev.revisionId]);
  if (known) return null;
  const mine = (n: NoteWithChange | undefined) => !!n && !!n.ecInstanceId && localInstanceIds.has(n.ecInstanceId);
  let loser: 'local' | 'remote';
  if (before && mine(before) && before.utcDateModified === rev.utcDateLastEdited && before.utcDateModified !== after.utcDateModified) {
    loser = 'local';
  } else if (mine(after) && after.utcDateModified !== rev.utcDateLastEdited) {
    loser = 'remote';
  } else {
    return null;
  }
  let kind: ConflictRecord['kind'];
  if (after.isDeleted) kind = 'delete-vs-edit';
  else {
    const t = after.title !== rev.title;
    const b = after.blobId !== rev.blobId;
    kind = t && b ? 'title+content' : t ? 'title' : b ? 'content' : 'row';
  }
  const losing = { title: rev.title, blobId: rev.blobId, utcDateLastEdited: rev.utcDateLastEdited };
  const current = { title: after.title, blobId: after.blobId, isDeleted: after.isDeleted };
  return insertConflict(w, {
    noteId, entityName: 'notes', entityId: noteId, kind, loser,
    localUtcDateChanged: loser === 'local' ? String(rev.utcDateLastEdited) : after.ecUtc,
    remoteUtcDateChanged: loser === 'local' ? after.ecUtc : String(rev.utcDateLastEdited),
    revisionId: String(rev.revisionId),
    details: JSON.stringify(loser === 'local' ? { local: losing, remote: current, via: 'peer revision' } : { local: current, remote: losing, via: 'peer revision' }),
  });
}

function normalizeValue(v: unknown): SqlValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v as SqlValue;
}

function collectChanges(w: WriteContext, upserts: Map<string, Map<string, Row>>, deletes: Map<string, Set<string>>, before: Map<string, Row>): void {
  const ch = w.change;
  for (const [t, rows] of upserts) {
    for (const row of rows.values()) {
      if (t === 'notes') { ch.noteIds.add(String(row.noteId)); w.searchDirty.add(String(row.noteId)); }
      else if (t === 'branches') { ch.parentNoteIds.add(String(row.parentNoteId)); ch.noteIds.add(String(row.noteId)); }
      else if (t === 'attributes' || t === 'revisions') ch.noteIds.add(String(row.noteId));
      else if (t === 'attachments') ch.noteIds.add(String(row.ownerId));
      else if (t === 'options' && isPasswordOption(String(row.name))) ch.passwordChanged = true;
    }
  }
  for (const [t, ids] of deletes) {
    for (const id of ids) {
      if (t === 'notes') { ch.noteIds.add(id); w.searchDirty.add(id); }
      const row = before.get(keyOf(t, id));
      if (t === 'branches' && row) ch.parentNoteIds.add(String(row.parentNoteId));
    }
  }
}

async function collectBlobNotes(w: WriteContext, blobs: Map<string, Row> | undefined): Promise<void> {
  if (!blobs || blobs.size === 0) return;
  const rows = await w.c.all<{ noteId: string }>(
    'SELECT noteId FROM notes WHERE blobId IN (SELECT value FROM json_each(?))', [JSON.stringify([...blobs.keys()])]);
  for (const r of rows) { w.change.noteIds.add(r.noteId); w.searchDirty.add(r.noteId); }
}

export type NewConflict = Omit<ConflictRecord, 'conflictId' | 'utcDateDetected' | 'resolved'>;

export async function insertConflict(w: WriteContext, c: NewConflict): Promise<ConflictRecord> {
  const res = await w.c.run(
    `INSERT INTO conflicts (noteId, entityName, entityId, kind, loser, localUtcDateChanged, remoteUtcDateChanged, revisionId, details, utcDateDetected, resolved)
     VALUES (?,?,?,?,?,?,?,?,?,?,0)`,
    [c.noteId, c.entityName, c.entityId, c.kind, c.loser, c.localUtcDateChanged, c.remoteUtcDateChanged, c.revisionId, c.details, w.utcNow]);
  return { ...c, conflictId: res.lastID, utcDateDetected: w.utcNow, resolved: 0 };
}

function conflictNoteId(entityName: string, row: Row | undefined): string | null {
  if (!row) return null;
  if (entityName === 'notes' || entityName === 'branches' || entityName === 'attributes' || entityName === 'revisions') return String(row.noteId);
  if (entityName === 'attachments') return String(row.ownerId);
  return null;
}

async function captureConflict(w: WriteContext, c: Candidate, localRow: Row | undefined, sender: string): Promise<ConflictRecord | null> {
  const name = c.remote.entityName;
  if (name === 'blobs') return null; // content-addressed: the notes row decides
  const base = {
    entityName: name, entityId: c.remote.entityId, loser: c.loser,
    localUtcDateChanged: c.local.utcDateChanged, remoteUtcDateChanged: c.remote.utcDateChanged,
  };
  const remoteRow = c.entity;
  if (name !== 'notes') {
    const kind = name === 'branches' ? 'move' : name === 'attributes' ? 'attribute' : 'row';
    return insertConflict(w, {
      ...base, kind, noteId: conflictNoteId(name, localRow ?? remoteRow), revisionId: null,
      details: JSON.stringify({ local: rowForDetails(localRow), remote: rowForDetails(remoteRow), remoteErased: !!c.remote.isErased }),
    });
  }
  const loc = localRow as unknown as NoteRow | undefined;
  const rem = remoteRow as unknown as NoteRow | undefined;
  const notes: string[] = [];
  let kind: ConflictRecord['kind'];
  const remoteDeleted = !rem || !!rem.isDeleted || !!c.remote.isErased;
  const localDeleted = !loc || !!loc.isDeleted;
  if (remoteDeleted !== localDeleted) kind = 'delete-vs-edit';
  else {
    const t = loc?.title !== rem?.title;
    const b = loc?.blobId !== rem?.blobId;
    kind = t && b ? 'title+content' : t ? 'title' : b ? 'content' : 'row';
  }
  let revisionId: string | null = null;
  const desc = c.loser === 'local'
    ? `${CONFLICT_MARK}: replaced by a newer change from ${sender}`
    : `${CONFLICT_MARK}: a newer change replaced this version from ${sender}`;
  if (c.loser === 'local' && loc && !localDeleted && kind !== 'row') {
    revisionId = await writeRevision(w, { note: loc, description: desc, copyAttachments: false });
  } else if (c.loser === 'remote' && rem && !remoteDeleted && kind !== 'row' && loc) {
    let blobId: string | null = rem.blobId;
    const has = blobId ? await w.c.get('SELECT 1 AS x FROM blobs WHERE blobId = ?', [blobId]) : undefined;
    if (!has) {
      notes.push(`the remote content (blob ${blobId}) was not available; the revision keeps the remote title with empty content`);
      blobId = await w.saveBlob('');
    }
    revisionId = await writeRevision(w, {
      note: { ...loc, type: rem.type, mime: rem.mime, isProtected: rem.isProtected, utcDateModified: rem.utcDateModified, dateModified: rem.dateModified },
      title: rem.title, blobId, description: desc, copyAttachments: false,
    });
  }
  if (kind === 'delete-vs-edit') {
    // The delete lost: give the surviving note its place in the tree back (what that delete took with it).
    const lostDeleteId = c.loser === 'local' ? (localDeleted ? loc?.deleteId : null) : (remoteDeleted ? rem?.deleteId : null);
    if (lostDeleteId) await reviveAfterLostDelete(w, c.remote.entityId, lostDeleteId, new Set());
  }
  return insertConflict(w, {
    ...base, kind, noteId: c.remote.entityId, revisionId,
    details: JSON.stringify({
      local: loc ? { title: loc.title, blobId: loc.blobId, isDeleted: loc.isDeleted } : null,
      remote: rem ? { title: rem.title, blobId: rem.blobId, isDeleted: rem.isDeleted } : null,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    }),
  });
}

/** Undeletes, as new local changes, what one delete (deleteId) removed of a note that survived it. */
async function reviveAfterLostDelete(w: WriteContext, noteId: string, deleteId: string, seen: Set<string>): Promise<void> {
  if (seen.has(noteId)) return;
  seen.add(noteId);
  const restore = async (table: string, row: Row) => {
    const next: Row = { ...row, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow };
    if ('dateModified' in row) next.dateModified = w.localNow;
    await w.saveRow(table, next);
  };
  const note = await w.getRow<NoteRow>('notes', noteId);
  if (note && note.isDeleted && note.deleteId === deleteId) await restore('notes', note as unknown as Row);
  for (const b of await w.c.all<Row>(
    `SELECT b.* FROM branches b LEFT JOIN notes p ON p.noteId = b.parentNoteId
     WHERE b.noteId = ? AND b.isDeleted = 1 AND b.deleteId = ? AND (b.parentNoteId = 'none' OR p.isDeleted = 0)`, [noteId, deleteId])) {
    await restore('branches', b);
    w.change.parentNoteIds.add(String(b.parentNoteId));
  }
  for (const a of await w.c.all<Row>(
    "SELECT * FROM attributes WHERE isDeleted = 1 AND deleteId = ? AND (noteId = ? OR (type = 'relation' AND value = ?))", [deleteId, noteId, noteId])) {
    await restore('attributes', a);
  }
  for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE isDeleted = 1 AND deleteId = ? AND ownerId = ?', [deleteId, noteId])) {
    await restore('attachments', a);
  }
  for (const child of await w.c.all<Row>('SELECT * FROM branches WHERE isDeleted = 1 AND deleteId = ? AND parentNoteId = ?', [deleteId, noteId])) {
    await restore('branches', child);
    await reviveAfterLostDelete(w, String(child.noteId), deleteId, seen);
  }
  w.change.noteIds.add(noteId);
  w.change.parentNoteIds.add(noteId);
  w.searchDirty.add(noteId);
}

function rowForDetails(row: Row | undefined): Row | null {
  if (!row) return null;
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = Buffer.isBuffer(v) ? `<${v.length} bytes>` : v;
  return out;
}

/**
 * Move versus move: both sides deleted the same branch (equal hashes, so no §7 conflict) and each created a
 * new branch of the note under a different parent. The note now sits under both parents; record it.
 */
async function findMoveConflicts(
  w: WriteContext, watch: Array<{ remote: Ec; entity: Row | undefined; local: Ec }>, branchUpserts: Map<string, Row> | undefined,
  before: Map<string, Row>, opts: ApplyOptions, sender: string,
): Promise<NewConflict[]> {
  const movedAway = new Set<string>();
  for (const b of watch) {
    const loc = before.get(keyOf('branches', b.remote.entityId)) as unknown as BranchRow | undefined;
    if (loc && loc.isDeleted && b.entity && b.entity.isDeleted) movedAway.add(loc.noteId);
  }
  if (movedAway.size === 0 || !branchUpserts) return [];
  const out: NewConflict[] = [];
  for (const row of branchUpserts.values()) {
    const noteId = String(row.noteId);
    if (row.isDeleted || !movedAway.has(noteId)) continue;
    const mine = await w.c.all<BranchRow & { ecUtc: string }>(
      `SELECT b.*, e.utcDateChanged AS ecUtc FROM branches b JOIN entity_changes e ON e.entityName = 'branches' AND e.entityId = b.branchId
       WHERE b.noteId = ? AND b.isDeleted = 0 AND b.branchId != ? AND e.id > ? AND e.instanceId != ?`,
      [noteId, row.branchId, opts.unsentAfterId ?? Number.MAX_SAFE_INTEGER, sender]);
    for (const m of mine) {
      if (m.parentNoteId === row.parentNoteId) continue;
      const { ecUtc, ...localBranch } = m;
      const remoteUtc = String(row.utcDateModified);
      out.push({
        noteId, entityName: 'branches', entityId: String(row.branchId), kind: 'move',
        loser: ecUtc <= remoteUtc ? 'local' : 'remote',
        localUtcDateChanged: ecUtc, remoteUtcDateChanged: remoteUtc, revisionId: null,
        details: JSON.stringify({ local: localBranch, remote: row }),
      });
    }
  }
  return out;
}

