// Sync conflicts (issues 4 and 7): the losing side of a §7 decision is kept as a revision and recorded, a delete
// that lost gives the note its place back, moves on both sides and conflicts a peer saw are recorded too.
import type { ApplyOptions } from '../replicaApi';
import { writeRevision } from '../revisions';
import type { BranchRow, ConflictRecord, NoteRow, Row } from '../types';
import type { WriteContext } from '../writeContext';
import { keyOf, type Candidate, type Ec } from './shared';

export const CONFLICT_MARK = 'Kept because of a sync conflict';

export type NoteWithChange = NoteRow & { ecInstanceId: string | null; ecUtc: string | null };

export async function readNotesWithChanges(w: WriteContext, noteIds: string[]): Promise<Map<string, NoteWithChange>> {
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
export async function conflictFromPeerRevision(
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

export async function captureConflict(w: WriteContext, c: Candidate, localRow: Row | undefined, sender: string): Promise<ConflictRecord | null> {
  const name = c.remote.entityName;
  if (name === 'blobs') return null; // content-addressed: the notes row decides
  // Only the hashes differed (e.g. one kept from before a migration, as Trilium keeps it): neither side loses anything.
  if (localRow && c.entity && !c.remote.isErased && sameValues(localRow, c.entity)) return null;
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

function sameValues(local: Row, remote: Row): boolean {
  for (const [k, v] of Object.entries(remote)) {
    const l = local[k];
    if (Buffer.isBuffer(l) || Buffer.isBuffer(v)) {
      if (!(Buffer.isBuffer(l) && Buffer.isBuffer(v) && l.equals(v))) return false;
    } else if ((l ?? null) !== (v ?? null) && !(typeof v === 'boolean' && l === (v ? 1 : 0))) return false;
  }
  return true;
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
export async function findMoveConflicts(
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
