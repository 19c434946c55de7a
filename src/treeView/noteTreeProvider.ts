// The note tree: lazy children in notePosition order, or Trilium's order under a #sorted note (one query per expanded
// note), archived notes left out unless shown, nodes keyed by branchId so that reveal and incremental refresh work,
// and only the nodes a replica change touched are refreshed.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ReplicaChange, TreeChild } from '../storage/types';
import { codiconForNote } from './icons';
import { isSearchResult, searchResultNodes } from './searchResults';
import { contextValue, displayTitle, HIDDEN_NOTE_ID, ROOT_NOTE_ID, TreeNode } from './treeNode';

/** A change naming more notes than this relists the whole tree instead of looking at each. */
const MAX_INSPECTED = 200;

export class NoteTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  private replica: ReplicaApi | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Every node handed to VS Code, by branchId (VS Code matches refresh events by object identity). */
  private readonly nodes = new Map<string, TreeNode>();
  /** Nodes listed per noteId: a note's own rows (several when cloned). */
  private readonly nodesByNote = new Map<string, Set<TreeNode>>();

  constructor(private readonly showHidden: () => boolean, private readonly showArchived: () => boolean = () => false) {}

  setReplica(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.replica = replica;
    this.nodes.clear();
    this.nodesByNote.clear();
    this.unsubscribe = replica?.onDidChange((change) => this.onReplicaChange(change));
    this.changeEmitter.fire(undefined);
  }

  refreshAll(): void {
    this.changeEmitter.fire(undefined);
  }

  /** The nodes that show this note (one per visible branch loaded so far). */
  nodesForNote(noteId: string): TreeNode[] {
    return [...(this.nodesByNote.get(noteId) ?? [])];
  }

  getNode(branchId: string): TreeNode | undefined {
    return this.nodes.get(branchId);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      displayTitle(node),
      node.hasChildren || node.type === 'search' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.branchId;
    item.iconPath = new vscode.ThemeIcon(codiconForNote(node));
    item.contextValue = isSearchResult(node) ? `searchResult.type-${node.type}` : contextValue(node);
    const marks: string[] = [];
    if (node.isClone) marks.push('⧉ clone');
    if (node.isProtected) marks.push('protected');
    if (node.isArchived) marks.push('archived');
    item.description = marks.join(' · ') || undefined;
    item.tooltip = `${displayTitle(node)}\n${node.type}${node.type === 'code' ? ` (${node.mime})` : ''} · ${node.noteId}`;
    item.command = { command: 'trilium.openNote', title: 'Open Note', arguments: [node] };
    return item;
  }

  async getChildren(parent?: TreeNode): Promise<TreeNode[]> {
    const replica = this.replica;
    if (!replica) return [];
    if (parent?.type === 'search' && !isSearchResult(parent)) return this.rememberAll(await searchResultNodes(replica, parent), parent);
    const parentNoteId = parent?.noteId ?? ROOT_NOTE_ID;
    const showHidden = this.showHidden();
    const children = await replica.getTreeChildren(parentNoteId, { includeHidden: showHidden, includeArchived: this.showArchived() });
    const out: TreeNode[] = [];
    for (const child of children) {
      if (!showHidden && child.noteId === HIDDEN_NOTE_ID) continue;
      out.push(this.remember(child, parent));
    }
    // Rows that are no longer listed under this parent (moved or deleted) are forgotten.
    const listed = new Set(out);
    for (const node of this.nodes.values()) if (node.parent === parent && !listed.has(node)) this.forget(node);
    return out;
  }

  /** Search result rows: kept by id for VS Code, but not as rows of their notes (they are not clones). */
  private rememberAll(rows: TreeNode[], parent: TreeNode): TreeNode[] {
    const out = rows.map((row) => {
      const known = this.nodes.get(row.branchId);
      if (known) return Object.assign(known, row);
      this.nodes.set(row.branchId, row);
      return row;
    });
    const listed = new Set(out);
    for (const node of this.nodes.values()) if (node.parent === parent && !listed.has(node)) this.forget(node);
    return out;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Finds (loading each level once) the node of a note along its first path from root. */
  async findNode(noteId: string): Promise<TreeNode | undefined> {
    const replica = this.replica;
    if (!replica) return undefined;
    const existing = this.nodesForNote(noteId)[0];
    if (existing) return existing;
    const paths = await replica.getNotePaths(noteId);
    const path = paths.find((p) => this.showHidden() || !p.includes(HIDDEN_NOTE_ID)) ?? paths[0];
    if (!path) return undefined;
    let parent: TreeNode | undefined;
    for (const id of path.slice(1)) {
      const children = await this.getChildren(parent);
      parent = children.find((c) => c.noteId === id);
      if (!parent) return undefined;
    }
    return parent;
  }

  private remember(child: TreeChild, parent: TreeNode | undefined): TreeNode {
    // Without parentCount from the replica, a note is known to be a clone once it was listed under two parents.
    const listed = this.nodesByNote.get(child.noteId);
    const listedElsewhere = !!listed && [...listed].some((n) => n.branchId !== child.branchId);
    const isClone = child.parentCount !== undefined ? child.parentCount > 1 : listedElsewhere;
    if (listedElsewhere && child.parentCount === undefined) for (const other of listed!) other.isClone = true;
    let node = this.nodes.get(child.branchId);
    if (node) {
      Object.assign(node, child, { parent, isClone, isArchived: child.isArchived });
    } else {
      node = { ...child, parent, isClone };
      this.nodes.set(node.branchId, node);
    }
    let set = this.nodesByNote.get(node.noteId);
    if (!set) this.nodesByNote.set(node.noteId, (set = new Set()));
    set.add(node);
    return node;
  }

  private forget(node: TreeNode): void {
    this.nodes.delete(node.branchId);
    this.nodesByNote.get(node.noteId)?.delete(node);
  }

  private async onReplicaChange(change: ReplicaChange): Promise<void> {
    const replica = this.replica;
    if (!replica) return;
    // root's attributes reach every note (inheritable ones); a large change is cheaper to relist than to inspect
    if (change.parentNoteIds.has(ROOT_NOTE_ID) || change.noteIds.has(ROOT_NOTE_ID) || change.noteIds.size > MAX_INSPECTED) {
      this.changeEmitter.fire(undefined);
      return;
    }
    const affected = new Set<TreeNode>();
    /** Notes whose effective attributes may have changed with a changed note's: relisted with their loaded subtrees. */
    const reached = new Set<string>();
    for (const parentId of change.parentNoteIds) {
      const parentNodes = this.nodesForNote(parentId);
      const hasChildren = parentNodes.length > 0 && (await replica.getChildren(parentId, { includeHidden: true })).length > 0;
      for (const node of parentNodes) {
        node.hasChildren = hasChildren;
        affected.add(node);
      }
    }
    for (const noteId of change.noteIds) {
      const nodes = this.nodesForNote(noteId).filter((n) => !affected.has(n));
      if (nodes.length === 0) continue;
      const note = await replica.getNote(noteId);
      if (!note || note.isDeleted) continue; // its parent's change removes the row
      const attributes = await replica.getEffectiveAttributes(noteId);
      const iconClass = attributes.find((a) => a.type === 'label' && a.name === 'iconClass')?.value ?? null;
      const labelSignature = attributes.map((a) => `${a.type === 'label' ? '#' : '~'}${a.name}=${a.value}${a.isInheritable ? ' (inheritable)' : ''}`).join('\n');
      for (const node of nodes) {
        // a new title or label can move the row under a #sorted parent, or hide it (#archived): its parent relists;
        // new attributes can reach its descendants (inheritable ones) too, wherever they are listed
        if (node.labelSignature !== labelSignature) reached.add(noteId);
        if (node.title !== note.title || node.labelSignature !== labelSignature) {
          if (!node.parent) {
            this.changeEmitter.fire(undefined);
            return;
          }
          affected.add(node.parent);
        }
        Object.assign(node, { title: note.title, type: note.type, mime: note.mime, isProtected: note.isProtected, iconClass, labelSignature });
        affected.add(node);
      }
    }
    // a changed template reaches the notes using it (~template, ~inherit), and theirs in turn
    const templates = [...change.noteIds];
    const seen = new Set(templates);
    while (templates.length > 0 && seen.size <= MAX_INSPECTED) {
      const id = templates.pop()!;
      for (const b of await replica.getBacklinks(id)) {
        if ((b.relation !== 'template' && b.relation !== 'inherit') || seen.has(b.noteId)) continue;
        seen.add(b.noteId);
        templates.push(b.noteId);
        reached.add(b.noteId);
      }
    }
    if (!this.relistReached(reached, affected)) {
      this.changeEmitter.fire(undefined);
      return;
    }
    // saved searches may match differently after any change
    for (const node of this.nodes.values()) if (node.type === 'search' && !isSearchResult(node)) affected.add(node);
    if (affected.size > 0) this.changeEmitter.fire([...affected]);
  }

  /**
   * Adds what relists the loaded rows of these notes and of their loaded descendants (each row's parent: a row can
   * move under #sorted or hide with #archived), also where those notes are listed elsewhere as clones. A refreshed
   * row takes its expanded subtree along in VS Code. False when a top-level row is among them (relist everything).
   */
  private relistReached(noteIds: Set<string>, affected: Set<TreeNode>): boolean {
    if (noteIds.size === 0) return true;
    const under = (node: TreeNode): boolean => {
      for (let n: TreeNode | undefined = node; n; n = n.parent) if (noteIds.has(n.noteId)) return true;
      return false;
    };
    const notes = new Set<string>();
    for (const node of this.nodes.values()) if (!isSearchResult(node) && under(node)) notes.add(node.noteId);
    for (const noteId of notes) {
      for (const node of this.nodesForNote(noteId)) {
        if (!node.parent) return false;
        affected.add(node.parent);
      }
    }
    return true;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.changeEmitter.dispose();
  }
}
