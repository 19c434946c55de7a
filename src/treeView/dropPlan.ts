// What a drop in the note tree does (pure). Onto a sibling of the dragged note (same parent): reorder, placed just
// before that sibling. Onto any other note: move into it, as its last child. On empty space: move to the top level.
import { ROOT_NOTE_ID, type TreeNode } from './treeNode';

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
