// Protected notes in VS Code (issue 12): locked placeholders, unlock, real titles, open/edit/save (encrypted),
// auto-lock, protect subtree, and no decrypted text in VS Code's user-data folder (its backups of dirty editors).
import * as assert from 'assert';
import { readdirSync } from 'fs';
import { join } from 'path';
import * as vscode from 'vscode';
import { filesWithMarkers } from '../shared/diskScan';
import { setUpFromServer, text, UiFixture, waitFor } from './uiFixture';

/** Files under `dir` whose bytes contain `marker`. */
function filesContaining(dir: string, marker: string): string[] {
  return filesWithMarkers(dir, [marker]);
}

describe('extension host: protected notes (issue 12)', function () {
  this.timeout(180_000);
  let fx: UiFixture;
  let protectedId = '';
  let plainId = '';
  let userData = '';
  /** Everything of this VS Code run: its user-data folder, and the browser profile where the web workbench keeps backups. */
  let runRoot = '';

  before(async () => {
    fx = await setUpFromServer('prot', async (r) => {
      await r.setDocumentPassword('pw-prot');
      await r.unlock('pw-prot');
      protectedId = (await r.createNote({ parentNoteId: 'root', title: 'PROT-TITLE-MARK', content: '<p>PROT-BODY-MARK</p>', isProtected: true })).noteId;
      plainId = (await r.createNote({ parentNoteId: 'root', title: 'Plain note', content: '<p>plain body</p>' })).noteId;
      await r.lock();
    });
    // <user-data>/User/globalStorage/<extension id>
    userData = join(fx.api.services.context.globalStorageUri.fsPath, '..', '..', '..');
    assert.ok(readdirSync(userData).includes('User'), `user-data folder found at ${userData}`);
    runRoot = join(userData, '..');
    // VS Code for the web saves after a delay by default; the control below needs a plain editor that stays dirty.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('trilium.lockProtectedNotes');
    await fx?.dispose();
  });

  const tree = () => fx.api.services.tree;
  const rootItems = async () => Promise.all((await tree().getChildren()).map(async (n) => ({ node: n, item: tree().getTreeItem(n) })));

  it('locked: the tree shows a lock icon and "[protected]", and the note reads as a read-only placeholder', async () => {
    const row = (await rootItems()).find((x) => x.node.noteId === protectedId)!;
    assert.strictEqual(row.item.label, '[protected]');
    assert.strictEqual((row.item.iconPath as vscode.ThemeIcon).id, 'lock');
    assert.match(String(row.item.description), /protected/);
    const uri = await fx.api.services.fs.uriFor(protectedId);
    assert.doesNotMatch(uri.path, /PROT-TITLE/);
    assert.match(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), /Unlock Protected Notes/);
  });

  it('a wrong password is refused; the right one unlocks, the tree shows the real title', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'wrong'), false);
    assert.strictEqual(await fx.replica().isUnlocked(), false);
    assert.strictEqual(await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot'), true);
    await waitFor('the real title in the tree', async () => (await rootItems()).some((x) => x.node.noteId === protectedId && x.item.label === 'PROT-TITLE-MARK'));
  });

  it('opens, edits and saves a protected note: saved at once, encrypted, with no title in its URI', async () => {
    const uri = (await vscode.commands.executeCommand<vscode.Uri>('trilium.openNote', protectedId))!;
    assert.match(uri.path, /protected note\.md$/);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /PROT-BODY-MARK/);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), 'EDIT-MARK-ONE ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the protected edit saved', async () => !doc.isDirty && text(await fx.replica().getNoteContent(protectedId)).includes('EDIT-MARK-ONE'));
    assert.deepStrictEqual(filesContaining(fx.replica().dataDir, 'EDIT-MARK-ONE'), [], 'only ciphertext in the replica folder');
  });

  it('VS Code backs up an unsaved plain editor into the user-data folder, but never the text of a protected one', async () => {
    const plainUri = await fx.api.services.fs.uriFor(plainId);
    const plainDoc = await vscode.workspace.openTextDocument(plainUri);
    await vscode.window.showTextDocument(plainDoc);
    const e1 = new vscode.WorkspaceEdit();
    e1.insert(plainUri, new vscode.Position(0, 0), 'PLAIN-UNSAVED-MARK ');
    await vscode.workspace.applyEdit(e1);
    // The control: VS Code writes dirty editors of any file system to its backups about 1 s after a change
    // (desktop: <user-data>/Backups; the web workbench: the browser's IndexedDB). The plain note is not saved.
    const backups = await waitFor('a backup of the dirty plain editor', () => {
      const found = filesContaining(runRoot, 'PLAIN-UNSAVED-MARK');
      return found.length > 0 && found;
    }, 30_000);
    assert.ok(plainDoc.isDirty);
    console.log(`      (VS Code's backup of the dirty plain editor: ${backups.map((p) => p.slice(runRoot.length)).join(', ')})`);
    assert.deepStrictEqual(filesContaining(fx.replica().dataDir, 'PLAIN-UNSAVED-MARK'), [], `the plain note was not saved; backups: ${backups.join(', ')}`);

    const uri = await fx.api.services.fs.uriFor(protectedId);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const e2 = new vscode.WorkspaceEdit();
    e2.insert(uri, new vscode.Position(0, 0), 'PROT-UNSAVED-MARK ');
    await vscode.workspace.applyEdit(e2);
    await new Promise((r) => setTimeout(r, 4_000)); // well past VS Code's backup delay
    assert.deepStrictEqual(filesContaining(runRoot, 'PROT-UNSAVED-MARK'), []);
    assert.deepStrictEqual(filesContaining(runRoot, 'PROT-BODY-MARK'), []);
    assert.deepStrictEqual(filesContaining(runRoot, 'PROT-TITLE-MARK'), []);
    assert.deepStrictEqual(filesContaining(fx.replica().dataDir, 'PROT-UNSAVED-MARK'), []);
    await vscode.commands.executeCommand('workbench.action.files.revert', plainUri);
    await vscode.window.showTextDocument(plainDoc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('locks by itself after protectedSessionTimeout: placeholders come back and protected editors close', async () => {
    await fx.replica().setOption('protectedSessionTimeout', '2', true);
    await vscode.commands.executeCommand('trilium.lockProtectedNotes');
    await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot');
    const uri = (await vscode.commands.executeCommand<vscode.Uri>('trilium.openNote', protectedId))!;
    assert.ok(vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => (t.input as { uri?: vscode.Uri })?.uri?.toString() === uri.toString())));
    await waitFor('the automatic lock', async () => !(await fx.replica().isUnlocked()), 15_000);
    await waitFor('the placeholder title back', async () => (await rootItems()).some((x) => x.node.noteId === protectedId && x.item.label === '[protected]'));
    await waitFor('the protected editor closed', () => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => (t.input as { uri?: vscode.Uri })?.uri?.toString() === uri.toString())));
    await fx.replica().setOption('protectedSessionTimeout', '600', true);
  });

  it('Protect Subtree encrypts a plain note; Unprotect Subtree brings it back', async () => {
    await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot');
    assert.strictEqual(await vscode.commands.executeCommand('trilium.protectSubtree', plainId), 1);
    assert.strictEqual((await fx.replica().getNote(plainId))!.isProtected, 1);
    assert.strictEqual(await vscode.commands.executeCommand('trilium.unprotectSubtree', plainId), 1);
    assert.strictEqual((await fx.replica().getNote(plainId))!.isProtected, 0);
  });

  it('a password changed on another instance locks the session at the next sync; only the new password unlocks', async () => {
    await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot');
    assert.strictEqual(await fx.replica().isUnlocked(), true);
    await fx.server.replica!.changeDocumentPassword('pw-prot', 'pw-prot-new');
    await vscode.commands.executeCommand('trilium.syncNow');
    await waitFor('the lock after the password change arrived', async () => !(await fx.replica().isUnlocked()), 30_000);
    await waitFor('the placeholder title back', async () => (await rootItems()).some((x) => x.node.noteId === protectedId && x.item.label === '[protected]'));
    assert.strictEqual(await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot'), false, 'the old password no longer unlocks');
    assert.strictEqual(await vscode.commands.executeCommand('trilium.unlockProtectedNotes', 'pw-prot-new'), true);
    assert.match(text(await fx.replica().getNoteContent(protectedId)), /PROT-BODY-MARK|EDIT-MARK-ONE/);
    await fx.server.replica!.changeDocumentPassword('pw-prot-new', 'pw-prot');
  });
});
