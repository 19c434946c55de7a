// The Conflicts view: unresolved sync conflicts, newest first; a click opens the compare.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ConflictRecord } from '../storage/types';
import { conflictDescription, conflictExplanation, hasRestorableRevision } from './describe';

export const CONFLICTS_VIEW_ID = 'trilium.conflicts';

export class ConflictItem extends vscode.TreeItem {
  constructor(readonly conflict: ConflictRecord, readonly noteTitle: string | null, now: Date) {
    super(noteTitle ?? conflict.entityId, vscode.TreeItemCollapsibleState.None);
    this.id = `conflict-${conflict.conflictId}`;
    this.description = conflictDescription(conflict, now);
    this.tooltip = conflictExplanation(conflict, noteTitle);
    this.iconPath = new vscode.ThemeIcon(conflict.loser === 'local' ? 'warning' : 'info');
    this.contextValue = hasRestorableRevision(conflict) ? 'trilium.conflict.restorable' : 'trilium.conflict';
    this.command = { command: 'trilium.conflicts.compare', title: 'Compare', arguments: [this] };
  }
}

export class ConflictsViewProvider implements vscode.TreeDataProvider<ConflictItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private items: ConflictItem[] = [];

  constructor(private readonly getReplica: () => ReplicaApi | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  /** The items as last shown (tests and the badge read them). */
  get shown(): readonly ConflictItem[] {
    return this.items;
  }

  getTreeItem(item: ConflictItem): vscode.TreeItem {
    return item;
  }

  async getChildren(parent?: ConflictItem): Promise<ConflictItem[]> {
    if (parent) return [];
    const replica = this.getReplica();
    if (!replica) {
      this.items = [];
      return [];
    }
    const conflicts = await replica.listConflicts();
    const now = new Date();
    const titles = new Map<string, string | null>();
    for (const c of conflicts) {
      if (c.noteId && !titles.has(c.noteId)) titles.set(c.noteId, (await replica.getNote(c.noteId))?.title ?? null);
    }
    this.items = conflicts
      .filter((c) => !c.resolved)
      .sort((a, b) => (a.utcDateDetected < b.utcDateDetected ? 1 : a.utcDateDetected > b.utcDateDetected ? -1 : b.conflictId - a.conflictId))
      .map((c) => new ConflictItem(c, c.noteId ? titles.get(c.noteId) ?? null : null, now));
    return this.items;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
