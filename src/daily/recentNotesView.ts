// The Recent Notes view and "Trilium: Open Recent Note…": notes opened in an editor or saved here, most recent first.
// The list is kept per document in the extension's global state (never synced, like Trilium's recent_notes).
import * as vscode from 'vscode';
import type { Services } from '../commands/services';
import { noteIdFromUri } from '../editor/noteFileSystem';
import { shownDateTime, timeAgo } from '../statusBar/statusText';
import type { ReplicaApi } from '../storage/replicaApi';
import { parseRecent, touchRecent, withoutMissing, type RecentNote } from './recentNotesList';
import { codiconForNote } from '../treeView/icons';

export interface RecentNoteItem extends RecentNote {
  title: string;
  type: string;
  isProtected: number;
}

export class RecentNotesProvider implements vscode.TreeDataProvider<RecentNoteItem>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly services: Services) {
    const touchUri = (uri: vscode.Uri | undefined) => {
      const id = uri && noteIdFromUri(uri);
      if (id) void this.touch(id);
    };
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor((e) => touchUri(e?.document.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => touchUri(d.uri)),
      services.session.onDidChangeReplica((r) => this.watch(r)),
    );
    this.watch(services.session.replica);
    touchUri(vscode.window.activeTextEditor?.document.uri);
  }

  private get key(): string | undefined {
    const name = this.services.session.documentName;
    return name ? `trilium.recentNotes:${name}` : undefined;
  }

  private stored(): RecentNote[] {
    const key = this.key;
    return key ? parseRecent(this.services.context.globalState.get(key)) : [];
  }

  private async store(list: RecentNote[]): Promise<void> {
    const key = this.key;
    if (key) await this.services.context.globalState.update(key, list);
    this.emitter.fire(undefined);
  }

  /** Records that the note was opened or saved now. */
  async touch(noteId: string, at = Date.now()): Promise<void> {
    await this.store(touchRecent(this.stored(), noteId, at));
  }

  /** The recent notes that still exist, most recent first (deleted ones are dropped from the stored list too). */
  async list(): Promise<RecentNoteItem[]> {
    const replica = this.services.session.replica;
    if (!replica) return [];
    const stored = this.stored();
    const out: RecentNoteItem[] = [];
    for (const r of stored) {
      const note = await replica.getNote(r.noteId);
      if (note && !note.isDeleted) out.push({ ...r, title: note.title, type: note.type, isProtected: note.isProtected });
    }
    if (out.length < stored.length) {
      const key = this.key;
      // dropped quietly: firing a change here would only list the same notes again
      if (key) await this.services.context.globalState.update(key, withoutMissing(this.stored(), new Set(out.map((r) => r.noteId))));
    }
    return out;
  }

  getTreeItem(r: RecentNoteItem): vscode.TreeItem {
    const item = new vscode.TreeItem(r.title);
    item.id = `recent:${r.noteId}`;
    item.description = timeAgo(new Date(r.at), new Date());
    item.tooltip = `${r.title}\n${shownDateTime(new Date(r.at))} · ${r.noteId}`;
    item.iconPath = new vscode.ThemeIcon(codiconForNote(r));
    item.command = { command: 'trilium.openNote', title: 'Open Note', arguments: [r.noteId] };
    item.contextValue = 'recentNote';
    return item;
  }

  getChildren(parent?: RecentNoteItem): Promise<RecentNoteItem[]> {
    return parent ? Promise.resolve([]) : this.list();
  }

  private watch(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = replica?.onDidChange(() => this.emitter.fire(undefined));
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.unsubscribe?.();
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

export function recentNotesCommands(recent: RecentNotesProvider): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    /** Resolves to the id of the note opened (undefined when dismissed or the list is empty). */
    'trilium.openRecentNote': async () => {
      const items = await recent.list();
      if (items.length === 0) {
        void vscode.window.showInformationMessage('No Trilium notes were opened or saved here yet.');
        return undefined;
      }
      const now = new Date();
      const pick = await vscode.window.showQuickPick(
        items.map((r) => ({ label: `$(${codiconForNote(r)}) ${r.title}`, description: timeAgo(new Date(r.at), now), noteId: r.noteId })),
        { title: 'Open Recent Trilium Note', matchOnDescription: false },
      );
      if (!pick) return undefined;
      await vscode.commands.executeCommand('trilium.openNote', pick.noteId, { preview: false });
      return pick.noteId;
    },
  };
}
