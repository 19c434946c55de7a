// Local operations on a note and what hangs off it: create, rename, content, type, attachments, revisions and
// attributes. Each runs inside the caller's transaction (Replica.op), writing its entity changes.
import { TriliumError } from '../errors';
import { hashedBlobId } from '../hash';
import { newEntityId, randomString } from '../ids';
import { saveLinks } from '../links/saveLinks';
import { protectedBlobId, saveProtectedBlob, sealTitle, shownTitle } from '../protected/entities';
import type { CreateNoteInput } from '../replicaApi';
import { snapshotIfNeeded, writeRevision } from '../revisions';
import { isStale, resolveStaleSave, type ContentBase, type ContentSaveResult } from '../staleSave';
import type { AttributeRow, NoteRow, Row } from '../types';
import type { WriteContext } from '../writeContext';
import { markDeleted, newPosition, normalizePrefix, requireNote, saveNote, touchAttributeOwner, type KeyFor } from './rows';

const DEFAULT_MIME: Record<string, string> = {
  text: 'text/html', code: 'text/plain', mermaid: 'text/vnd.mermaid', canvas: 'application/json', relationMap: 'application/json',
  mindMap: 'application/json', geoMap: 'application/json', search: 'application/json', spreadsheet: 'application/json',
  file: 'application/octet-stream', image: 'image/png',
};

export async function createNote(w: WriteContext, keyFor: KeyFor, input: CreateNoteInput): Promise<{ noteId: string; branchId: string }> {
  const parent = await requireNote(w, input.parentNoteId);
  if (parent.isDeleted) throw new TriliumError('INVALID_OPERATION', `Parent note ${parent.noteId} is deleted.`, 'Undelete it first.');
  const type = input.type ?? 'text';
  const mime = input.mime ?? DEFAULT_MIME[type] ?? '';
  const noteId = newEntityId();
  const key = (input.isProtected ?? !!parent.isProtected) ? keyFor('The new note') : null;
  const blobId = key ? await saveProtectedBlob(w, key, input.content ?? '') : await w.saveBlob(input.content ?? '');
  const note: NoteRow = {
    noteId, title: key ? sealTitle(key, input.title) : input.title, isProtected: key ? 1 : 0, type, mime, blobId, isDeleted: 0, deleteId: null,
    dateCreated: w.localNow, dateModified: w.localNow, utcDateCreated: w.utcNow, utcDateModified: w.utcNow,
  };
  await saveNote(w, note, false);
  const branchId = `${input.parentNoteId}_${noteId}`;
  const notePosition = await newPosition(w, input.parentNoteId, input.afterBranchId);
  await w.saveRow('branches', {
    branchId, noteId, parentNoteId: input.parentNoteId, notePosition, prefix: normalizePrefix(input.prefix),
    isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow,
  });
  w.change.parentNoteIds.add(input.parentNoteId);
  return { noteId, branchId };
}

export async function renameNote(w: WriteContext, keyFor: KeyFor, noteId: string, title: string): Promise<void> {
  const note = await requireNote(w, noteId);
  const key = note.isProtected ? keyFor(`Note ${noteId}`) : null;
  if (shownTitle(note.title, note.isProtected, key) === title) return;
  note.title = key ? sealTitle(key, title) : title;
  await saveNote(w, note);
  for (const b of await w.c.all<{ parentNoteId: string }>('SELECT parentNoteId FROM branches WHERE noteId = ? AND isDeleted = 0', [noteId])) {
    w.change.parentNoteIds.add(b.parentNoteId);
  }
}

export async function setNoteContent(w: WriteContext, keyFor: KeyFor, noteId: string, content: string | Buffer, base?: ContentBase): Promise<ContentSaveResult> {
  const note = await requireNote(w, noteId);
  const key = note.isProtected ? keyFor(`Note ${noteId}`) : null;
  if (note.blobId === (key ? protectedBlobId(content) : hashedBlobId(content))) return { saved: false, conflict: null };
  const saveBlob = () => (key ? saveProtectedBlob(w, key, content) : w.saveBlob(content));
  const stale = isStale(note, base) ? await resolveStaleSave(w, note, saveBlob, base!) : null;
  if (stale && !stale.saveWins) return { saved: false, conflict: stale.conflict };
  if (!stale) await snapshotIfNeeded(w, note);
  const oldBlobId = note.blobId;
  note.blobId = await saveBlob();
  await saveNote(w, note);
  await saveLinks(w, note, content);
  await w.deleteBlobIfUnused(oldBlobId);
  return { saved: true, conflict: stale?.conflict ?? null };
}

export async function setNoteTypeMime(w: WriteContext, noteId: string, type: string, mime: string): Promise<void> {
  const note = await requireNote(w, noteId);
  if (note.type === type && note.mime === mime) return;
  note.type = type;
  note.mime = mime;
  await saveNote(w, note);
}

export async function addAttachment(w: WriteContext, keyFor: KeyFor, ownerId: string, input: { role: string; mime: string; title: string; content: string | Buffer }): Promise<string> {
  const owner = await requireNote(w, ownerId);
  const key = owner.isProtected ? keyFor(`Note ${ownerId}`) : null;
  const attachmentId = newEntityId();
  const blobId = key ? await saveProtectedBlob(w, key, input.content) : await w.saveBlob(input.content);
  const r = await w.c.get<{ mx: number | null }>('SELECT MAX(position) AS mx FROM attachments WHERE ownerId = ?', [ownerId]);
  await w.saveRow('attachments', {
    attachmentId, ownerId, role: input.role, mime: input.mime, title: key ? sealTitle(key, input.title) : input.title, isProtected: key ? 1 : 0,
    position: (r?.mx ?? 0) + 10, blobId, dateModified: w.localNow, utcDateModified: w.utcNow,
    utcDateScheduledForErasureSince: null, isDeleted: 0, deleteId: null,
  });
  w.change.noteIds.add(ownerId);
  return attachmentId;
}

export async function saveRevision(w: WriteContext, noteId: string, opts: { description?: string; source?: string } = {}): Promise<string> {
  const note = await requireNote(w, noteId);
  return writeRevision(w, { note, description: opts.description, source: opts.source ?? 'manual' });
}

export async function addAttribute(w: WriteContext, noteId: string, type: 'label' | 'relation', name: string, value = '', isInheritable = false): Promise<string> {
  await requireNote(w, noteId);
  if (!name.trim()) throw new TriliumError('INVALID_OPERATION', 'An attribute needs a name.', 'Give the attribute a name.');
  const attributeId = newEntityId();
  const r = await w.c.get<{ mx: number | null }>('SELECT MAX(position) AS mx FROM attributes WHERE noteId = ?', [noteId]);
  await w.saveRow('attributes', {
    attributeId, noteId, type, name, value: value ?? '', position: (r?.mx ?? 0) + 10, utcDateModified: w.utcNow,
    isDeleted: 0, deleteId: null, isInheritable: isInheritable ? 1 : 0,
  });
  touchAttributeOwner(w, noteId, name);
  return attributeId;
}

export async function updateAttribute(w: WriteContext, attributeId: string, value: string): Promise<void> {
  const a = await w.getRow<AttributeRow>('attributes', attributeId);
  if (!a) throw new TriliumError('NOT_FOUND', `Attribute ${attributeId} does not exist.`, 'Refresh the note.');
  await w.saveRow('attributes', { ...a, value: value ?? '', utcDateModified: w.utcNow } as unknown as Row);
  touchAttributeOwner(w, a.noteId, a.name);
}

export async function deleteAttribute(w: WriteContext, attributeId: string): Promise<void> {
  const a = await w.getRow<Row>('attributes', attributeId);
  if (!a) throw new TriliumError('NOT_FOUND', `Attribute ${attributeId} does not exist.`, 'Refresh the note.');
  if (a.isDeleted) return;
  await markDeleted(w, 'attributes', a, randomString(10));
  w.change.noteIds.add(String(a.noteId));
}
