// A save made from a stale base: the editor (or the CLI) loaded the note's content, and meanwhile a sync, another
// VS Code window or the CLI replaced it. Handled as a sync conflict (SYNC-PROTOCOL.md §7): the newer change wins,
// as Trilium decides, and the other text is kept as a revision recorded in the conflicts table.
import { CONFLICT_MARK, insertConflict } from './apply';
import { writeRevision } from './revisions';
import type { ConflictRecord, NoteRow } from './types';
import type { WriteContext } from './writeContext';

/** What the writer had loaded: the blob the note pointed at then (content-addressed, so it names the text exactly). */
export interface ContentBase {
  blobId: string | null;
  /** Who saves, for the revision's description: "VS Code", "trilium-sync write". */
  source?: string;
}

export interface ContentSaveResult {
  /** False when nothing was written (same content) or when the newer text already there was kept. */
  saved: boolean;
  /** Set when the save met text it had not seen. */
  conflict: ConflictRecord | null;
}

export function isStale(note: NoteRow, base: ContentBase | undefined): boolean {
  return !!base && base.blobId !== note.blobId;
}

/**
 * Records the conflict of a stale save and keeps the losing text as a revision. The text being
 * saved (stored by `saveBlob` only when it loses). Returns whether the save wins (then the caller stores it; the replaced text is already in the revision).
 */
export async function resolveStaleSave(
  w: WriteContext, note: NoteRow, saveBlob: () => Promise<string>, base: ContentBase,
): Promise<{ saveWins: boolean; conflict: ConflictRecord }> {
  const current = note.utcDateModified;
  // Trilium's rule: the later change wins; the save is "now", so it loses only to a change dated in our future.
  const saveWins = current <= w.utcNow;
  const who = base.source ?? 'an editor';
  const description = saveWins
    ? `${CONFLICT_MARK}: replaced by a save from ${who} that had not seen it`
    : `${CONFLICT_MARK}: saved from ${who} over a newer version, which was kept`;
  const newBlobId = saveWins ? null : await saveBlob();
  const revisionId = saveWins
    ? await writeRevision(w, { note, description, copyAttachments: false })
    : await writeRevision(w, {
      note: { ...note, utcDateModified: w.utcNow, dateModified: w.localNow }, blobId: newBlobId, description, copyAttachments: false,
    });
  const conflict = await insertConflict(w, {
    noteId: note.noteId, entityName: 'notes', entityId: note.noteId, kind: 'content',
    loser: saveWins ? 'remote' : 'local',
    localUtcDateChanged: w.utcNow, remoteUtcDateChanged: current, revisionId,
    details: JSON.stringify({
      via: 'stale save', source: who, baseBlobId: base.blobId,
      local: { title: note.title, blobId: newBlobId ?? 'the saved text (current)' }, remote: { title: note.title, blobId: note.blobId },
    }),
  });
  w.change.noteIds.add(note.noteId);
  w.change.conflictsChanged = true;
  return { saveWins, conflict };
}
