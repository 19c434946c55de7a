// UI figures measured in the real extension host (run by bench/ui.mjs, not part of `npm test`): expanding a note
// with 10k children, "Open Note…" over 100k notes, and activation. Prints one `BENCH {json}` line per figure.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TriliumExtensionApi } from '../../src/extension';
import { buildNoteIndex, filterNotes, NoteIndexCache } from '../../src/commands/notePicker';
import type { SyncRecord } from '../../src/storage/types';
import { report, time } from './benchReport';
import { activate } from './uiFixture';

const CHILDREN = Number(process.env.TRILIUM_BENCH_CHILDREN || 10_000);
const TOTAL = Number(process.env.TRILIUM_BENCH_NOTES || 100_000);

describe('bench: UI in the extension host', function () {
  this.timeout(900_000);
  let api: TriliumExtensionApi;
  let bigParent: string;

  before(async () => {
    api = await activate();
    report('activation', api.activationMs);
    assert.strictEqual(await vscode.commands.executeCommand('trilium.newLocalDocument', true), true);
    const replica = api.services.session.requireReplica();
    const { entityHash, getProfile, randomString } = await import('../../src/storage');
    const profile = getProfile(replica.syncVersion);
    const now = new Date().toISOString().replace('T', ' ');
    let records: SyncRecord[] = [];
    const flush = async () => {
      if (records.length === 0) return;
      await replica.applyRecords(records, { senderInstanceId: 'benchOther01' });
      records = [];
    };
    const add = async (noteId: string, parentNoteId: string, title: string, position: number) => {
      const note = { noteId, title, isProtected: 0, type: 'text', mime: 'text/html', blobId: null, isDeleted: 0, deleteId: null, dateCreated: now, dateModified: now, utcDateCreated: now, utcDateModified: now };
      const branch = { branchId: `${parentNoteId}_${noteId}`, noteId, parentNoteId, notePosition: position, prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: now };
      const ec = (entityName: string, entityId: string, hash: string) => ({ id: 0, entityName, entityId, hash, isErased: 0 as const, changeId: randomString(12), componentId: 'bench', instanceId: 'benchOther01', isSynced: 1 as const, utcDateChanged: now });
      records.push({ entityChange: ec('notes', noteId, entityHash(profile.tables.notes, note)), entity: note });
      records.push({ entityChange: ec('branches', branch.branchId, entityHash(profile.tables.branches, branch)), entity: branch });
      if (records.length >= 10_000) await flush();
    };
    const [, buildMs] = await time(async () => {
      bigParent = randomString(12);
      await add(bigParent, 'root', 'Ten thousand children', 10);
      for (let i = 0; i < CHILDREN; i++) await add(randomString(12), bigParent, `Child ${String(i).padStart(5, '0')}`, (i + 1) * 10);
      const folders = Math.max(1, Math.ceil((TOTAL - CHILDREN) / 1000));
      let made = CHILDREN + 1;
      for (let f = 0; f < folders && made < TOTAL; f++) {
        const folder = randomString(12);
        await add(folder, 'root', `Folder ${f}`, 20 + f * 10);
        made++;
        for (let i = 0; i < 1000 && made < TOTAL; i++, made++) await add(randomString(12), folder, `Note ${f}-${i} about ${['gardens', 'code', 'travel', 'books'][i % 4]}`, (i + 1) * 10);
      }
      await flush();
    });
    const counts = await replica.counts();
    report('build document (applyRecords)', buildMs, { notes: counts.notes });
  });

  it(`expands a note with ${CHILDREN} children`, async () => {
    const tree = api.services.tree;
    const top = await tree.getChildren();
    const big = top.find((n) => n.noteId === bigParent);
    assert.ok(big);
    const [, replicaMs] = await time(() => api.services.session.requireReplica().getChildren(bigParent));
    report('expand: replica.getChildren alone', replicaMs);
    const [children, listMs] = await time(() => tree.getChildren(big));
    assert.strictEqual(children.length, CHILDREN);
    const [, itemsMs] = await time(() => children.forEach((c) => tree.getTreeItem(c)));
    report('expand: getChildren (one query)', listMs, { children: children.length });
    report('expand: getTreeItem for all children', itemsMs);
    await vscode.commands.executeCommand('trilium.noteTree.focus');
    try {
      const [, revealMs] = await time(() => Promise.resolve(api.services.treeView.reveal(big, { expand: true, select: true, focus: false })));
      report('expand: treeView.reveal(expand) round trip through the workbench', revealMs);
    } catch (e) {
      report('expand: treeView.reveal(expand) FAILED', 0, { error: String(e) });
    }
    const [, secondMs] = await time(() => tree.getChildren(big));
    report('expand: getChildren again (warm)', secondMs);
  });

  it(`Open Note… over ${TOTAL} notes`, async () => {
    const replica = api.services.session.requireReplica();
    const [all, listMs] = await time(() => replica.listAllNotes());
    assert.ok(all.length >= TOTAL, `${all.length} notes`);
    const [index, indexMs] = await time(() => buildNoteIndex(all));
    report('quick pick: listAllNotes', listMs, { notes: all.length });
    report('quick pick: build index', indexMs);
    const keystrokes = ['g', 'ga', 'gar', 'gard', 'garde', 'garden', 'gardens', 'note 5', 'zzz-no-match'];
    const perKey: number[] = [];
    for (const q of keystrokes) {
      const [items, ms] = await time(() => filterNotes(index, q));
      assert.ok(items.length <= 200);
      perKey.push(ms);
    }
    report('quick pick: filter per keystroke (max)', Math.max(...perKey), { mean: Math.round((perKey.reduce((a, b) => a + b, 0) / perKey.length) * 10) / 10 });
    const cache = new NoteIndexCache(replica);
    const [, coldMs] = await time(() => cache.get());
    const [, warmMs] = await time(() => cache.get());
    await replica.renameNote(all[0].noteId, 'Renamed for the bench');
    cache.noteChanged([all[0].noteId]);
    const [patched, patchMs] = await time(() => cache.get());
    assert.strictEqual(filterNotes(patched, 'renamed for the bench').length, 1);
    report('quick pick: index ready, first open (built ahead of time at start-up)', coldMs);
    report('quick pick: index ready, next opens', warmMs);
    report('quick pick: index ready after a note changed (patched)', patchMs);
    const qp = vscode.window.createQuickPick();
    const [, showMs] = await time(() => {
      qp.items = filterNotes(index, 'garden').map((n) => ({ label: n.title, description: n.parentTitle ?? undefined }));
      qp.show();
    });
    report('quick pick: set 200 items and show', showMs);
    qp.dispose();
  });
});
