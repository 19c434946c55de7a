// A tree view about the active note (Attributes, Backlinks): follows the note of the active editor, and refreshes
// whenever the replica changes.
import * as vscode from 'vscode';
import type { Services } from '../commands/services';
import { noteIdFromUri } from '../editor/noteFileSystem';
import type { ReplicaApi } from '../storage/replicaApi';

export abstract class ActiveNoteView<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private noteId: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly subs: vscode.Disposable[] = [];

  /** `followNow`: take the note of the editor that is active already, not only of the next one. */
  constructor(protected readonly services: Services, followNow: boolean) {
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.follow(e)),
      services.session.onDidChangeReplica((r) => this.watch(r)),
    );
    this.watch(services.session.replica);
    if (followNow) this.follow(vscode.window.activeTextEditor);
  }

  /** The note the view shows. */
  get currentNoteId(): string | undefined {
    return this.noteId;
  }

  showFor(noteId: string | undefined): void {
    this.noteId = noteId;
    this.emitter.fire(undefined);
  }

  abstract getTreeItem(element: T): vscode.TreeItem;
  abstract getChildren(element?: T): Promise<T[]>;

  private follow(editor: vscode.TextEditor | undefined): void {
    const id = editor ? noteIdFromUri(editor.document.uri) : undefined;
    if (id && id !== this.noteId) this.showFor(id);
  }

  private watch(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = replica?.onDidChange(() => this.emitter.fire(undefined));
  }

  dispose(): void {
    this.unsubscribe?.();
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
