// Children of a saved search note (type `search`) in the tree: its results, as rows that open the note but are not
// branches (they cannot be moved or deleted from there), refreshed whenever the document changes.
import type { ReplicaApi } from '../storage/replicaApi';
import type { TreeNode } from './treeNode';

export const SEARCH_RESULT_PREFIX = 'search-result:';

export function isSearchResult(node: TreeNode): boolean {
  return node.branchId.startsWith(SEARCH_RESULT_PREFIX);
}

export async function searchResultNodes(replica: ReplicaApi, parent: TreeNode): Promise<TreeNode[]> {
  const hits = await replica.runSavedSearch(parent.noteId);
  return hits.map((h, i) => ({
    branchId: `${SEARCH_RESULT_PREFIX}${parent.branchId}:${h.noteId}`, noteId: h.noteId, parentNoteId: parent.noteId,
    notePosition: i, prefix: null, title: h.title, type: h.type, mime: '', isProtected: 0, hasChildren: false,
    iconClass: null, parent, isClone: false,
  }));
}
