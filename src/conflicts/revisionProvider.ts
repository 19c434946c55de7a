// Read-only `trilium-revision:` documents: a revision's content or title, the note's current title, and the
// recorded sides of a row-level conflict.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import { detailsParentIds, detailsSide } from './describe';
import { includeTitles } from '../markdown/includeTitles';
import { contentToString, presentContent } from './present';
import { CURRENT, parseRevisionPath, REVISION_SCHEME, revisionContentPath, revisionTitlePath, conflictDetailsPath } from './revisionUri';

export function revisionContentUri(noteId: string, revisionId: string, title: string, ext: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REVISION_SCHEME, path: revisionContentPath(noteId, revisionId, title, ext) });
}

export function revisionTitleUri(noteId: string, revisionId: string, title: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REVISION_SCHEME, path: revisionTitlePath(noteId, revisionId, title) });
}

export function conflictDetailsUri(noteId: string, conflictId: number, side: 'local' | 'remote'): vscode.Uri {
  return vscode.Uri.from({ scheme: REVISION_SCHEME, path: conflictDetailsPath(noteId, conflictId, side) });
}

export class RevisionDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly getReplica: () => ReplicaApi | undefined) {}

  /** Documents of a note's current state follow the note; revisions never change. */
  refreshCurrent(noteIds: Set<string>): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== REVISION_SCHEME) continue;
      const parsed = parseRevisionPath(doc.uri.path);
      if (parsed && parsed.kind !== 'details' && parsed.revisionId === CURRENT && noteIds.has(parsed.noteId)) this.changed.fire(doc.uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const replica = this.getReplica();
    if (!replica) throw new Error('No Trilium replica is open.');
    const doc = parseRevisionPath(uri.path);
    if (!doc) throw new Error(`Not a Trilium revision address: ${uri.toString()}`);
    if (doc.kind === 'details') {
      const conflict = (await replica.listConflicts({ includeResolved: true })).find((c) => c.conflictId === doc.conflictId);
      if (!conflict) throw new Error(`Conflict ${doc.conflictId} does not exist.`);
      const titles: Record<string, string> = {};
      for (const id of detailsParentIds(conflict.details)) {
        const parent = await replica.getNote(id);
        if (parent) titles[id] = parent.title;
      }
      return detailsSide(conflict.details, doc.side, titles) ?? '(no details recorded)\n';
    }
    if (doc.kind === 'title' && doc.revisionId === CURRENT) {
      const note = await replica.getNote(doc.noteId);
      return (note?.title ?? '') + '\n';
    }
    if (doc.kind === 'content' && doc.revisionId === CURRENT) {
      const note = await replica.getNote(doc.noteId);
      if (!note) throw new Error(`Note ${doc.noteId} does not exist.`);
      const state = note.isDeleted ? '(this note is deleted)\n' : '';
      return state + (await this.present(replica, note.type, doc.ext, await replica.getNoteContent(doc.noteId)));
    }
    const revision = (await replica.getRevisions(doc.noteId)).find((r) => r.revisionId === doc.revisionId);
    if (!revision) throw new Error(`Revision ${doc.revisionId} of note ${doc.noteId} does not exist.`);
    if (doc.kind === 'title') return revision.title + '\n';
    return this.present(replica, revision.type, doc.ext, await replica.getRevisionContent(revision.revisionId));
  }

  /** As the `trilium:` editor shows it, embeds with their included notes' titles. */
  private async present(replica: ReplicaApi, type: string, ext: string, content: string | Buffer | null): Promise<string> {
    const titles = type === 'text' && ext === 'md' ? await includeTitles(contentToString(content), (id) => replica.getNote(id)) : undefined;
    return presentContent(type, ext, content, titles);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
