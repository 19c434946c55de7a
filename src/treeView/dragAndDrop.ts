// Drag and drop in the note tree. Dropping onto a sibling of the dragged note (same parent) reorders: the note is
// placed just before that sibling. Dropping onto any other note moves the note into it, as its last child.
// Dropping on empty space moves it to the top level. Dragging to an editor drops the note's trilium: URI.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import { ROOT_NOTE_ID } from './noteTreeProvider';
import type { TreeNode } from './treeNode';

export const TREE_MIME = 'application/vnd.code.tree.trilium.notetree';

export type DropPlan =
  | { kind: 'reorder'; parentNoteId: string; branchIdsInOrder: string[] }
  | { kind: 'move'; branchId: string; newParentNoteId: string }
  | { kind: 'none'; reason: string };

/** What a drop does (pure; siblings in current order are passed in when the target shares the parent). */
export function planDrop(
  dragged: Pick<TreeNode, 'branchId' | 'noteId' | 'parentNoteId'>,
  target: Pick<TreeNode, 'branchId' | 'noteId' | 'parentNoteId'> | undefined,
  siblingsOfTarget: Array<{ branchId: string }>,
  ancestorsOfTarget: string[],
): DropPlan {
  const newParent = target?.noteId ?? ROOT_NOTE_ID;
  if (target && target.branchId === dragged.branchId) return { kind: 'none', reason: 'dropped on itself' };
  if (target && target.parentNoteId === dragged.parentNoteId) {
    const ids = siblingsOfTarget.map((s) => s.branchId).filter((id) => id !== dragged.branchId);
    const at = ids.indexOf(target.branchId);
    if (at < 0) return { kind: 'none', reason: 'target is not among the siblings' };
    ids.splice(at, 0, dragged.branchId);
    return { kind: 'reorder', parentNoteId: target.parentNoteId, branchIdsInOrder: ids };
  }
  if (newParent === dragged.noteId || ancestorsOfTarget.includes(dragged.noteId)) {
    return { kind: 'none', reason: 'a note cannot be moved into its own subtree' };
  }
  if (newParent === dragged.parentNoteId) return { kind: 'none', reason: 'already there' };
  return { kind: 'move', branchId: dragged.branchId, newParentNoteId: newParent };
}

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
