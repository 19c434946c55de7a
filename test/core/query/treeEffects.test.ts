// What attributes do to the note tree: Trilium's #sorted order (pure, then through the replica), archived notes left
// out (own, inherited through an inheritable label, through a template) unless asked for, #iconClass to a codicon.
import { strict as assert } from 'node:assert';
import { openReplica, Replica } from '../../../src/storage';
import type { ReplicaChange } from '../../../src/storage/types';
import { childSortOf, sortChildren, type ChildSort } from '../../../src/storage/query/childOrder';
import { codiconForIconClass, codiconForNote } from '../../../src/treeView/icons';
import { cleanupDirs, newDoc } from '../storage/helpers';

interface C { title: string; prefix?: string | null; folder?: boolean; labels?: Record<string, string> }
const sorted = (children: C[], sort: Partial<ChildSort>) =>
  sortChildren(children, { by: 'title', desc: false, foldersFirst: false, natural: false, locale: undefined, ...sort }, (c) => ({
    title: c.title, prefix: c.prefix ?? null, hasChildren: !!c.folder, value: (k) => c.labels?.[k] ?? null,
  })).map((c) => c.title);

describe('tree effects of attributes', () => {
  describe('#sorted order (pure)', () => {
    it('reads the sort from the parent\'s labels: off, empty, a label, direction, folders first, natural', () => {
      assert.equal(childSortOf([]), null);
      assert.equal(childSortOf([{ name: 'sorted', value: 'off' }]), null);
      assert.deepEqual(childSortOf([{ name: 'sorted', value: '' }]), { by: 'title', desc: false, foldersFirst: false, natural: false, locale: undefined });
      assert.deepEqual(childSortOf([
        { name: 'sorted', value: 'priority' }, { name: 'sortDirection', value: 'DESC' }, { name: 'sortFoldersFirst', value: '' },
        { name: 'sortNatural', value: 'false' }, { name: 'sortLocale', value: 'de' },
      ]), { by: 'priority', desc: true, foldersFirst: true, natural: false, locale: 'de' });
    });

    it('by title, case-insensitively, with the branch prefix in front; descending reverses', () => {
      const kids: C[] = [{ title: 'banana' }, { title: 'Apple' }, { title: 'cherry' }, { title: 'zebra', prefix: 'A' }];
      assert.deepEqual(sorted(kids, {}), ['zebra', 'Apple', 'banana', 'cherry']);
      assert.deepEqual(sorted(kids, { desc: true }), ['cherry', 'banana', 'Apple', 'zebra']);
    });

    it('by a label: children without it after the others in both directions, ties by title', () => {
      const kids: C[] = [
        { title: 'b', labels: { priority: '2' } }, { title: 'none1' }, { title: 'a', labels: { priority: '2' } },
        { title: 'c', labels: { priority: '1' } }, { title: 'none0' },
      ];
      assert.deepEqual(sorted(kids, { by: 'priority' }), ['c', 'a', 'b', 'none0', 'none1']);
      assert.deepEqual(sorted(kids, { by: 'priority', desc: true }), ['b', 'a', 'c', 'none1', 'none0']);
    });

    it('values compare as strings unless natural; natural compares numbers by value', () => {
      const kids: C[] = [{ title: 'Chapter 10' }, { title: 'Chapter 9' }, { title: 'chapter 1' }];
      assert.deepEqual(sorted(kids, {}), ['chapter 1', 'Chapter 10', 'Chapter 9']);
      assert.deepEqual(sorted(kids, { natural: true }), ['chapter 1', 'Chapter 9', 'Chapter 10']);
    });

    it('#top first and #bottom last whatever the direction; folders first (last when descending)', () => {
      const kids: C[] = [
        { title: 'm' }, { title: 'z', labels: { top: '' } }, { title: 'a', labels: { bottom: '' } }, { title: 'dir', folder: true }, { title: 'b' },
      ];
      assert.deepEqual(sorted(kids, {}), ['z', 'b', 'dir', 'm', 'a']);
      assert.deepEqual(sorted(kids, { desc: true }), ['z', 'm', 'dir', 'b', 'a']);
      assert.deepEqual(sorted(kids, { foldersFirst: true }), ['z', 'dir', 'b', 'm', 'a']);
      assert.deepEqual(sorted(kids, { foldersFirst: true, desc: true }), ['z', 'm', 'b', 'dir', 'a']);
    });
  });

  describe('#iconClass → codicon', () => {
    it('maps boxicons (regular, solid) to the nearest codicon, else the note type\'s icon', () => {
      assert.equal(codiconForIconClass('bx bx-book'), 'book');
      assert.equal(codiconForIconClass('bx bxs-folder-open'), 'folder-opened');
      assert.equal(codiconForIconClass('bx bx-no-such-icon'), null);
      assert.equal(codiconForNote({ type: 'code', iconClass: 'bx bx-no-such-icon' }), 'code');
      assert.equal(codiconForNote({ type: 'text', iconClass: 'bx bx-calendar' }), 'calendar');
      assert.equal(codiconForNote({ type: 'text', iconClass: null }), 'note');
    });
  });

  describe('through the replica (getTreeChildren)', () => {
    let r: Replica;
    const ids: Record<string, string> = {};
    const titles = async (parent: string, opts?: { includeArchived?: boolean }) => (await r.getTreeChildren(ids[parent], opts)).map((c) => c.title);
    before(async () => {
      r = await newDoc();
      const note = async (key: string, parent: string, title: string) => {
        ids[key] = (await r.createNote({ parentNoteId: parent === 'root' ? 'root' : ids[parent], title })).noteId;
      };
      await note('shelf', 'root', 'Shelf');
      for (const [k, t] of [['c', 'Cherry'], ['a', 'apple'], ['b', 'Banana'], ['old', 'Old stuff'], ['tpl', 'Archived template'], ['user', 'Uses template']]) await note(k, 'shelf', t);
      await note('oldChild', 'old', 'Inside old stuff');
      await note('oldGrandchild', 'oldChild', 'Deep inside');
    });
    after(async () => { await r.close(); cleanupDirs(); });

    it('keeps the stored order without #sorted; sorts with it, by title or by a label, and follows #sortDirection', async () => {
      assert.deepEqual(await titles('shelf'), ['Cherry', 'apple', 'Banana', 'Old stuff', 'Archived template', 'Uses template']);
      const s = await r.addAttribute(ids.shelf, 'label', 'sorted');
      assert.deepEqual(await titles('shelf'), ['apple', 'Archived template', 'Banana', 'Cherry', 'Old stuff', 'Uses template']);
      await r.addAttribute(ids.c, 'label', 'rank', '1');
      await r.addAttribute(ids.b, 'label', 'rank', '2');
      await r.updateAttribute(s, 'rank');
      assert.deepEqual((await titles('shelf')).slice(0, 3), ['Cherry', 'Banana', 'apple']);
      const dir = await r.addAttribute(ids.shelf, 'label', 'sortDirection', 'desc');
      assert.deepEqual((await titles('shelf')).slice(0, 2), ['Banana', 'Cherry']);
      await r.deleteAttribute(dir);
      await r.updateAttribute(s, 'off');
      assert.deepEqual((await titles('shelf'))[0], 'Cherry');
      await r.deleteAttribute(s);
    });

    it('#sortFoldersFirst puts children that have children first', async () => {
      const s = await r.addAttribute(ids.shelf, 'label', 'sorted');
      const f = await r.addAttribute(ids.shelf, 'label', 'sortFoldersFirst');
      assert.deepEqual((await titles('shelf'))[0], 'Old stuff');
      await r.deleteAttribute(f);
      await r.deleteAttribute(s);
    });

    it('leaves archived notes out unless asked: own #archived, inherited from an inheritable one, from a template', async () => {
      const arch = await r.addAttribute(ids.old, 'label', 'archived', '', true);
      assert.ok(!(await titles('shelf')).includes('Old stuff'));
      const shown = (await r.getTreeChildren(ids.shelf, { includeArchived: true })).find((c) => c.noteId === ids.old);
      assert.equal(shown?.isArchived, true);
      assert.deepEqual(await titles('old'), [], 'its child inherits #archived');
      assert.deepEqual(await titles('oldChild'), [], 'and its grandchild');
      assert.deepEqual(await titles('oldChild', { includeArchived: true }), ['Deep inside']);
      await r.deleteAttribute(arch);
      assert.ok((await titles('shelf')).includes('Old stuff'));
      assert.deepEqual(await titles('old'), ['Inside old stuff']);
      assert.ok((await r.getTreeChildren(ids.shelf)).every((c) => c.isArchived === undefined));

      await r.addAttribute(ids.tpl, 'label', 'template');
      await r.addAttribute(ids.tpl, 'label', 'archived');
      await r.addAttribute(ids.user, 'relation', 'template', ids.tpl);
      const names = await titles('shelf');
      assert.ok(!names.includes('Archived template') && !names.includes('Uses template'), names.join(', '));
    });

    it('gives the effective #iconClass: own, else inherited', async () => {
      await r.addAttribute(ids.shelf, 'label', 'iconClass', 'bx bx-book', true);
      await r.addAttribute(ids.a, 'label', 'iconClass', 'bx bx-star');
      const icons = Object.fromEntries((await r.getTreeChildren(ids.shelf)).map((c) => [c.title, c.iconClass]));
      assert.equal(icons.apple, 'bx bx-star');
      assert.equal(icons.Cherry, 'bx bx-book');
    });
  });

  describe('a large document, whose note index is not loaded yet', () => {
    const saved = Replica.treeIndexColdNotes;
    let r: Replica;
    before(() => { Replica.treeIndexColdNotes = 1; });
    after(async () => { Replica.treeIndexColdNotes = saved; await r?.close(); cleanupDirs(); });

    it('lists at once from the notes\' own labels, loads the index in the background, then asks views to relist with inherited ones', async () => {
      r = await newDoc();
      const old = (await r.createNote({ parentNoteId: 'root', title: 'Old stuff' })).noteId;
      await r.createNote({ parentNoteId: old, title: 'Inside' });
      await r.addAttribute(old, 'label', 'archived', '', true);
      await r.close();
      r = await openReplica(r.dataDir);
      const relisted = new Promise<ReplicaChange>((resolve) => r.onDidChange((c) => { if (c.relist) resolve(c); }));
      assert.ok(!(await r.getTreeChildren('root')).some((c) => c.noteId === old), 'own #archived counts at once');
      assert.deepEqual((await r.getTreeChildren(old)).map((c) => c.title), ['Inside'], 'the inherited #archived waits for the index');
      const change = await relisted;
      assert.deepEqual([...change.parentNoteIds], ['root']);
      assert.deepEqual((await r.getTreeChildren(old)).map((c) => c.title), [], 'then it counts');
    });
  });
});
