// A note's revision history as a quick pick: open a revision read-only, compare it with the current note or
// with another revision, or restore it.
import * as vscode from 'vscode';
import { parseNotePath, SCHEME as NOTE_SCHEME } from '../editor/noteUri';
import type { ReplicaApi } from '../storage/replicaApi';
import type { RevisionRow } from '../storage/types';
import { compareRevisionWithCurrent, compareRevisions, formatUtc, openRevision, revisionLabel, type NoteUriFor } from './compare';
import { restoreRevision } from './restore';
import { parseRevisionPath, REVISION_SCHEME } from './revisionUri';

/** The note a command was invoked on: a noteId, a tree item, a note or revision document, or the active editor. */
export function noteIdFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg instanceof vscode.Uri) return noteIdFromUri(arg);
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    if (typeof o.noteId === 'string') return o.noteId;
    for (const key of ['note', 'child', 'conflict']) {
      const inner = o[key] as Record<string, unknown> | undefined;
      if (inner && typeof inner.noteId === 'string') return inner.noteId;
    }
    if (o.resourceUri instanceof vscode.Uri) return noteIdFromUri(o.resourceUri);
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  return active ? noteIdFromUri(active) : undefined;
}

function noteIdFromUri(uri: vscode.Uri): string | undefined {
  if (uri.scheme === NOTE_SCHEME) return parseNotePath(uri.path)?.noteId;
  if (uri.scheme === REVISION_SCHEME) return parseRevisionPath(uri.path)?.noteId;
  return undefined;
}

interface RevisionPick extends vscode.QuickPickItem {
  revision: RevisionRow;
}

function byNewest(revisions: RevisionRow[]): RevisionRow[] {
  return [...revisions].sort((a, b) => (a.utcDateCreated < b.utcDateCreated ? 1 : a.utcDateCreated > b.utcDateCreated ? -1 : 0));
}

function revisionPicks(revisions: RevisionRow[]): RevisionPick[] {
  return byNewest(revisions).map((r) => ({
    label: `$(history) ${formatUtc(r.utcDateCreated)}`,
    description: r.title,
    detail: [r.description, r.source && r.source !== 'auto' ? `source: ${r.source}` : ''].filter(Boolean).join(' · ') || undefined,
    revision: r,
  }));
}

export async function showRevisionHistory(replica: ReplicaApi, noteId: string, onRestored: () => void, noteUri?: NoteUriFor): Promise<void> {
  const note = await replica.getNote(noteId);
  if (!note) {
    void vscode.window.showWarningMessage(`Note ${noteId} is not in the local replica.`);
    return;
  }
  const revisions = await replica.getRevisions(noteId);
  if (revisions.length === 0) {
    void vscode.window.showInformationMessage(`"${note.title}" has no revisions yet.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(revisionPicks(revisions), {
    title: `Revisions of "${note.title}"`,
    placeHolder: `${revisions.length} revision${revisions.length === 1 ? '' : 's'}, newest first`,
    matchOnDescription: true,
  });
  if (!picked) return;
  const actions = [
    { label: '$(go-to-file) Open revision', id: 'open' },
    { label: '$(diff) Compare with current', id: 'current' },
    ...(revisions.length > 1 ? [{ label: '$(diff-multiple) Compare with another revision…', id: 'other' }] : []),
    { label: '$(history) Restore this revision', id: 'restore' },
  ];
  const action = await vscode.window.showQuickPick(actions, { title: `${note.title}: ${revisionLabel(picked.revision)}` });
  if (!action) return;
  const revisionId = picked.revision.revisionId;
  if (action.id === 'open') await openRevision(replica, noteId, revisionId, noteUri);
  else if (action.id === 'current') await compareRevisionWithCurrent(replica, noteId, revisionId, noteUri);
  else if (action.id === 'other') {
    const other = await vscode.window.showQuickPick(revisionPicks(revisions.filter((r) => r.revisionId !== revisionId)), {
      title: `Compare the ${revisionLabel(picked.revision)} with…`,
    });
    if (other) await compareRevisions(replica, noteId, revisionId, other.revision.revisionId, noteUri);
  } else if (action.id === 'restore') {
    await restoreAndTell(replica, noteId, picked.revision, onRestored);
  }
}

/** Restores without asking: the version it replaces is saved as a revision first, so it can be undone. */
export async function restoreAndTell(replica: ReplicaApi, noteId: string, revision: RevisionRow, onRestored: () => void): Promise<void> {
  const outcome = await restoreRevision(replica, noteId, revision.revisionId);
  onRestored();
  const what = outcome.savedRevisionId
    ? 'The version it replaced is kept as a revision.'
    : 'It was already the current version.';
  void vscode.window.showInformationMessage(`Restored the ${revisionLabel(revision)}. ${what}`);
}
