// Trilium's search language, saved searches in the tree, the journal, link relations written on save, Backlinks
// and Go to Linked Note, in the real extension host against our own sync server.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttributeItem } from '../../src/daily/attributesView';
import type { SearchHit } from '../../src/storage/query/search';
import type { TreeNode } from '../../src/treeView/treeNode';
import { setUpFromServer, UiFixture, waitFor } from './uiFixture';

describe('extension host: search, journal, links (issue 14)', function () {
  this.timeout(180_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

  before(async () => {
    fx = await setUpFromServer('daily', async (r) => {
      ids.books = (await r.createNote({ parentNoteId: 'root', title: 'Books' })).noteId;
      for (const [key, title, year] of [['dune', 'Dune', '1965'], ['hobbit', 'The Hobbit', '1937'], ['lotr', 'The Lord of the Rings', '1954']]) {
        ids[key] = (await r.createNote({ parentNoteId: ids.books, title, content: `<p>${title} was published in ${year}</p>` })).noteId;
        await r.addAttribute(ids[key], 'label', 'book');
        await r.addAttribute(ids[key], 'label', 'year', year);
      }
      ids.saved = (await r.createNote({ parentNoteId: 'root', title: 'Old books', type: 'search', content: '{}' })).noteId;
      await r.addAttribute(ids.saved, 'label', 'searchString', '#book #year < 1960 orderBy note.title');
      ids.reading = (await r.createNote({ parentNoteId: 'root', title: 'Reading list', content: '<p>start here</p>' })).noteId;
    });
  });
  after(() => fx?.dispose());

  it('Search Notes takes the search language, and names the token of a bad query', async () => {
    const hits = await run<SearchHit[]>('trilium.searchNotes', '#book #year >= 1950 orderBy #year desc');
    assert.deepStrictEqual(hits?.map((h) => h.title), ['Dune', 'The Lord of the Rings']);
    const words = await run<SearchHit[]>('trilium.searchNotes', 'published 1937');
    assert.deepStrictEqual(words?.map((h) => h.noteId), [ids.hobbit]);
    const bad = await run<SearchHit[]>('trilium.searchNotes', '#book and or #year');
    assert.strictEqual(bad, undefined, 'a syntax error is shown, not thrown');
  });

  it('the Attributes view shows own, inherited and promoted attributes, and edits them', async () => {
    const r = fx.replica();
    const tpl = (await r.createNote({ parentNoteId: 'root', title: 'Book template' })).noteId;
    await r.addAttribute(tpl, 'label', 'template');
    await r.addAttribute(tpl, 'label', 'label:rating', 'promoted,single,number');
    await r.addAttribute(ids.dune, 'relation', 'template', tpl);
    await r.addAttribute(ids.books, 'label', 'shelf', 'A', true);
    const view = fx.api.daily.attributes;
    view.showFor(ids.dune);
    const rows = async () => (await view.getChildren()).map((it) => {
      const t = view.getTreeItem(it);
      return `${t.label} ${t.description ?? ''}`.trim();
    });
    assert.deepStrictEqual(await rows(), [
      'rating (empty: click to set)', '#book', '#year = 1965', '~template = Book template',
      '#shelf = A (inheritable) from Books', '#label:rating = promoted,single,number from Book template',
    ]);
    const promoted = (await view.getChildren())[0] as AttributeItem;
    await run('trilium.attributes.setPromoted', promoted, '5');
    assert.strictEqual((await rows())[0], 'rating 5');
    const id = await run<string>('trilium.attributes.add', { noteId: ids.dune, text: '#status=reading' });
    assert.ok(id);
    const status = (await view.getChildren()).find((it) => it.kind === 'attribute' && it.attribute.name === 'status')!;
    await run('trilium.attributes.edit', status, 'done');
    assert.ok((await rows()).includes('#status = done'));
    const edited = (await view.getChildren()).find((it) => it.kind === 'attribute' && it.attribute.name === 'status')!;
    await run('trilium.attributes.delete', edited);
    assert.ok(!(await rows()).some((x) => x.startsWith('#status')));
    const hits = await run<SearchHit[]>('trilium.searchNotes', '#rating >= 5');
    assert.deepStrictEqual(hits?.map((h) => h.noteId), [ids.dune], 'the promoted value is an ordinary label');
  });

  it('the Attributes view adds a relation with its target and changes the target', async () => {
    const view = fx.api.daily.attributes;
    view.showFor(ids.hobbit);
    const relId = await run<string>('trilium.attributes.add', { noteId: ids.hobbit, text: '~sequel', target: ids.lotr });
    assert.ok(relId);
    const row = async () => {
      const it = (await view.getChildren()).find((x) => x.kind === 'attribute' && x.attribute.name === 'sequel');
      return it && { it, text: `${view.getTreeItem(it).label} ${view.getTreeItem(it).description ?? ''}`.trim() };
    };
    assert.strictEqual((await row())?.text, '~sequel = The Lord of the Rings');
    await run('trilium.attributes.edit', (await row())!.it, ids.dune);
    assert.strictEqual((await row())?.text, '~sequel = Dune');
    const rel = (await fx.replica().getAttributes(ids.hobbit)).find((a) => a.name === 'sequel' && !a.isDeleted);
    assert.strictEqual(rel?.value, ids.dune, 'the relation now points at Dune');
    const hits = await run<SearchHit[]>('trilium.searchNotes', '~sequel.title = Dune');
    assert.deepStrictEqual(hits?.map((h) => h.noteId), [ids.hobbit], 'search sees the new target');
    await run('trilium.attributes.delete', (await row())!.it);
    assert.strictEqual(await row(), undefined);
  });

  it('the tree follows #sorted, #sortDirection, #iconClass and hides #archived notes unless shown', async () => {
    const tree = fx.api.services.tree;
    const r = fx.replica();
    const shelf = (await r.createNote({ parentNoteId: 'root', title: 'Shelf' })).noteId;
    const kid: Record<string, string> = {};
    for (const t of ['Cherry', 'apple', 'Banana']) kid[t] = (await r.createNote({ parentNoteId: shelf, title: t })).noteId;
    const shelfNode = await waitFor('the shelf row', async () => (await tree.getChildren()).find((n) => n.noteId === shelf));
    const titles = async () => (await tree.getChildren(shelfNode)).map((n) => n.title);
    assert.deepStrictEqual(await titles(), ['Cherry', 'apple', 'Banana']);
    await r.addAttribute(shelf, 'label', 'sorted');
    assert.deepStrictEqual(await titles(), ['apple', 'Banana', 'Cherry']);
    const dir = await r.addAttribute(shelf, 'label', 'sortDirection', 'desc');
    assert.deepStrictEqual(await titles(), ['Cherry', 'Banana', 'apple']);
    await r.deleteAttribute(dir);

    await r.addAttribute(kid.apple, 'label', 'iconClass', 'bx bx-book');
    const apple = (await tree.getChildren(shelfNode)).find((n) => n.noteId === kid.apple)!;
    assert.strictEqual((tree.getTreeItem(apple).iconPath as vscode.ThemeIcon).id, 'book');

    await r.addAttribute(kid.Banana, 'label', 'archived');
    assert.deepStrictEqual(await titles(), ['apple', 'Cherry'], 'archived notes are hidden');
    assert.strictEqual(await run<boolean>('trilium.showArchivedNotes'), true);
    assert.deepStrictEqual(await titles(), ['apple', 'Banana', 'Cherry']);
    const banana = (await tree.getChildren(shelfNode)).find((n) => n.noteId === kid.Banana)!;
    assert.strictEqual(tree.getTreeItem(banana).description, 'archived');
    assert.strictEqual(await run<boolean>('trilium.hideArchivedNotes'), false);
    assert.deepStrictEqual(await titles(), ['apple', 'Cherry']);
  });

  it('rows already listed follow an inheritable attribute of an ancestor (root too, clones elsewhere) and a template\'s attributes', async () => {
    const tree = fx.api.services.tree;
    const r = fx.replica();
    const library = (await r.createNote({ parentNoteId: 'root', title: 'Library' })).noteId;
    const shelf = (await r.createNote({ parentNoteId: library, title: 'Shelf A' })).noteId;
    const row1 = (await r.createNote({ parentNoteId: shelf, title: 'Row 1' })).noteId;
    const row2 = (await r.createNote({ parentNoteId: shelf, title: 'Row 2' })).noteId;
    const favorites = (await r.createNote({ parentNoteId: 'root', title: 'Favorites' })).noteId;
    await r.cloneNote(row1, favorites);
    // the template lives in a folder that stays collapsed: it has no row of its own
    const templates = (await r.createNote({ parentNoteId: 'root', title: 'Templates' })).noteId;
    const tpl = (await r.createNote({ parentNoteId: templates, title: 'Row template' })).noteId;
    await r.addAttribute(tpl, 'label', 'template');
    await r.addAttribute(row2, 'relation', 'template', tpl);

    // what VS Code has listed: Library > Shelf A > Row 1, Row 2, and Favorites > Row 1
    const top = async () => tree.getChildren();
    const libNode = await waitFor('the Library row', async () => (await top()).find((n) => n.noteId === library));
    const favNode = (await top()).find((n) => n.noteId === favorites)!;
    const shelfNode = (await tree.getChildren(libNode)).find((n) => n.noteId === shelf)!;
    const row1InShelf = (await tree.getChildren(shelfNode)).find((n) => n.noteId === row1)!;
    const row2Node = (await tree.getChildren(shelfNode)).find((n) => n.noteId === row2)!;
    const row1InFav = (await tree.getChildren(favNode)).find((n) => n.noteId === row1)!;
    assert.ok(row1InShelf && row2Node && row1InFav);

    // VS Code relists a row when an event names it or a row above it (or everything): so do we, below
    type Fired = TreeNode | TreeNode[] | undefined;
    let events: Fired[] = [];
    const sub = tree.onDidChangeTreeData((e: Fired) => events.push(e));
    const reaches = (row: TreeNode) => events.some((e) => e === undefined || (Array.isArray(e) ? e : [e]).some((x) => {
      for (let n: TreeNode | undefined = row; n; n = n.parent) if (n === x) return true;
      return false;
    }));
    const icon = async (parent: TreeNode | undefined, noteId: string) => {
      const node = (await tree.getChildren(parent)).find((n) => n.noteId === noteId);
      return node && (tree.getTreeItem(node).iconPath as vscode.ThemeIcon).id;
    };
    try {
      // a template's label reaches the note using it
      events = [];
      await r.addAttribute(tpl, 'label', 'iconClass', 'bx bx-star');
      await waitFor('an event reaching Row 2 (template user)', () => reaches(row2Node));
      assert.strictEqual(await icon(shelfNode, row2), 'star-full');
      assert.strictEqual(await icon(shelfNode, row1), 'note');

      // a template's #archived hides the note using it: its parent relists
      events = [];
      const archived = await r.addAttribute(tpl, 'label', 'archived');
      await waitFor('an event relisting Shelf A', () => reaches(shelfNode));
      assert.deepStrictEqual((await tree.getChildren(shelfNode)).map((n) => n.title), ['Row 1']);
      await r.deleteAttribute(archived);
      await waitFor('Row 2 listed again', async () => (await tree.getChildren(shelfNode)).length === 2);

      // an inheritable label of an ancestor reaches its descendants, also where they are cloned
      events = [];
      await r.addAttribute(shelf, 'label', 'iconClass', 'bx bx-bug', true);
      await waitFor('an event reaching Row 1 under Shelf A', () => reaches(row1InShelf));
      await waitFor('an event reaching Row 1 under Favorites', () => reaches(row1InFav));
      assert.strictEqual(await icon(shelfNode, row1), 'bug');
      assert.strictEqual(await icon(favNode, row1), 'bug');

      // root has no row: an inheritable label there reaches every row
      events = [];
      const onRoot = await r.addAttribute('root', 'label', 'iconClass', 'bx bx-heart', true);
      await waitFor('an event reaching Favorites', () => reaches(favNode));
      assert.strictEqual(await icon(undefined, library), 'heart');
      await r.deleteAttribute(onRoot);
      await waitFor('the root label gone', async () => (await icon(undefined, library)) === 'note');
    } finally {
      sub.dispose();
    }
  });

  it('a saved search note shows its results as children in the tree, and follows edits', async () => {
    const tree = fx.api.services.tree;
    const node = (await tree.getChildren()).find((n) => n.noteId === ids.saved);
    assert.ok(node, 'the saved search is in the tree');
    assert.strictEqual(tree.getTreeItem(node).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepStrictEqual((await tree.getChildren(node)).map((n) => n.title), ['The Hobbit', 'The Lord of the Rings']);
    const beowulf = (await fx.replica().createNote({ parentNoteId: ids.books, title: 'Beowulf' })).noteId;
    await fx.replica().addAttribute(beowulf, 'label', 'book');
    await fx.replica().addAttribute(beowulf, 'label', 'year', '1000');
    assert.deepStrictEqual((await tree.getChildren(node)).map((n) => n.title), ['Beowulf', 'The Hobbit', 'The Lord of the Rings']);
    const child = (await tree.getChildren(node))[0];
    assert.strictEqual(tree.getTreeItem(child).contextValue, 'searchResult.type-text', 'results are not branches: no move/delete menus');
  });

  it("Open Day Note finds or creates the day note in Trilium's calendar and opens it; Open Today's Note too", async () => {
    const noteId = await run<string>('trilium.openDayNote', '2026-11-24');
    assert.ok(noteId);
    await waitFor('the day note\'s editor', () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${noteId}/`));
    const labels = await fx.replica().getAttributes(noteId);
    assert.deepStrictEqual(labels.map((a) => [a.name, a.value]), [['dateNote', '2026-11-24']]);
    assert.strictEqual((await fx.replica().getNote(noteId))?.title, '24 - Tuesday');
    assert.strictEqual(await run<string>('trilium.openDayNote', '2026-11-24'), noteId, 'the same note the second time');
    const today = await run<string>('trilium.openTodayNote');
    const d = new Date();
    const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    assert.deepStrictEqual((await fx.replica().getAttributes(today!)).find((a) => a.name === 'dateNote')?.value, iso);
    const calendar = await run<SearchHit[]>('trilium.searchNotes', '#calendarRoot');
    assert.strictEqual(calendar?.length, 1, 'one calendar root');
  });

  it('Recent Notes lists the notes opened or saved here, most recent first; the quick pick opens one; deleted notes drop out', async () => {
    await run('workbench.action.closeAllEditors');
    const recent = fx.api.daily.recent;
    const openAndWait = async (noteId: string) => {
      await run('trilium.openNote', noteId, { preview: false });
      await waitFor(`the editor of ${noteId}`, () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${noteId}/`));
    };
    const listed = async () => (await recent.getChildren()).map((r) => r.noteId);
    const scratch = (await fx.replica().createNote({ parentNoteId: 'root', title: 'Scratch', content: '<p>x</p>' })).noteId;
    await openAndWait(ids.hobbit);
    await openAndWait(scratch);
    await openAndWait(ids.lotr);
    await waitFor('lotr first', async () => (await listed())[0] === ids.lotr);
    assert.deepStrictEqual((await listed()).slice(0, 3), [ids.lotr, scratch, ids.hobbit]);
    const item = recent.getTreeItem((await recent.getChildren())[0]);
    assert.strictEqual(item.label, 'The Lord of the Rings');
    assert.deepStrictEqual(item.command?.arguments, [ids.lotr]);

    // saving a note that is open but not active moves it to the front
    const hobbitDoc = vscode.workspace.textDocuments.find((d) => d.uri.path.startsWith(`/${ids.hobbit}/`));
    assert.ok(hobbitDoc, 'the hobbit document is still open');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(hobbitDoc.uri, hobbitDoc.positionAt(0), ' ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await hobbitDoc.save());
    await waitFor('hobbit first after its save', async () => (await listed())[0] === ids.hobbit);
    assert.deepStrictEqual((await listed()).slice(0, 3), [ids.hobbit, ids.lotr, scratch]);

    // the quick pick offers the same list: accepting its first row opens that note
    await run('workbench.action.closeAllEditors');
    const picked = run<string>('trilium.openRecentNote');
    await new Promise((r) => setTimeout(r, 500));
    await run('workbench.action.acceptSelectedQuickOpenItem');
    assert.strictEqual(await picked, ids.hobbit);
    await waitFor('the picked note\'s editor', () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${ids.hobbit}/`));

    // a deleted note drops out, from the view and from what is stored
    await run('workbench.action.closeAllEditors');
    await fx.replica().deleteNote(scratch);
    assert.ok(!(await listed()).includes(scratch));
    const stored = fx.api.services.context.globalState.get<Array<{ noteId: string }>>(`trilium.recentNotes:${fx.api.services.session.documentName}`);
    assert.ok(stored && stored.length >= 2 && !stored.some((r) => r.noteId === scratch), JSON.stringify(stored));
  });

  it('a link written in the editor becomes an internalLink relation on save; Backlinks and Go to Linked Note follow it', async () => {
    const uri = await run<vscode.Uri>('trilium.openNote', ids.reading, { preview: false });
    assert.ok(uri);
    const editor = await waitFor('the editor', () => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor);
    const markdown = uri.path.endsWith('.md');
    const link = markdown ? `[Dune](#root/${ids.books}/${ids.dune})` : `<a class="reference-link" href="#root/${ids.books}/${ids.dune}">Dune</a>`;
    const doc = editor.document;
    await editor.edit((e) => e.insert(doc.positionAt(doc.getText().lastIndexOf('start here') + 'start here'.length), ` then ${link}`));
    assert.ok(await doc.save(), 'saved');
    await waitFor('the internalLink relation', async () => (await fx.replica().getAttributes(ids.reading))
      .some((a) => a.type === 'relation' && a.name === 'internalLink' && a.value === ids.dune));

    const backlinks = fx.api.daily.backlinks;
    backlinks.showFor(ids.dune);
    const rows = await backlinks.getChildren();
    assert.deepStrictEqual(rows.map((b) => [b.noteId, b.relation]), [[ids.reading, 'internalLink']]);
    assert.strictEqual(backlinks.getTreeItem(rows[0]).label, 'Reading list');

    const opened = await run<string>('trilium.goToLinkedNote', ids.reading);
    assert.strictEqual(opened, ids.dune);
    await waitFor('the linked note\'s editor', () => vscode.window.activeTextEditor?.document.uri.path.startsWith(`/${ids.dune}/`));

    // removing the link removes the relation on the next save
    const again = await waitFor('the reading list editor', async () => {
      const u = await run<vscode.Uri>('trilium.openNote', ids.reading, { preview: false });
      return vscode.window.activeTextEditor?.document.uri.toString() === u?.toString() && vscode.window.activeTextEditor;
    });
    const text = again.document.getText();
    const at = text.indexOf(` then ${link}`);
    assert.ok(at >= 0, text);
    await again.edit((e) => e.delete(new vscode.Range(again.document.positionAt(at), again.document.positionAt(at + ` then ${link}`.length))));
    assert.ok(await again.document.save());
    await waitFor('the relation removed', async () => !(await fx.replica().getAttributes(ids.reading)).some((a) => a.name === 'internalLink'));
    assert.deepStrictEqual(await backlinks.getChildren(), []);
  });
});
