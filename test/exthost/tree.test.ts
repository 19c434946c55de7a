// The note tree provider against a document synced from our own server: order, prefixes, clones, hidden subtree,
// incremental refresh, reveal, and drag and drop.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { TREE_MIME } from '../../src/treeView/dragAndDrop';
import type { TreeNode } from '../../src/treeView/treeNode';
import { addHiddenSubtree, setUpFromServer, UiFixture, waitFor } from './uiFixture';

describe('extension host: note tree (issue 6)', function () {
  this.timeout(120_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};

  before(async () => {
    fx = await setUpFromServer('tree', async (r) => {
      ids.folder = (await r.createNote({ parentNoteId: 'root', title: 'Folder' })).noteId;
      ids.other = (await r.createNote({ parentNoteId: 'root', title: 'Other' })).noteId;
      ids.b = (await r.createNote({ parentNoteId: ids.folder, title: 'Bravo' })).noteId;
      ids.a = (await r.createNote({ parentNoteId: ids.folder, title: 'Alpha', prefix: 'Draft' })).noteId;
      ids.c = (await r.createNote({ parentNoteId: ids.folder, title: 'Charlie', type: 'code', mime: 'text/x-python' })).noteId;
      await r.cloneNote(ids.b, ids.other);
      await r.addAttribute(ids.other, 'label', 'iconClass', 'bx bx-star');
      await addHiddenSubtree(r);
    });
  });
  after(() => fx?.dispose());

  const tree = () => fx.api.services.tree;
  const logTail = async () => {
    const { readFile, readdir } = await import('fs/promises');
    const dir = fx.api.services.context.logUri.fsPath;
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.log'));
    const texts = await Promise.all(files.map((f) => readFile(`${dir}/${f}`, 'utf8').catch(() => '')));
    return texts.join('\n').split('\n').slice(-15).join('\n');
  };
  const child = async (parent: TreeNode | undefined, title: string) => {
    const found = (await tree().getChildren(parent)).find((n) => n.title === title);
    assert.ok(found, `${title} is listed`);
    return found;
  };

  it('lists root\'s children in notePosition order, without the hidden subtree', async () => {
    assert.ok(await fx.replica().getNote('_hidden'), 'the document has a hidden subtree');
    const top = await tree().getChildren();
    const titles = top.map((n) => n.title);
    assert.ok(titles.indexOf('Folder') < titles.indexOf('Other'), titles.join(', '));
    assert.ok(!top.some((n) => n.noteId === '_hidden'), 'the hidden subtree is not shown');
  });

  it('shows children in their order, with "prefix: title" labels, icons and stable branchId ids', async () => {
    const folder = await child(undefined, 'Folder');
    const kids = await tree().getChildren(folder);
    assert.deepStrictEqual(kids.map((k) => k.title), ['Bravo', 'Alpha', 'Charlie']);
    const alpha = tree().getTreeItem(kids[1]);
    assert.strictEqual(alpha.label, 'Draft: Alpha');
    assert.strictEqual(alpha.id, kids[1].branchId);
    assert.strictEqual((tree().getTreeItem(kids[2]).iconPath as vscode.ThemeIcon).id, 'code');
    const other = tree().getTreeItem(await child(undefined, 'Other'));
    assert.strictEqual((other.iconPath as vscode.ThemeIcon).id, 'star-full', '#iconClass bx-star maps to a codicon');
    assert.strictEqual(tree().getTreeItem(await child(undefined, 'Folder')).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  it('shows a clone under each of its parents, marked as a clone', async () => {
    const underFolder = await child(await child(undefined, 'Folder'), 'Bravo');
    const underOther = await child(await child(undefined, 'Other'), 'Bravo');
    assert.notStrictEqual(underFolder.branchId, underOther.branchId);
    assert.strictEqual(underFolder.noteId, underOther.noteId);
    assert.match(String(tree().getTreeItem(underOther).description), /clone/);
    assert.match(String(tree().getTreeItem(underFolder).description), /clone/);
    assert.ok(!tree().getTreeItem(await child(await child(undefined, 'Folder'), 'Alpha')).description);
  });

  it('shows the hidden subtree when trilium.tree.showHidden is on', async () => {
    const config = vscode.workspace.getConfiguration('trilium');
    await config.update('tree.showHidden', true, vscode.ConfigurationTarget.Global);
    try {
      assert.ok((await tree().getChildren()).some((n) => n.noteId === '_hidden'));
    } finally {
      await config.update('tree.showHidden', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.ok(!(await tree().getChildren()).some((n) => n.noteId === '_hidden'));
  });

  it('refreshes only the affected nodes when a sync renames a note and adds a child', async () => {
    const folder = await child(undefined, 'Folder');
    const alpha = await child(folder, 'Alpha');
    const events: Array<TreeNode | TreeNode[] | undefined> = [];
    const sub = tree().onDidChangeTreeData((e) => events.push(e));
    try {
      await fx.server.replica!.renameNote(ids.a, 'Alpha (renamed on the server)');
      await fx.server.replica!.createNote({ parentNoteId: ids.folder, title: 'Delta' });
      await vscode.commands.executeCommand('trilium.syncNow');
      await waitFor('tree change events', () => events.length > 0);
      await waitFor('the rename on the node', () => alpha.title === 'Alpha (renamed on the server)');
      assert.ok(events.every((e) => e !== undefined), 'no whole-tree refresh');
      const touched = events.flatMap((e) => (Array.isArray(e) ? e : [e!]));
      assert.ok(touched.includes(folder), 'the parent whose children changed is refreshed');
      assert.ok(!touched.some((n) => n.noteId === ids.other), 'unrelated nodes are not refreshed');
      assert.strictEqual(tree().getTreeItem(alpha).label, 'Draft: Alpha (renamed on the server)');
      const kids = await tree().getChildren(folder);
      assert.deepStrictEqual(kids.map((k) => k.title), ['Bravo', 'Alpha (renamed on the server)', 'Charlie', 'Delta']);
    } finally {
      sub.dispose();
    }
  });

  it('reveals the note of the active editor', async () => {
    await vscode.commands.executeCommand('trilium.noteTree.focus');
    await vscode.commands.executeCommand('trilium.openNote', ids.c, { preview: false });
    await waitFor('the editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'trilium');
    const node = await vscode.commands.executeCommand<TreeNode>('trilium.revealActiveNote');
    assert.ok(node, `a node was revealed; the log says:\n${await logTail()}`);
    assert.strictEqual(node.noteId, ids.c);
    await waitFor('the selection', () => fx.api.services.treeView.selection[0]?.noteId === ids.c);
  });

  it('drag and drop: onto a sibling reorders, onto another note moves', async () => {
    const controller = fx.api.services.dnd;
    const folder = await child(undefined, 'Folder');
    let kids = await tree().getChildren(folder);
    const charlie = kids.find((k) => k.title === 'Charlie')!;
    const bravo = kids.find((k) => k.title === 'Bravo')!;
    const data = new vscode.DataTransfer();
    await controller.handleDrag([charlie], data);
    assert.ok(data.get(TREE_MIME), 'the drag carries the tree mime type');
    assert.match(await data.get('text/uri-list')!.asString(), /^trilium:/);
    await controller.handleDrop(bravo, data);
    kids = await tree().getChildren(folder);
    assert.deepStrictEqual(kids.map((k) => k.title).slice(0, 2), ['Charlie', 'Bravo'], 'Charlie now comes before Bravo');

    const other = await child(undefined, 'Other');
    const move = new vscode.DataTransfer();
    const alpha = kids.find((k) => k.noteId === ids.a)!;
    await controller.handleDrag([alpha], move);
    await controller.handleDrop(other, move);
    assert.ok(!(await tree().getChildren(folder)).some((k) => k.noteId === ids.a), 'Alpha left Folder');
    assert.ok((await tree().getChildren(other)).some((k) => k.noteId === ids.a), 'Alpha is under Other');
    const parents = await fx.replica().getParentBranches(ids.a);
    assert.deepStrictEqual(parents.map((p) => p.parentNoteId), [ids.other]);
  });
});
