// One row of the note tree: a branch (so a cloned note appears once under each of its parents).
import type { TreeChild } from '../storage/types';

export const ROOT_NOTE_ID = 'root';
export const HIDDEN_NOTE_ID = '_hidden';

export interface TreeNode extends TreeChild {
  /** The node this one was listed under; undefined at the top level. */
  parent: TreeNode | undefined;
  /** The note has more than one parent branch. */
  isClone: boolean;
  /**
   * The note's effective attributes when last seen by a change (a change to them may move or hide it under its parent,
   * and reach its descendants).
   */
  labelSignature?: string;
}

export function displayTitle(node: Pick<TreeChild, 'prefix' | 'title'>): string {
  return node.prefix ? `${node.prefix}: ${node.title}` : node.title;
}

/** contextValue for `when` clauses: "note", then ".type", ".protected", ".hidden" as they apply. */
export function contextValue(node: Pick<TreeChild, 'type' | 'isProtected' | 'noteId'>): string {
  const parts = ['note', `type-${node.type}`];
  if (node.isProtected) parts.push('protected');
  if (node.noteId.startsWith('_')) parts.push('system');
  return parts.join('.');
}
