// Each Trilium command against a document synced from our own sync server (arguments stand in for the input boxes).
import * as assert from 'assert';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import * as vscode from 'vscode';
import type { SyncResult, TestSyncResult } from '../../src/sync/engineApi';
import { startSyncServer } from '../../src/sync/server/syncServer';
import type { TreeNode } from '../../src/treeView/treeNode';
import { setUpFromServer, UiFixture, waitFor } from './uiFixture';

describe('extension host: commands (issue 6)', function () {
  this.timeout(180_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};

  before(async () => {
    fx = await setUpFromServer('commands', async (r) => {
      ids.inbox = (await r.createNote({ parentNoteId: 'root', title: 'Inbox' })).noteId;
      ids.archive = (await r.createNote({ parentNoteId: 'root', title: 'Archive' })).noteId;
      ids.one = (await r.createNote({ parentNoteId: ids.inbox, title: 'First idea', content: '<p>the zebra crossing</p>' })).noteId;
      ids.two = (await r.createNote({ parentNoteId: ids.inbox, title: 'Second idea' })).noteId;
    });
  });
  after(() => fx?.dispose());

  const tree = () => fx.api.services.tree;
  const nodeOf = async (noteId: string): Promise<TreeNode> => {
    const node = await tree().findNode(noteId);
    assert.ok(node, `node of ${noteId}`);
    return node;
  };
  const childTitles = async (noteId: string) => (await fx.replica().getChildren(noteId)).map((c) => c.title);
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

  it('Set Up Sync from Server copied the server\'s document and shows it in the tree', async () => {
    assert.deepStrictEqual((await tree().getChildren()).map((n) => n.title), ['Inbox', 'Archive']);
    assert.ok(fx.api.services.statusBar.text.includes('synced'), fx.api.services.statusBar.text);
  });

  it('Test Sync reports success with the route and the server\'s sync version', async () => {
    const result = await run<TestSyncResult>('trilium.testSync');
    assert.ok(result?.ok, result?.message);
    assert.strictEqual(result.serverSyncVersion, 39);
  });

  it('stores the local copy with node:sqlite where this Node has it, else with @vscode/sqlite3, and says so', async () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const expected = major > 22 || (major === 22 && minor >= 13) ? 'node:sqlite' : '@vscode/sqlite3';
    const driver = fx.replica().driver;
    assert.strictEqual(driver.name, expected);
    assert.strictEqual(driver.synchronous, expected === 'node:sqlite');
    assert.match(driver.sqliteVersion, /^3\.\d+\.\d+$/);
    const result = await run<TestSyncResult>('trilium.testSync');
    assert.deepStrictEqual(result?.storage, driver);
  });

  it('Sync Now pushes local edits', async () => {
    await fx.replica().renameNote(ids.two, 'Second idea (edited)');
    // (Test Sync starts a sync of its own, as Trilium's does; either one may carry the edit.)
    const result = await run<SyncResult>('trilium.syncNow');
    assert.ok(result, 'Sync Now returned its result');
    assert.strictEqual(await fx.replica().hasUnsentChanges(await fx.replica().getCursor('lastSyncedPush')), 0, 'nothing left to push');
    assert.strictEqual((await fx.server.replica!.getNote(ids.two))?.title, 'Second idea (edited)');
  });

  it('New Child Note and New Child Code Note create notes and open them', async () => {
    const noteId = await run<string>('trilium.newChildNote', await nodeOf(ids.inbox), { title: 'Third idea' });
    assert.ok(noteId);
    assert.deepStrictEqual(await childTitles(ids.inbox), ['First idea', 'Second idea (edited)', 'Third idea']);
    await waitFor('the new note\'s editor', () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${noteId}/`));
    const codeId = await run<string>('trilium.newChildCodeNote', await nodeOf(ids.inbox), { title: 'tool', mime: 'text/x-sh' });
    const code = await fx.replica().getNote(codeId!);
    assert.strictEqual(code?.type, 'code');
    assert.strictEqual(code?.mime, 'text/x-sh');
    await waitFor('the shell editor', () => vscode.window.activeTextEditor?.document.languageId === 'shellscript');
  });

  it('Rename and Edit Branch Prefix', async () => {
    await run('trilium.renameNote', await nodeOf(ids.one), 'First idea, renamed');
    assert.strictEqual((await fx.replica().getNote(ids.one))?.title, 'First idea, renamed');
    await run('trilium.editPrefix', await nodeOf(ids.one), 'Todo');
    const node = await nodeOf(ids.one);
    await waitFor('the prefix on the node', async () => (await tree().getChildren(node.parent)).find((n) => n.noteId === ids.one)?.prefix === 'Todo');
    assert.strictEqual(tree().getTreeItem(node).label, 'Todo: First idea, renamed');
  });

  it('Move Up / Move Down reorder siblings', async () => {
    await run('trilium.moveDown', await nodeOf(ids.one));
    assert.deepStrictEqual((await childTitles(ids.inbox)).slice(0, 2), ['Second idea (edited)', 'First idea, renamed']);
    await run('trilium.moveUp', await nodeOf(ids.one));
    assert.deepStrictEqual((await childTitles(ids.inbox)).slice(0, 2), ['First idea, renamed', 'Second idea (edited)']);
  });

  it('Clone to… and Move to…', async () => {
    await run('trilium.cloneNote', await nodeOf(ids.one), ids.archive);
    assert.deepStrictEqual((await fx.replica().getParentBranches(ids.one)).map((b) => b.parentNoteId).sort(), [ids.archive, ids.inbox].sort());
    await run('trilium.moveNote', await nodeOf(ids.two), ids.archive);
    assert.deepStrictEqual((await fx.replica().getParentBranches(ids.two)).map((b) => b.parentNoteId), [ids.archive]);
  });

  it('Copy Note Link puts a Markdown link with the note path on the clipboard', async () => {
    const link = await run<string>('trilium.copyNoteLink', ids.two);
    assert.strictEqual(link, `[Second idea (edited)](#root/${ids.archive}/${ids.two})`);
    assert.strictEqual(await vscode.env.clipboard.readText(), link);
  });

  it('Search Notes finds content', async () => {
    const results = await run<Array<{ noteId: string }>>('trilium.searchNotes', 'zebra');
    assert.deepStrictEqual(results?.map((r) => r.noteId), [ids.one]);
  });

  it('Open Note, Open Preview and Reveal Active Note', async () => {
    const uri = await run<vscode.Uri>('trilium.openNote', ids.one, { preview: false });
    assert.strictEqual(uri?.scheme, 'trilium');
    await waitFor('the editor', () => vscode.window.activeTextEditor?.document.uri.toString() === uri!.toString());
    const node = await run<TreeNode>('trilium.revealActiveNote');
    assert.strictEqual(node?.noteId, ids.one);
    const panel = await run<vscode.WebviewPanel>('trilium.previewNote', ids.one);
    assert.ok(panel, 'a preview panel');
    assert.match(panel.webview.html, /the zebra crossing/);
    assert.match(panel.webview.html, /Content-Security-Policy/);
    panel.dispose();
  });

  it('Delete removes one place of a clone, then the note', async () => {
    const clones = await fx.replica().getParentBranches(ids.one);
    const inArchive = clones.find((b) => b.parentNoteId === ids.archive)!;
    await tree().getChildren(await nodeOf(ids.archive));
    await run('trilium.deleteNote', tree().getNode(inArchive.branchId), true);
    assert.deepStrictEqual((await fx.replica().getParentBranches(ids.one)).map((b) => b.parentNoteId), [ids.inbox]);
    await run('trilium.deleteNote', await nodeOf(ids.one), true);
    assert.strictEqual((await fx.replica().getNote(ids.one))?.isDeleted, 1);
  });

  it('Force Full Sync converges with the server', async () => {
    const result = await run<SyncResult>('trilium.forceFullSync', true);
    assert.strictEqual(result?.hashCheck, 'passed');
    assert.strictEqual((await fx.server.replica!.getNote(ids.one))?.isDeleted, 1, 'the delete reached the server');
  });

  it('Show Sync Log, Show Attributes and the status menu are registered and the log names no secret', async () => {
    await run('trilium.showSyncLog');
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['trilium.showAttributes', 'trilium.statusMenu', 'trilium.quickOpen', 'trilium.showRevisions', 'trilium.newNote']) {
      assert.ok(commands.includes(id), id);
    }
  });

  it('Start New Local Document, then Push Document to Server to an empty server', async () => {
    const root = await mkdtemp(join(tmpdir(), 'trilium-exthost-push-'));
    const empty = await startSyncServer({ dataDir: join(root, 'server'), host: '127.0.0.1', port: 0, uninitialised: true });
    try {
      assert.strictEqual(await run<boolean>('trilium.newLocalDocument', true), true);
      assert.deepStrictEqual(await tree().getChildren(), [], 'a new document has no notes');
      const newId = await run<string>('trilium.newNote', undefined, { title: 'Written offline' });
      assert.ok(newId);
      assert.strictEqual(await run<boolean>('trilium.pushToServer', { serverUrl: empty.url, password: 'new-secret' }), true);
      await waitFor('the server to hold the note', async () => (await empty.replica?.getNote(newId))?.title === 'Written offline');
      assert.strictEqual(vscode.workspace.getConfiguration('trilium').get('sync.serverUrl'), empty.url);
    } finally {
      await empty.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('Set Up Sync from Server with a wrong password fails and keeps the open document', async () => {
    const before = fx.api.services.session.replica;
    assert.ok(before);
    const ok = await run<boolean>('trilium.setupFromServer', { serverUrl: fx.server.url, password: 'wrong' });
    assert.strictEqual(ok, false);
    assert.strictEqual(fx.api.services.session.replica, before, 'the document that was open is still open');
    assert.ok((await before.searchTitles('Written offline')).length > 0);
  });
});
