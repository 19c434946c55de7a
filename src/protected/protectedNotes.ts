// Protected notes in VS Code: unlock / lock / set password / protect subtree commands, a status bar sign while the
// protected session is open, and the guard that keeps decrypted text out of VS Code's own files: protected
// editors are saved (encrypted) right after each change, before VS Code's backup of dirty editors (1 s after a
// change, hot exit or not) could copy their text into the user-data folder, and they are closed when the session locks.
import * as vscode from 'vscode';
import { noteIdFromUri } from '../editor/noteFileSystem';
import { SCHEME } from '../editor/noteUri';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ReplicaChange } from '../storage/types';
import { isTriliumError } from '../sync/errors';
import { showTriliumError } from '../commands/showError';
import { targetNoteId } from '../commands/noteTarget';
import type { Services } from '../commands/services';

/** Protected edits are saved this long after the last keystroke: well under VS Code's 1 s backup delay. */
export const PROTECTED_SAVE_DELAY_MS = 150;
const UNLOCKED_CONTEXT = 'trilium.protectedUnlocked';

let current: ProtectedNotes | undefined;

/** Before opening a protected note while locked: offer to unlock. Resolves to whether it can be opened. */
export async function ensureUnlockedFor(services: Services, noteId: string): Promise<boolean> {
  const replica = services.session.replica;
  if (!replica) return true;
  const note = await replica.getNote(noteId);
  if (!note?.isProtected || (await replica.isUnlocked())) return true;
  const choice = await vscode.window.showInformationMessage('This note is protected. Unlock protected notes to open it.', 'Unlock…');
  if (choice !== 'Unlock…') return false;
  return (await current?.unlock()) ?? false;
}

export class ProtectedNotes implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem('trilium.protectedSession', vscode.StatusBarAlignment.Left, 99);
  private readonly disposables: vscode.Disposable[] = [];
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private unlocked = false;

  constructor(private readonly services: Services) {
    current = this;
    this.status.name = 'Trilium protected session';
    this.status.text = '$(unlock) Protected: unlocked';
    this.status.tooltip = 'Protected notes are unlocked (they lock again after the protected session timeout). Click to lock them now.';
    this.status.command = 'trilium.lockProtectedNotes';
    this.disposables.push(
      this.status,
      services.session.onDidChangeReplica((r) => this.attach(r)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e.document)),
      // A password argument is for automation and tests; from the palette it is asked for.
      vscode.commands.registerCommand('trilium.unlockProtectedNotes', (password?: unknown) => this.unlock(typeof password === 'string' ? password : undefined)),
      vscode.commands.registerCommand('trilium.lockProtectedNotes', () => this.lock()),
      vscode.commands.registerCommand('trilium.setDocumentPassword', () => this.setDocumentPassword()),
      vscode.commands.registerCommand('trilium.changeDocumentPassword', () => this.changeDocumentPassword()),
      vscode.commands.registerCommand('trilium.protectSubtree', (arg?: unknown) => this.protectSubtree(arg, true)),
      vscode.commands.registerCommand('trilium.unprotectSubtree', (arg?: unknown) => this.protectSubtree(arg, false)),
    );
    this.attach(services.session.replica);
  }

  private attach(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = replica?.onDidChange((change) => this.onReplicaChange(change));
    void this.refresh();
  }

  private onReplicaChange(change: ReplicaChange): void {
    if (change.passwordChanged && this.unlocked) {
      this.services.log.info('The document password changed on another instance; the protected session was locked.');
      void vscode.window.showWarningMessage(
        'Trilium: the document password was changed on another device, so protected notes were locked. Unlock them with the new password.', 'Unlock…',
      ).then((choice) => { if (choice === 'Unlock…') void this.unlock(); });
      void this.refresh();
      void this.closeProtectedEditors();
      return;
    }
    if (!change.protectedSession) return;
    void this.refresh();
    if (change.protectedSession === 'locked') void this.closeProtectedEditors();
  }

  private async refresh(): Promise<void> {
    this.unlocked = (await this.services.session.replica?.isUnlocked().catch(() => false)) ?? false;
    await vscode.commands.executeCommand('setContext', UNLOCKED_CONTEXT, this.unlocked);
    if (this.unlocked) this.status.show();
    else this.status.hide();
  }

  /** Asks for the document password and opens the protected session; resolves to whether it is open. */
  async unlock(password?: string): Promise<boolean> {
    const replica = this.services.session.replica;
    if (!replica) {
      void vscode.window.showErrorMessage('Trilium: no document is open.');
      return false;
    }
    for (;;) {
      const value = password ?? await vscode.window.showInputBox({
        title: 'Unlock Protected Notes', prompt: 'The document password (the one you log in to Trilium with)', password: true, ignoreFocusOut: true,
      });
      if (value === undefined) return false;
      try {
        await replica.unlock(value);
        await this.refresh();
        return true;
      } catch (e) {
        if (password === undefined && isTriliumError(e, 'WRONG_PASSWORD')) {
          void vscode.window.showErrorMessage('Trilium: that is not the document password. Try again.');
          continue;
        }
        void showTriliumError(e, this.services.log, 'Unlock failed');
        return false;
      }
    }
  }

  async lock(): Promise<void> {
    await this.services.session.replica?.lock();
    await this.refresh();
    await this.closeProtectedEditors();
  }

  private async setDocumentPassword(password?: string): Promise<boolean> {
    const replica = this.services.session.requireReplica();
    const first = password ?? await vscode.window.showInputBox({ title: 'Set Document Password', prompt: 'A password for protected notes (Trilium asks for it when you log in)', password: true, ignoreFocusOut: true });
    if (!first) return false;
    if (password === undefined) {
      const again = await vscode.window.showInputBox({ title: 'Set Document Password', prompt: 'The same password again', password: true, ignoreFocusOut: true });
      if (again !== first) {
        if (again !== undefined) void vscode.window.showErrorMessage('Trilium: the two passwords differ; nothing was set.');
        return false;
      }
    }
    try {
      await replica.setDocumentPassword(first);
      void vscode.window.showInformationMessage('Trilium: the document has a password now. Unlock protected notes to create or protect some.');
      return true;
    } catch (e) {
      void showTriliumError(e, this.services.log, 'Set Document Password failed');
      return false;
    }
  }

  private async changeDocumentPassword(): Promise<boolean> {
    const replica = this.services.session.requireReplica();
    const ask = (prompt: string) => vscode.window.showInputBox({ title: 'Change Document Password', prompt, password: true, ignoreFocusOut: true });
    const old = await ask('The current document password');
    if (old === undefined) return false;
    const first = await ask('The new password');
    if (!first) return false;
    const again = await ask('The new password again');
    if (again !== first) {
      if (again !== undefined) void vscode.window.showErrorMessage('Trilium: the two new passwords differ; nothing was changed.');
      return false;
    }
    try {
      await replica.changeDocumentPassword(old, first);
      void vscode.window.showInformationMessage('Trilium: the document password is changed. Other devices take it at their next sync.');
      return true;
    } catch (e) {
      void showTriliumError(e, this.services.log, 'Change Document Password failed');
      return false;
    }
  }

  private async protectSubtree(arg: unknown, protect: boolean): Promise<number | undefined> {
    const noteId = await targetNoteId(this.services, arg);
    if (!noteId) return undefined;
    const replica = this.services.session.requireReplica();
    if (!(await replica.isUnlocked()) && !(await this.unlock())) return undefined;
    try {
      const changed = await replica.protectSubtree(noteId, protect);
      void vscode.window.setStatusBarMessage(`Trilium: ${protect ? 'protected' : 'unprotected'} ${changed} note(s)`, 5000);
      return changed;
    } catch (e) {
      void showTriliumError(e, this.services.log, protect ? 'Protect Subtree failed' : 'Unprotect Subtree failed');
      return undefined;
    }
  }

  /** A protected editor is saved (encrypted by the replica) a moment after each change, so it is never left dirty. */
  private onEdit(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== SCHEME || !this.unlocked || !this.services.fs.isProtectedUri(doc.uri)) return;
    const key = doc.uri.toString();
    clearTimeout(this.saveTimers.get(key));
    this.saveTimers.set(key, setTimeout(() => {
      this.saveTimers.delete(key);
      if (doc.isDirty && !doc.isClosed) void doc.save().then(undefined, (e) => showTriliumError(e, this.services.log, 'Saving a protected note failed'));
    }, PROTECTED_SAVE_DELAY_MS));
  }

  /** After locking: protected editors are reverted (nothing unsaved stays in memory) and closed. */
  private async closeProtectedEditors(): Promise<void> {
    const isProtectedTab = (t: vscode.Tab) => {
      const uri = (t.input as { uri?: unknown } | undefined)?.uri;
      return uri instanceof vscode.Uri && uri.scheme === SCHEME && this.services.fs.isProtectedUri(uri);
    };
    try {
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.isDirty && doc.uri.scheme === SCHEME && this.services.fs.isProtectedUri(doc.uri)) {
          await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
          await vscode.commands.executeCommand('workbench.action.files.revert');
        }
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isProtectedTab);
        if (tabs.length === 0) return;
        for (const tab of tabs) await vscode.window.tabGroups.close(tab, true);
      }
    } catch (e) {
      this.services.log.warn(`Closing protected editors after the lock: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    for (const t of this.saveTimers.values()) clearTimeout(t);
    this.unsubscribe?.();
    for (const d of this.disposables) d.dispose();
    if (current === this) current = undefined;
  }
}
