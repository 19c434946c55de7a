// Drag and drop in the note tree. Dropping onto a sibling of the dragged note (same parent) reorders: the note is
// placed just before that sibling. Dropping onto any other note moves the note into it, as its last child.
// Dropping on empty space moves it to the top level. Dragging to an editor drops the note's trilium: URI.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import { planDrop } from './dropPlan';
import type { TreeNode } from './treeNode';

export const TREE_MIME = 'application/vnd.code.tree.trilium.notetree';

export class NoteDragAndDrop implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dragMimeTypes = [TREE_MIME, 'text/uri-list'];
  readonly dropMimeTypes = [TREE_MIME];

  constructor(
    private readonly getReplica: () => ReplicaApi | undefined,
    private readonly uriFor: (noteId: string) => Promise<vscode.Uri>,
    private readonly onError: (e: unknown) => void,
  ) {}

  async handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer): Promise<void> {
    data.set(TREE_MIME, new vscode.DataTransferItem(source.map((n) => ({ branchId: n.branchId, noteId: n.noteId, parentNoteId: n.parentNoteId }))));
    try {
      const uris = await Promise.all(source.map((n) => this.uriFor(n.noteId)));
      data.set('text/uri-list', new vscode.DataTransferItem(uris.map((u) => u.toString()).join('\r\n')));
    } catch {
      // no URIs: only the in-tree drop works
    }
  }

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const replica = this.getReplica();
    const item = data.get(TREE_MIME);
    if (!replica || !item) return;
    const dragged = item.value as Array<Pick<TreeNode, 'branchId' | 'noteId' | 'parentNoteId'>>;
    try {
      for (const d of dragged) await this.dropOne(replica, d, target);
    } catch (e) {
      this.onError(e);
    }
  }

  private async dropOne(replica: ReplicaApi, dragged: Pick<TreeNode, 'branchId' | 'noteId' | 'parentNoteId'>, target: TreeNode | undefined): Promise<void> {
    const siblings = target && target.parentNoteId === dragged.parentNoteId
      ? await replica.getChildren(target.parentNoteId, { includeHidden: true }) : [];
    const ancestors = target ? (await replica.getNotePaths(target.noteId)).flat() : [];
    const plan = planDrop(dragged, target, siblings, ancestors);
    if (plan.kind === 'reorder') await replica.reorderChildren(plan.parentNoteId, plan.branchIdsInOrder);
    else if (plan.kind === 'move') await replica.moveBranch(plan.branchId, plan.newParentNoteId);
  }
}
