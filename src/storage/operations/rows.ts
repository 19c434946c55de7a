// The building blocks of local operations: looking up rows a user operation needs, saving them with their
// entity changes, positions of new children, cycle checks, and a new branch (SYNC-PROTOCOL.md §8).
import { TriliumError } from '../errors';
import type { BranchRow, NoteRow, Row } from '../types';
import type { WriteContext } from '../writeContext';

/** The data key of the open protected session, or an error naming what needed it (`what`). */
export type KeyFor = (what: string) => Buffer;

export function normalizePrefix(prefix: string | null | undefined): string | null {
  return prefix === null || prefix === undefined || prefix.trim() === '' ? null : prefix;
}

export async function requireNote(w: WriteContext, noteId: string): Promise<NoteRow> {
  const n = await w.getRow<NoteRow>('notes', noteId);
  if (!n) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist.`, 'Refresh the tree; it may have been erased by a sync.');
  return n;
}


export async function requireBranch(w: WriteContext, branchId: string): Promise<BranchRow> {
  const b = await w.getRow<BranchRow>('branches', branchId);
  if (!b) throw new TriliumError('NOT_FOUND', `Branch ${branchId} does not exist.`, 'Refresh the tree; it may have been erased by a sync.');
  return b;
}


export async function saveNote(w: WriteContext, note: NoteRow, touch = true): Promise<void> {
  if (touch) { note.dateModified = w.localNow; note.utcDateModified = w.utcNow; }
  await w.saveRow('notes', note as unknown as Row);
  w.change.noteIds.add(note.noteId);
  w.searchDirty.add(note.noteId);
}


export async function markDeleted(w: WriteContext, table: string, row: Row, deleteId: string): Promise<void> {
  row.isDeleted = 1;
  row.deleteId = deleteId;
  row.utcDateModified = w.utcNow;
  if ('dateModified' in row) row.dateModified = w.localNow;
  await w.saveRow(table, row);
}


/** Position for a new child: after `afterBranchId` (shifting later siblings), else last (or first with #newNotesOnTop). */
export async function newPosition(w: WriteContext, parentNoteId: string, afterBranchId?: string): Promise<number> {
  if (afterBranchId) {
    const after = await requireBranch(w, afterBranchId);
    await w.c.run('UPDATE branches SET notePosition = notePosition + 10 WHERE parentNoteId = ? AND notePosition > ? AND isDeleted = 0',
      [parentNoteId, after.notePosition]);
    await w.putEntityChange('note_reordering', parentNoteId, 'N/A', w.utcNow);
    w.change.parentNoteIds.add(parentNoteId);
    return after.notePosition + 10;
  }
  const onTop = await w.c.get(
    "SELECT 1 AS x FROM attributes WHERE noteId = ? AND type = 'label' AND name = 'newNotesOnTop' AND isDeleted = 0", [parentNoteId]);
  const r = await w.c.get<{ mx: number | null; mn: number | null }>(
    "SELECT MAX(notePosition) AS mx, MIN(notePosition) AS mn FROM branches WHERE parentNoteId = ? AND isDeleted = 0 AND noteId != '_hidden'",
    [parentNoteId]);
  if (onTop) return (r?.mn ?? 10) - 10;
  return (r?.mx ?? 0) + 10;
}


export async function assertNoCycle(w: WriteContext, noteId: string, newParentNoteId: string): Promise<void> {
  if (noteId === newParentNoteId) throw new TriliumError('INVALID_OPERATION', 'A note cannot be its own parent.', 'Choose another parent.');
  const hit = await w.c.get(
    `WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT b.parentNoteId FROM branches b JOIN up ON b.noteId = up.id WHERE b.isDeleted = 0)
     SELECT 1 AS x FROM up WHERE id = ? LIMIT 1`, [newParentNoteId, noteId]);
  if (hit) {
    throw new TriliumError('INVALID_OPERATION', `Moving or cloning note ${noteId} under ${newParentNoteId} would create a cycle.`,
      'Choose a parent outside the note\'s own subtree.');
  }
}


export async function addBranch(w: WriteContext, noteId: string, parentNoteId: string, prefix: string | null, afterBranchId?: string): Promise<string> {
  await requireNote(w, noteId);
  const parent = await requireNote(w, parentNoteId);
  if (parent.isDeleted) throw new TriliumError('INVALID_OPERATION', `Note ${parentNoteId} is deleted.`, 'Undelete it first.');
  await assertNoCycle(w, noteId, parentNoteId);
  const branchId = `${parentNoteId}_${noteId}`;
  const existing = await w.getRow<BranchRow>('branches', branchId);
  if (existing && !existing.isDeleted) {
    throw new TriliumError('INVALID_OPERATION', `Note ${noteId} is already a child of ${parentNoteId}.`, 'Pick another parent.');
  }
  const notePosition = await newPosition(w, parentNoteId, afterBranchId);
  await w.saveRow('branches', {
    branchId, noteId, parentNoteId, notePosition, prefix: normalizePrefix(prefix), isExpanded: existing?.isExpanded ?? 0,
    isDeleted: 0, deleteId: null, utcDateModified: w.utcNow,
  });
  w.change.parentNoteIds.add(parentNoteId);
  w.change.noteIds.add(noteId);
  return branchId;
}


export function touchAttributeOwner(w: WriteContext, noteId: string, name: string): void {
  w.change.noteIds.add(noteId);
  if (name === 'iconClass') w.change.noteIds.add(noteId);
}

