// Restoring a revision or the losing side of a conflict: an ordinary local edit through the replica, so it
// syncs out like any other. The version being replaced is saved as a revision first, so a restore never
// loses anything either. Pure core: no vscode import.
import type { ReplicaApi } from '../storage/replicaApi';
import type { ConflictRecord } from '../storage/types';
import { TriliumError } from '../sync/errors';
import { contentToString } from './present';

export interface RestoreParts {
  title: boolean;
  content: boolean;
}

export interface RestoreOutcome {
  /** The revision holding the version that was current before the restore; null when nothing changed. */
  savedRevisionId: string | null;
  titleChanged: boolean;
  contentChanged: boolean;
  undeleted: boolean;
}

function sameContent(a: string | Buffer | null, b: string | Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return Buffer.from(a as never).equals(Buffer.from(b as never));
}

/** Which parts of the note the losing side of a conflict holds. */
export function partsForConflict(kind: ConflictRecord['kind']): RestoreParts {
  switch (kind) {
    case 'title':
      return { title: true, content: false };
    case 'content':
      return { title: false, content: true };
    default:
      return { title: true, content: true };
  }
}

export async function restoreRevision(
  replica: ReplicaApi,
  noteId: string,
  revisionId: string,
  parts: RestoreParts = { title: true, content: true },
): Promise<RestoreOutcome> {
  const note = await replica.getNote(noteId);
  if (!note) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist in the local replica.`, 'Sync, then try again.');
  const revision = (await replica.getRevisions(noteId)).find((r) => r.revisionId === revisionId);
  if (!revision) {
    throw new TriliumError('NOT_FOUND', `Revision ${revisionId} of note "${note.title}" does not exist.`, 'It may have been erased; sync, then try again.');
  }
  const revisionContent = parts.content ? await replica.getRevisionContent(revisionId) : null;
  const currentContent = parts.content ? await replica.getNoteContent(noteId) : null;
  const titleChanged = parts.title && revision.title !== note.title;
  const contentChanged = parts.content && revisionContent !== null && !sameContent(revisionContent, currentContent);
  const undeleted = note.isDeleted === 1;
  if (!titleChanged && !contentChanged && !undeleted) {
    return { savedRevisionId: null, titleChanged, contentChanged, undeleted };
  }
  if (undeleted) await replica.undeleteNote(noteId);
  const savedRevisionId = await replica.saveRevision(noteId, {
    description: `Saved before restoring the revision of ${revision.utcDateCreated}`,
  });
  if (titleChanged) await replica.renameNote(noteId, revision.title);
  if (contentChanged) await replica.setNoteContent(noteId, revisionContent as string | Buffer);
  return { savedRevisionId, titleChanged, contentChanged, undeleted };
}

/** "Restore the other version": put the conflict's losing side back as the current note, then resolve it. */
export async function restoreConflict(replica: ReplicaApi, conflict: ConflictRecord): Promise<RestoreOutcome> {
  if (!conflict.noteId || !conflict.revisionId) {
    throw new TriliumError(
      'INVALID_OPERATION',
      `This ${conflict.kind} conflict has no revision to restore from.`,
      'Open its details to see both versions, and redo the change by hand if you want it back.',
    );
  }
  const outcome = await restoreRevision(replica, conflict.noteId, conflict.revisionId, partsForConflict(conflict.kind));
  await replica.resolveConflict(conflict.conflictId);
  return outcome;
}

/** Text of a revision's content, for documents and the CLI. */
export async function revisionText(replica: ReplicaApi, revisionId: string): Promise<string> {
  return contentToString(await replica.getRevisionContent(revisionId));
}
