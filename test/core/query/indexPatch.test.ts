// The note index patched by changes keeps answering like a fresh one: what it memoizes per note (flat texts, titles
// under each parent, best paths and their titles) follows a branch prefix (a change that names only the parent), a
// renamed ancestor, and a reorder of a note's parents.
import { strict as assert } from 'node:assert';
import { openReplica } from '../../../src/storage';
import { cleanupDirs } from '../storage/helpers';
import { buildFixture, type Fixture } from './fixture';

describe('search index patched by changes', () => {
  let f: Fixture;
  before(async () => { f = await buildFixture(); });
  after(async () => { await f.replica.close(); cleanupDirs(); });

  const hit = async (query: string, key: string) => (await f.replica.search(query)).find((h) => h.noteId === f.id[key]);
  const names = async (query: string) => (await f.replica.search(query)).map((h) => f.name.get(h.noteId) ?? h.noteId).sort();

  it('a branch prefix reaches the note (flat text, title under its parent) and the path titles below it', async () => {
    assert.equal((await hit('alpha tasks', 'alphaTasks'))?.notePathTitle, 'Projects / Alpha / Alpha Tasks');
    assert.deepEqual(await names('quarterly'), []);
    const [branch] = await f.replica.getParentBranches(f.id.alpha);
    await f.replica.setPrefix(branch.branchId, 'Quarterly');
    assert.deepEqual(await names('quarterly'), ['alpha']);
    assert.deepEqual(await names('quarterly tasks'), ['alphaTasks'], 'the prefix is on the path of the child');
    assert.equal((await hit('alpha tasks', 'alphaTasks'))?.notePathTitle, 'Projects / Quarterly - Alpha / Alpha Tasks');
    await f.replica.setPrefix(branch.branchId, null);
    assert.deepEqual(await names('quarterly'), []);
    assert.equal((await hit('alpha tasks', 'alphaTasks'))?.notePathTitle, 'Projects / Alpha / Alpha Tasks');
  });

  it('a renamed ancestor reaches the path titles and the path search of its subtree', async () => {
    assert.deepEqual(await names('work alpha'), []);
    await f.replica.renameNote(f.id.projects, 'Work');
    assert.equal((await hit('alpha tasks', 'alphaTasks'))?.notePathTitle, 'Work / Alpha / Alpha Tasks');
    assert.deepEqual(await names('work alpha'), ['alpha', 'alphaTasks']);
    await f.replica.renameNote(f.id.projects, 'Projects');
    assert.deepEqual(await names('work alpha'), []);
  });

  it('answers as an index loaded afresh after these changes', async () => {
    const clone = await f.replica.cloneNote(f.id.tolkien, f.id.books, 'Author');
    const queries = ['tolkien', 'author tolkien', 'books tolkien', 'people tolkien', '#person', 'alpha', 'ring'];
    const patched = await Promise.all(queries.map((q) => f.replica.search(q)));
    const fresh = await openReplica(f.replica.dataDir);
    try {
      for (let i = 0; i < queries.length; i++) {
        assert.deepEqual((await fresh.search(queries[i])).map((h) => [h.noteId, h.notePathTitle, h.score]),
          patched[i].map((h) => [h.noteId, h.notePathTitle, h.score]), queries[i]);
      }
    } finally {
      await fresh.close();
      await f.replica.deleteBranch(clone);
    }
  });
});
