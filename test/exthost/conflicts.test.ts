// Sync conflicts in a real VS Code (issue 7): the extension (client A) and a second client B edit the same note
// against our own sync server; the conflict appears in the Conflicts view, Compare opens a diff of both texts, and
// "Restore the Other Version" brings A's text back, to the server and to B.
import * as assert from 'assert';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import * as vscode from 'vscode';
import type { TriliumExtensionApi } from '../../src/extension';
import type { ReplicaApi } from '../../src/storage/replicaApi';
import type { ConflictRecord } from '../../src/storage/types';
import { SyncEngine } from '../../src/sync/engine';
import { silentLogger } from '../../src/sync/logger';
import { replicaSecretSource } from '../../src/sync/secrets';
import { startSyncServer, type RunningSyncServer } from '../../src/sync/server/syncServer';
import { setupFromServer } from '../../src/sync/setup';
import { systemClock } from '../../src/storage/types';

const PASSWORD = 'exthost-conflicts';
const A_TEXT = 'A wrote this offline, in VS Code.';
const B_TEXT = 'B wrote this later, on another instance.';

function text(content: string | Buffer | null): string {
  return content === null ? '' : typeof content === 'string' ? content : content.toString('utf8');
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('extension host: sync conflicts (issue 7)', function () {
  this.timeout(180_000);
  let root: string;
  let server: RunningSyncServer;
  let b: { replica: ReplicaApi; engine: SyncEngine };
  let api: TriliumExtensionApi;
  let noteId: string;
  let archiveId: string;
  let inboxId: string;
  const config = () => vscode.workspace.getConfiguration('trilium');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'trilium-exthost-conflicts-'));
    server = await startSyncServer({
      dataDir: join(root, 'server'), password: PASSWORD, host: '127.0.0.1', port: 0, syncVersion: 39,
      populate: async (replica) => {
        noteId = (await replica.createNote({ parentNoteId: 'root', title: 'Meeting notes', content: '<p>Agenda</p>' })).noteId;
        archiveId = (await replica.createNote({ parentNoteId: 'root', title: 'Archive' })).noteId;
        inboxId = (await replica.createNote({ parentNoteId: 'root', title: 'Inbox' })).noteId;
      },
    });
    const setUp = await setupFromServer({ serverUrl: server.url, dataDir: join(root, 'b'), password: PASSWORD });
    b = {
      replica: setUp.replica,
      engine: new SyncEngine(setUp.replica, { serverUrl: server.url, network: {} }, replicaSecretSource(setUp.replica), systemClock, silentLogger),
    };
    const ext = vscode.extensions.getExtension<TriliumExtensionApi>('trilium-vscode.trilium-vscode');
    assert.ok(ext, 'the extension is installed');
    api = await ext.activate();
    await api.ready;
    // Client A syncs only when told, so that its edit stays unsent until B's newer edit is on the server.
    await config().update('sync.autoSync', false, vscode.ConfigurationTarget.Global);
    await config().update('sync.serverUrl', server.url, vscode.ConfigurationTarget.Global);
    const ok = await vscode.commands.executeCommand<boolean>('trilium.setupFromServer', { serverUrl: server.url, password: PASSWORD });
    assert.strictEqual(ok, true, 'Set Up Sync from Server succeeded');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await b?.replica.close();
    await server?.close();
    await config().update('sync.autoSync', undefined, vscode.ConfigurationTarget.Global);
    if (root) await rm(root, { recursive: true, force: true });
  });

  let conflict: ConflictRecord;

  it('a sync that meets a newer edit from another instance lists the conflict in the Conflicts view', async () => {
    const replicaA = api.services.session.requireReplica();
    assert.strictEqual(text(await replicaA.getNoteContent(noteId)), '<p>Agenda</p>');
    // A edits through the note editor's file system, B a moment later through its own replica, and B syncs first.
    const uri = await api.services.fs.uriFor(noteId);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${A_TEXT}\n`));
    assert.match(text(await replicaA.getNoteContent(noteId)), new RegExp(A_TEXT));
    await new Promise((r) => setTimeout(r, 20));
    await b.replica.setNoteContent(noteId, `<p>${B_TEXT}</p>`);
    assert.strictEqual((await b.engine.sync()).hashCheck, 'passed');

    const result = await vscode.commands.executeCommand<{ conflicts: ConflictRecord[] }>('trilium.syncNow');
    assert.ok(result, 'Sync Now returned its result');
    assert.strictEqual(result.conflicts.length, 1, JSON.stringify(result.conflicts));
    assert.match(text(await replicaA.getNoteContent(noteId)), new RegExp(B_TEXT), 'the newer edit is current on A');

    await vscode.commands.executeCommand('trilium.conflicts.focus');
    conflict = await waitFor('the conflict in the Conflicts view', () => api.conflicts.shownConflicts().find((c) => c.noteId === noteId));
    assert.strictEqual(conflict.loser, 'local');
    assert.strictEqual(conflict.kind, 'content');
    assert.ok(conflict.revisionId, 'the losing version is kept as a revision');
    assert.strictEqual(await api.conflicts.unresolvedCount(), 1);
  });

  it('Compare opens a diff editor: the losing version (read-only revision) against the current note', async () => {
    await vscode.commands.executeCommand('trilium.conflicts.compare', conflict.conflictId);
    const input = await waitFor('the diff editor', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.strictEqual(input.original.scheme, 'trilium-revision');
    assert.strictEqual(input.modified.scheme, 'trilium');
    const left = await vscode.workspace.openTextDocument(input.original);
    const right = await vscode.workspace.openTextDocument(input.modified);
    assert.match(left.getText(), new RegExp(A_TEXT), 'left: the losing (A) version');
    assert.match(right.getText(), new RegExp(B_TEXT), 'right: the current (B) version');
    assert.doesNotMatch(left.getText(), new RegExp(B_TEXT));
  });

  it('"Restore the Other Version" brings A\'s text back, to the server and to the other client', async () => {
    await vscode.commands.executeCommand('trilium.conflicts.restoreOther', conflict.conflictId);
    const replicaA = api.services.session.requireReplica();
    assert.match(text(await replicaA.getNoteContent(noteId)), new RegExp(A_TEXT));
    await waitFor('the conflict to leave the view', async () => (await api.conflicts.unresolvedCount()) === 0);

    await vscode.commands.executeCommand('trilium.syncNow');
    assert.match(text(await server.replica!.getNoteContent(noteId)), new RegExp(A_TEXT), 'the server has the restored text');
    assert.strictEqual((await b.engine.sync()).hashCheck, 'passed');
    assert.match(text(await b.replica.getNoteContent(noteId)), new RegExp(A_TEXT), 'client B has the restored text');
    // Nothing was lost on the way: B's text is a revision everywhere.
    const revisions = await server.replica!.getRevisions(noteId);
    const contents = await Promise.all(revisions.map(async (r) => text(await server.replica!.getRevisionContent(r.revisionId))));
    assert.ok(contents.some((c) => c.includes(B_TEXT)), 'B\'s text is kept as a revision on the server');
    assert.ok(contents.some((c) => c.includes(A_TEXT)), 'A\'s conflict revision reached the server');
  });

  it('a title conflict compares the two titles; "Keep Current" resolves it and keeps the newer title', async () => {
    const replicaA = api.services.session.requireReplica();
    await replicaA.renameNote(noteId, 'Minutes (A)');
    await new Promise((r) => setTimeout(r, 20));
    await b.replica.renameNote(noteId, 'Minutes (B)');
    assert.strictEqual((await b.engine.sync()).hashCheck, 'passed');
    await vscode.commands.executeCommand('trilium.syncNow');
    const titleConflict = await waitFor('the title conflict in the view', () =>
      api.conflicts.shownConflicts().find((c) => c.noteId === noteId && c.kind === 'title'));
    assert.strictEqual(titleConflict.loser, 'local');

    await vscode.commands.executeCommand('trilium.conflicts.compare', titleConflict.conflictId);
    const input = await waitFor('the title diff', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff && tab.input.original.path.endsWith('.title.txt') ? tab.input : undefined;
    });
    assert.strictEqual((await vscode.workspace.openTextDocument(input.original)).getText(), 'Minutes (A)\n');
    assert.strictEqual((await vscode.workspace.openTextDocument(input.modified)).getText(), 'Minutes (B)\n');

    await vscode.commands.executeCommand('trilium.conflicts.keepCurrent', titleConflict.conflictId);
    await waitFor('the title conflict to be resolved', async () => (await api.conflicts.unresolvedCount()) === 0);
    assert.strictEqual((await replicaA.getNote(noteId))?.title, 'Minutes (B)');
  });

  it('revision history: open a revision read-only, compare it with the current note and another revision, restore it', async () => {
    const replicaA = api.services.session.requireReplica();
    const revisions = await replicaA.getRevisions(noteId);
    const withB = [];
    for (const r of revisions) if (text(await replicaA.getRevisionContent(r.revisionId)).includes(B_TEXT)) withB.push(r);
    assert.ok(withB.length > 0, 'B\'s text is among the revisions');
    const target = withB[0];
    const other = revisions.find((r) => r.revisionId !== target.revisionId);
    assert.ok(other, 'there are at least two revisions');

    await vscode.commands.executeCommand('trilium.revisions.open', noteId, target.revisionId);
    const opened = await waitFor('the revision document', () => {
      const doc = vscode.window.activeTextEditor?.document;
      return doc?.uri.scheme === 'trilium-revision' ? doc : undefined;
    });
    assert.match(opened.getText(), new RegExp(B_TEXT));
    assert.notStrictEqual(vscode.workspace.fs.isWritableFileSystem('trilium-revision'), true, 'revisions are not a writable file system');
    assert.strictEqual(await opened.save(), false, 'a revision cannot be saved');

    await vscode.commands.executeCommand('trilium.revisions.compareWithCurrent', noteId, target.revisionId);
    const withCurrent = await waitFor('the diff with the current note', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'trilium' ? tab.input : undefined;
    });
    assert.strictEqual(withCurrent.original.scheme, 'trilium-revision');

    await vscode.commands.executeCommand('trilium.revisions.compare', noteId, target.revisionId, other.revisionId);
    await waitFor('the diff of two revisions', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff && tab.input.original.scheme === 'trilium-revision'
        && tab.input.modified.scheme === 'trilium-revision' ? tab.input : undefined;
    });

    await vscode.commands.executeCommand('trilium.revisions.restore', noteId, target.revisionId);
    assert.match(text(await replicaA.getNoteContent(noteId)), new RegExp(B_TEXT), 'the revision is the note again');
    await vscode.commands.executeCommand('trilium.syncNow');
    assert.match(text(await server.replica!.getNoteContent(noteId)), new RegExp(B_TEXT), 'and the restore synced out');
  });

  it('a move versus move conflict compares both recorded placements, named by their parents', async () => {
    const replicaA = api.services.session.requireReplica();
    const branchOn = async (replica: ReplicaApi) => (await replica.getParentBranches(noteId)).find((x) => !x.isDeleted)!.branchId;
    await replicaA.moveBranch(await branchOn(replicaA), archiveId);
    await new Promise((r) => setTimeout(r, 20));
    await b.replica.moveBranch(await branchOn(b.replica), inboxId);
    assert.strictEqual((await b.engine.sync()).hashCheck, 'passed');
    await vscode.commands.executeCommand('trilium.syncNow');
    const move = await waitFor('the move conflict in the view', () =>
      api.conflicts.shownConflicts().find((c) => c.noteId === noteId && c.kind === 'move'));

    await vscode.commands.executeCommand('trilium.conflicts.compare', move.conflictId);
    const input = await waitFor('the diff of both placements', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff && tab.input.original.path.includes('/conflict-') ? tab.input : undefined;
    });
    const both = (await vscode.workspace.openTextDocument(input.original)).getText() + (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.match(both, /"parentTitle": "Archive"/);
    assert.match(both, /"parentTitle": "Inbox"/);
    await vscode.commands.executeCommand('trilium.conflicts.keepCurrent', move.conflictId);
    await waitFor('no unresolved conflicts', async () => (await api.conflicts.unresolvedCount()) === 0);
  });
});
