// What an applied batch changed, for the replica's change event and the search index.
import { isPasswordOption } from '../protected/documentPassword';
import type { Row } from '../types';
import type { WriteContext } from '../writeContext';
import { keyOf } from './shared';

export function collectChanges(w: WriteContext, upserts: Map<string, Map<string, Row>>, deletes: Map<string, Set<string>>, before: Map<string, Row>): void {
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

export async function collectBlobNotes(w: WriteContext, blobs: Map<string, Row> | undefined): Promise<void> {
  if (!blobs || blobs.size === 0) return;
  const rows = await w.c.all<{ noteId: string }>(
    'SELECT noteId FROM notes WHERE blobId IN (SELECT value FROM json_each(?))', [JSON.stringify([...blobs.keys()])]);
  for (const r of rows) { w.change.noteIds.add(r.noteId); w.searchDirty.add(r.noteId); }
}
