// Opening revisions and diffs: the losing version (read-only, `trilium-revision:`) against the current note
// (its `trilium:` document, editable), a revision against the current note, or two revisions.
import * as vscode from 'vscode';
import { notePath, parseNotePath, SCHEME as NOTE_SCHEME } from '../editor/noteUri';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ConflictRecord, NoteRow, RevisionRow } from '../storage/types';
import { TriliumError } from '../sync/errors';
import { conflictDiffTitle } from './describe';
import { currentNoteExtension } from './present';
import { conflictDetailsUri, revisionContentUri, revisionTitleUri } from './revisionProvider';
import { CURRENT } from './revisionUri';

async function requireNote(replica: ReplicaApi, noteId: string): Promise<NoteRow> {
  const note = await replica.getNote(noteId);
  if (!note) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist in the local replica.`, 'Sync, then try again.');
  return note;
}

async function requireRevision(replica: ReplicaApi, noteId: string, revisionId: string): Promise<RevisionRow> {
  const revision = (await replica.getRevisions(noteId)).find((r) => r.revisionId === revisionId);
  if (!revision) throw new TriliumError('NOT_FOUND', `Revision ${revisionId} does not exist.`, 'It may have been erased; sync, then try again.');
  return revision;
}

/** How the `trilium:` editor names a note (the file system provider's own rule), when it is available. */
export type NoteUriFor = (noteId: string) => Promise<vscode.Uri>;

/** The note as it is now: its editable `trilium:` document, or a read-only view when it is deleted. */
export async function currentNoteUri(replica: ReplicaApi, note: NoteRow, noteUri?: NoteUriFor): Promise<{ uri: vscode.Uri; ext: string }> {
  if (!note.isDeleted && noteUri) {
    const uri = await noteUri(note.noteId);
    const ext = parseNotePath(uri.path)?.ext;
    if (ext) return { uri, ext };
  }
  const ext = currentNoteExtension(note, await replica.getNoteContent(note.noteId));
  if (note.isDeleted) return { uri: revisionContentUri(note.noteId, CURRENT, note.title, ext), ext };
  return { uri: vscode.Uri.from({ scheme: NOTE_SCHEME, path: notePath(note.noteId, note.title, ext) }), ext };
}

/** `2026-03-01 10:02:03.456Z` → `2026-03-01 10:02:03 UTC` */
export function formatUtc(utc: string): string {
  return utc.replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function revisionLabel(revision: RevisionRow): string {
  return `revision of ${formatUtc(revision.utcDateCreated)}`;
}

export async function openRevision(replica: ReplicaApi, noteId: string, revisionId: string, noteUri?: NoteUriFor): Promise<vscode.TextEditor> {
  const note = await requireNote(replica, noteId);
  const revision = await requireRevision(replica, noteId, revisionId);
  const { ext } = await currentNoteUri(replica, note, noteUri);
  const doc = await vscode.workspace.openTextDocument(revisionContentUri(noteId, revisionId, revision.title, ext));
  return vscode.window.showTextDocument(doc, { preview: true });
}

export async function compareRevisionWithCurrent(replica: ReplicaApi, noteId: string, revisionId: string, noteUri?: NoteUriFor): Promise<void> {
  const note = await requireNote(replica, noteId);
  const revision = await requireRevision(replica, noteId, revisionId);
  const current = await currentNoteUri(replica, note, noteUri);
  const left = revisionContentUri(noteId, revisionId, revision.title, current.ext);
  const titleNote = revision.title !== note.title ? ` (title was "${revision.title}")` : '';
  await vscode.commands.executeCommand('vscode.diff', left, current.uri, `${note.title}: ${revisionLabel(revision)}${titleNote} ↔ current`);
}

export async function compareRevisions(replica: ReplicaApi, noteId: string, olderId: string, newerId: string, noteUri?: NoteUriFor): Promise<void> {
  const note = await requireNote(replica, noteId);
  const [a, b] = await Promise.all([requireRevision(replica, noteId, olderId), requireRevision(replica, noteId, newerId)]);
  const [older, newer] = a.utcDateCreated <= b.utcDateCreated ? [a, b] : [b, a];
  const { ext } = await currentNoteUri(replica, note, noteUri);
  await vscode.commands.executeCommand(
    'vscode.diff',
    revisionContentUri(noteId, older.revisionId, older.title, ext),
    revisionContentUri(noteId, newer.revisionId, newer.title, ext),
    `${note.title}: ${revisionLabel(older)} ↔ ${revisionLabel(newer)}`,
  );
}

/** The diff for a conflict: the losing version on the left, the current state on the right. */
export async function compareConflict(replica: ReplicaApi, conflict: ConflictRecord, noteUri?: NoteUriFor): Promise<void> {
  const noteId = conflict.noteId;
  if (!conflict.revisionId || !noteId) {
    const owner = noteId ?? conflict.entityId;
    const [left, right] = conflict.loser === 'local' ? ['local', 'remote'] as const : ['remote', 'local'] as const;
    const noteTitle = noteId ? (await replica.getNote(noteId))?.title ?? noteId : conflict.entityId;
    await vscode.commands.executeCommand(
      'vscode.diff',
      conflictDetailsUri(owner, conflict.conflictId, left),
      conflictDetailsUri(owner, conflict.conflictId, right),
      `${noteTitle}: ${conflict.entityName} ${left === 'local' ? 'yours' : 'other'} (lost) ↔ ${right === 'local' ? 'yours' : 'other'} (kept)`,
    );
    return;
  }
  const note = await requireNote(replica, noteId);
  const revision = await requireRevision(replica, noteId, conflict.revisionId);
  const title = conflictDiffTitle(conflict, note.title);
  if (conflict.kind === 'title') {
    await vscode.commands.executeCommand(
      'vscode.diff',
      revisionTitleUri(noteId, revision.revisionId, revision.title),
      revisionTitleUri(noteId, CURRENT, note.title),
      `${title} (title)`,
    );
    return;
  }
  const current = await currentNoteUri(replica, note, noteUri);
  const titleNote = revision.title !== note.title ? ` (title "${revision.title}" ↔ "${note.title}")` : '';
  await vscode.commands.executeCommand(
    'vscode.diff',
    revisionContentUri(noteId, revision.revisionId, revision.title, current.ext),
    current.uri,
    title + titleNote,
  );
}
