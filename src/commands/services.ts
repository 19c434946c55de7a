// What the commands work with: the open document and the views over it.
import type * as vscode from 'vscode';
import type { NoteFileSystem } from '../editor/noteFileSystem';
import type { DocumentSession } from '../setup/session';
import type { SyncStatusBar } from '../statusBar/syncStatusBar';
import type { NoteDragAndDrop } from '../treeView/dragAndDrop';
import type { NoteTreeProvider } from '../treeView/noteTreeProvider';
import type { TreeNode } from '../treeView/treeNode';

export interface Services {
  context: vscode.ExtensionContext;
  session: DocumentSession;
  log: vscode.LogOutputChannel;
  tree: NoteTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  dnd: NoteDragAndDrop;
  fs: NoteFileSystem;
  statusBar: SyncStatusBar;
}
