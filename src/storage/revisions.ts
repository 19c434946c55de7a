// Revision snapshots (SYNC-PROTOCOL.md §7.2 saveRevisionIfNeeded, §8.2 "Revision snapshot").
import { newEntityId } from './ids';
import { recopyTitle } from './protected/entities';
import type { WriteContext } from './writeContext';
import type { AttachmentRow, NoteRow, Row } from './types';

export interface SnapshotInput {
  note: NoteRow;
  /** Title and blob to keep; default: the note's own. */
  title?: string;
  blobId?: string | null;
  description?: string;
  source?: string;
  copyAttachments?: boolean;
}

/** Writes a revision row (and copies of the note's attachments) with their entity changes. */
export async function writeRevision(w: WriteContext, input: SnapshotInput): Promise<string> {
  const { note } = input;
  const revisionId = newEntityId();
  const row: Row = {
    revisionId,
    noteId: note.noteId,
    type: note.type,
    mime: note.mime,
    title: recopyTitle(input.title ?? note.title, note.isProtected, w.dataKey),
    isProtected: note.isProtected,
    blobId: input.blobId === undefined ? note.blobId : input.blobId,
    utcDateLastEdited: note.utcDateModified,
    utcDateCreated: w.utcNow,
    utcDateModified: w.utcNow,
    dateLastEdited: note.dateModified,
    dateCreated: w.localNow,
  };
  if (w.profile.columnSet('revisions').has('description')) {
    row.description = input.description ?? '';
    row.source = input.source ?? 'auto';
  }
  await w.saveRow('revisions', row);
  if (input.copyAttachments !== false) {
    const atts = await w.c.all<AttachmentRow>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0 ORDER BY position', [note.noteId]);
    for (const a of atts) {
      await w.saveRow('attachments', {
        ...a, attachmentId: newEntityId(), ownerId: revisionId, title: recopyTitle(a.title, a.isProtected, w.dataKey),
        dateModified: w.localNow, utcDateModified: w.utcNow,
      } as unknown as Row);
    }
  }
  w.change.noteIds.add(note.noteId);
  return revisionId;
}

/** Trilium's rule: snapshot before an edit unless a recent revision exists or the note is too young. */
export async function snapshotIfNeeded(w: WriteContext, note: NoteRow): Promise<string | null> {
  if (note.type === 'file' || note.type === 'image' || (note.isProtected && !w.dataKey)) return null;
  const opt = await w.c.get<{ value: string }>("SELECT value FROM options WHERE name = 'revisionSnapshotTimeInterval'");
  const seconds = opt ? parseInt(opt.value, 10) : 600;
  const intervalMs = (Number.isFinite(seconds) ? seconds : 600) * 1000;
  const disabled = await w.c.get(
    "SELECT 1 AS x FROM attributes WHERE noteId = ? AND type = 'label' AND name = 'disableVersioning' AND isDeleted = 0 AND value != 'false'",
    [note.noteId]);
  if (disabled) return null;
  const cutoff = new Date(w.now.getTime() - intervalMs).toISOString().replace('T', ' ');
  const recent = await w.c.get('SELECT 1 AS x FROM revisions WHERE noteId = ? AND utcDateCreated >= ?', [note.noteId, cutoff]);
  if (recent) return null;
  const created = Date.parse(note.utcDateCreated.replace(' ', 'T'));
  if (!(w.now.getTime() - created >= intervalMs)) return null;
  return writeRevision(w, { note });
}
