// Local operations on the tree: move, reorder, prefix, delete and undelete (Trilium's rules: a note goes with its
// last branch; undelete brings back what one delete took). Each runs inside the caller's transaction.
import { TriliumError } from '../errors';
import { randomString } from '../ids';
import type { BranchRow, NoteRow, Row } from '../types';
import type { WriteContext } from '../writeContext';
import { addBranch, markDeleted, normalizePrefix, requireBranch, requireNote, saveNote } from './rows';

export async function moveBranch(w: WriteContext, branchId: string, newParentNoteId: string, afterBranchId?: string): Promise<string> {
  const old = await requireBranch(w, branchId);
  if (old.isDeleted) throw new TriliumError('INVALID_OPERATION', `Branch ${branchId} is deleted.`, 'Refresh the tree.');
  if (old.parentNoteId === newParentNoteId) {
    throw new TriliumError('INVALID_OPERATION', 'The note is already under this parent.', 'Use reorder to change its position.');
  }
  const newBranchId = await addBranch(w, old.noteId, newParentNoteId, old.prefix, afterBranchId);
  await markDeleted(w, 'branches', old as unknown as Row, randomString(10));
  w.change.parentNoteIds.add(old.parentNoteId);
  return newBranchId;
}

export async function reorderChildren(w: WriteContext, parentNoteId: string, branchIdsInOrder: string[]): Promise<void> {
  await w.c.run(
    `UPDATE branches SET notePosition = (j.key + 1) * 10 FROM json_each(?) j
     WHERE branches.branchId = j.value AND branches.parentNoteId = ?`, [JSON.stringify(branchIdsInOrder), parentNoteId]);
  await w.putEntityChange('note_reordering', parentNoteId, 'N/A', w.utcNow);
  w.change.parentNoteIds.add(parentNoteId);
}

export async function setPrefix(w: WriteContext, branchId: string, prefix: string | null): Promise<void> {
  const b = await requireBranch(w, branchId);
  b.prefix = normalizePrefix(prefix);
  b.utcDateModified = w.utcNow;
  await w.saveRow('branches', b as unknown as Row);
  w.change.parentNoteIds.add(b.parentNoteId);
}

/** Trilium's deleteBranch: the note and its subtree go too when no other parent is left. */
export async function deleteBranchRec(w: WriteContext, branch: BranchRow, deleteId: string): Promise<void> {
  if (branch.branchId === 'none_root' || branch.noteId === 'root' || (branch.noteId === '_hidden' && branch.parentNoteId === 'root')) {
    throw new TriliumError('INVALID_OPERATION', `The note ${branch.noteId} cannot be deleted.`, 'Delete its children instead.');
  }
  if (!branch.isDeleted) await markDeleted(w, 'branches', branch as unknown as Row, deleteId);
  if (branch.parentNoteId) w.change.parentNoteIds.add(branch.parentNoteId);
  const left = await w.c.get('SELECT 1 AS x FROM branches WHERE noteId = ? AND isDeleted = 0', [branch.noteId]);
  if (left) return;
  const note = await w.getRow<NoteRow>('notes', branch.noteId);
  for (const child of await w.c.all<BranchRow>('SELECT * FROM branches WHERE parentNoteId = ? AND isDeleted = 0', [branch.noteId])) {
    await deleteBranchRec(w, child, deleteId);
  }
  for (const a of await w.c.all<Row>(
    "SELECT * FROM attributes WHERE isDeleted = 0 AND (noteId = ? OR (type = 'relation' AND value = ?))", [branch.noteId, branch.noteId])) {
    await markDeleted(w, 'attributes', a, deleteId);
    w.change.noteIds.add(String(a.noteId));
  }
  for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0', [branch.noteId])) {
    await markDeleted(w, 'attachments', a, deleteId);
  }
  if (note && !note.isDeleted) {
    await markDeleted(w, 'notes', note as unknown as Row, deleteId);
    w.change.noteIds.add(note.noteId);
    w.searchDirty.add(note.noteId);
  }
}


export async function deleteBranch(w: WriteContext, branchId: string): Promise<string> {
  const b = await requireBranch(w, branchId);
  const deleteId = randomString(10);
  await deleteBranchRec(w, b, deleteId);
  return deleteId;
}

export async function deleteNote(w: WriteContext, noteId: string): Promise<string> {
  const note = await requireNote(w, noteId);
  if (note.isDeleted) return note.deleteId ?? '';
  if (noteId === 'root' || noteId === '_hidden') {
    throw new TriliumError('INVALID_OPERATION', `The note ${noteId} cannot be deleted.`, 'Delete its children instead.');
  }
  const deleteId = randomString(10);
  const branches = await w.c.all<BranchRow>('SELECT * FROM branches WHERE noteId = ? AND isDeleted = 0', [noteId]);
  for (const b of branches) {
    const fresh = await w.getRow<BranchRow>('branches', b.branchId);
    if (fresh) await deleteBranchRec(w, fresh, deleteId);
  }
  if (branches.length === 0) {
    // A note without any parent left (e.g. its branches were erased by a sync): delete the note itself.
    await deleteBranchRec(w, { branchId: '', noteId, parentNoteId: '', isDeleted: 1 } as BranchRow, deleteId);
  }
  return deleteId;
}

export async function undeleteNote(w: WriteContext, noteId: string): Promise<void> {
  const note = await requireNote(w, noteId);
  if (!note.isDeleted || !note.deleteId) return;
  const parents = await w.c.all<BranchRow>(
    `SELECT b.* FROM branches b LEFT JOIN notes p ON p.noteId = b.parentNoteId
     WHERE b.noteId = ? AND b.isDeleted = 1 AND b.deleteId = ? AND (b.parentNoteId = 'none' OR p.isDeleted = 0)`,
    [noteId, note.deleteId]);
  if (parents.length === 0) {
    throw new TriliumError('INVALID_OPERATION', `Note ${noteId} cannot be undeleted: its parent is deleted too.`, 'Undelete the parent first.');
  }
  for (const b of parents) await undeleteBranch(w, b, note.deleteId);
}

export async function undeleteBranch(w: WriteContext, branch: BranchRow, deleteId: string): Promise<void> {
  if (!branch.isDeleted) return;
  const note = await w.getRow<NoteRow>('notes', branch.noteId);
  if (note && note.isDeleted && note.deleteId !== deleteId) return;
  await w.saveRow('branches', { ...branch, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow } as unknown as Row);
  w.change.parentNoteIds.add(branch.parentNoteId);
  if (!note || !note.isDeleted) return;
  await saveNote(w, { ...note, isDeleted: 0, deleteId: null });
  for (const a of await w.c.all<Row>(
    "SELECT * FROM attributes WHERE isDeleted = 1 AND deleteId = ? AND (noteId = ? OR (type = 'relation' AND value = ?))",
    [deleteId, note.noteId, note.noteId])) {
    await w.saveRow('attributes', { ...a, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow });
  }
  for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE isDeleted = 1 AND deleteId = ? AND ownerId = ?', [deleteId, note.noteId])) {
    await w.saveRow('attachments', { ...a, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow, dateModified: w.localNow });
  }
  for (const child of await w.c.all<BranchRow>(
    'SELECT * FROM branches WHERE isDeleted = 1 AND deleteId = ? AND parentNoteId = ?', [deleteId, note.noteId])) {
    await undeleteBranch(w, child, deleteId);
  }
}

