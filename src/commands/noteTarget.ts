// Which note a command is about: its tree node, a noteId, a trilium: URI, the tree's selection or the active editor.
import * as vscode from 'vscode';
import { noteIdFromUri } from '../editor/noteFileSystem';
import type { TreeNode } from '../treeView/treeNode';
import type { Services } from './services';

export function isTreeNode(arg: unknown): arg is TreeNode {
  return !!arg && typeof arg === 'object' && typeof (arg as TreeNode).branchId === 'string' && typeof (arg as TreeNode).noteId === 'string';
}

export function activeEditorNoteId(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  return uri ? noteIdFromUri(uri) : undefined;
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
  return input?.uri instanceof vscode.Uri ? input.uri : undefined;
}

/** The tree node for the argument, else the selected node, else the active editor's note (when it is listed). */
export async function targetNode(services: Services, arg: unknown): Promise<TreeNode | undefined> {
  if (isTreeNode(arg)) return arg;
  const noteId = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? noteIdFromUri(arg) : undefined;
  if (noteId) return services.tree.findNode(noteId);
  if (services.treeView.selection.length > 0) return services.treeView.selection[0];
  const active = activeEditorNoteId();
  return active ? services.tree.findNode(active) : undefined;
}

export async function targetNoteId(services: Services, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return noteIdFromUri(arg);
  if (isTreeNode(arg)) return arg.noteId;
  return (await targetNode(services, arg))?.noteId ?? activeEditorNoteId();
}
