// Protect / unprotect a subtree (Trilium's protectNoteRecursively): every note below, its revisions and its
// attachments are re-stored encrypted (or decrypted), each as a local change.
import type { Row } from '../types';
import type { WriteContext } from '../writeContext';
import { decryptString } from './cipher';
import { openContent, saveProtectedBlob, sealTitle } from './entities';

type ProtectableTable = 'notes' | 'revisions' | 'attachments';

const TEXT_CONTENT_TABLES_KEEP_BYTES = new Set(['file', 'image']);

/** Re-stores one row protected or not; returns whether it changed. */
export async function convertRow(w: WriteContext, key: Buffer, table: ProtectableTable, row: Row, protect: boolean): Promise<boolean> {
  if (!!row.isProtected === protect) return false;
  const what = `${table === 'notes' ? 'Note' : table === 'revisions' ? 'Revision' : 'Attachment'} ${String(row[table === 'notes' ? 'noteId' : table === 'revisions' ? 'revisionId' : 'attachmentId'])}`;
  const oldBlobId = typeof row.blobId === 'string' ? row.blobId : null;
  const blob = oldBlobId ? await w.c.get<{ content: string | Buffer | null }>('SELECT content FROM blobs WHERE blobId = ?', [oldBlobId]) : undefined;
  let plain: string | Buffer | null = blob ? blob.content : null;
  let title = String(row.title ?? '');
  if (row.isProtected) {
    plain = openContent(plain, key, what);
    title = decryptString(key, title, `The title of ${what}`);
  }
  const keepBytes = TEXT_CONTENT_TABLES_KEEP_BYTES.has(String(row.type ?? '')) || row.role === 'image' || row.role === 'file';
  const plainValue = plain === null ? '' : Buffer.isBuffer(plain) && !keepBytes ? plain.toString('utf8') : plain;
  const next: Row = { ...row, isProtected: protect ? 1 : 0, title: protect ? sealTitle(key, title) : title, utcDateModified: w.utcNow };
  if (oldBlobId || blob) next.blobId = protect ? await saveProtectedBlob(w, key, plainValue) : await w.saveBlob(plainValue);
  if ('dateModified' in row) next.dateModified = w.localNow;
  await w.saveRow(table, next);
  if (next.blobId !== oldBlobId) await w.deleteBlobIfUnused(oldBlobId);
  return true;
}

/** Protects or unprotects a note and its whole subtree; returns how many notes changed. */
export async function protectSubtree(w: WriteContext, key: Buffer, noteId: string, protect: boolean): Promise<number> {
  const seen = new Set<string>();
  let changed = 0;
  const visit = async (id: string): Promise<void> => {
    if (seen.has(id)) return;
    seen.add(id);
    const note = await w.c.get<Row>('SELECT * FROM notes WHERE noteId = ? AND isDeleted = 0', [id]);
    if (!note) return;
    if (!id.startsWith('_') && id !== 'root') {
      if (await convertRow(w, key, 'notes', note, protect)) {
        changed++;
        w.change.noteIds.add(id);
        w.searchDirty.add(id);
        for (const b of await w.c.all<{ parentNoteId: string }>('SELECT parentNoteId FROM branches WHERE noteId = ? AND isDeleted = 0', [id])) {
          w.change.parentNoteIds.add(b.parentNoteId);
        }
      }
      for (const r of await w.c.all<Row>('SELECT * FROM revisions WHERE noteId = ?', [id])) {
        await convertRow(w, key, 'revisions', r, protect);
        for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0', [String(r.revisionId)])) {
          await convertRow(w, key, 'attachments', a, protect);
        }
      }
      for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0', [id])) {
        await convertRow(w, key, 'attachments', a, protect);
      }
    }
    for (const c of await w.c.all<{ noteId: string }>('SELECT noteId FROM branches WHERE parentNoteId = ? AND isDeleted = 0', [id])) {
      await visit(c.noteId);
    }
  };
  await visit(noteId);
  return changed;
}
