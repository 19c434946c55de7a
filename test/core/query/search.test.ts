// Trilium's search language on the replica: each construct against a fixture document (fixture.ts). The expected
// notes follow Trilium's documented semantics and its search service: case- and accent-insensitive matching,
// inherited attributes (inheritable ones to the subtree, a template's to the notes using it), numeric comparison
// when the compared value is a number, archived notes left out unless asked.
import { strict as assert } from 'node:assert';
import { SearchSyntaxError } from '../../../src/storage/query';
import type { SearchOptions } from '../../../src/storage/query/search';
import { cleanupDirs } from '../storage/helpers';
import { buildFixture, type Fixture } from './fixture';

describe('search language', () => {
  let f: Fixture;
  before(async () => { f = await buildFixture(); });
  after(async () => { await f.replica.close(); cleanupDirs(); });

  const names = async (query: string, opts?: SearchOptions) =>
    (await f.replica.search(query, opts)).map((h) => f.name.get(h.noteId) ?? h.noteId);
  const same = async (query: string, expected: string[], opts?: SearchOptions) =>
    assert.deepEqual((await names(query, opts)).sort(), [...expected].sort(), query);
  const inOrder = async (query: string, expected: string[]) => assert.deepEqual(await names(query), expected, query);

  describe('full text', () => {
    it('a word matches titles and contents (HTML stripped), not archived notes', async () => {
      await same('ring', ['lotr', 'hobbit', 'script']);
      await same('frodo', ['lotr']);
      await same('frodo', ['lotr', 'ancient'], { includeArchived: true });
    });
    it('a quoted phrase is one token, inline formatting tags do not split words', async () => {
      await same('"carries the ring"', ['lotr']);
      await same('"carries ring"', []);
    });
    it('several words: each in the title, the path, the attributes or the content', async () => {
      await same('hobbit bilbo', ['hobbit']);
      await same('books dune', ['dune']);
      await same('people tolkien', ['tolkien']);
      await same('tolkien mordor', []);
      await same('spice flow', ['dune']);
      await same('fantasy frodo', ['lotr']);
      await same('book bilbo', ['hobbit']);
    });
    it('is case- and accent-insensitive', async () => {
      await same('RING', ['lotr', 'hobbit', 'script']);
      await same('creme', ['cafe']);
      await same('cafe', ['cafe']);
    });
    it('combines with an expression after it', async () => {
      await same('ring #year < 1950', ['hobbit']);
    });
  });

  describe('labels', () => {
    it('#label, #!label', async () => {
      await same('#book', ['lotr', 'hobbit', 'dune']);
      await same('#book #!genre', ['hobbit']);
    });
    it('= and != compare a word or a phrase of the value, case-insensitively', async () => {
      await same('#year=1954', ['lotr']);
      await same('#genre = "science fiction"', ['dune']);
      await same('#genre != fantasy', ['dune']);
    });
    it('*=*, =*, *= and %=', async () => {
      await same('#genre *=* fiction', ['dune']);
      await same('#genre =* sci', ['dune']);
      await same('#genre *= tasy', ['lotr']);
      await same("#genre %= '^f.*y$'", ['lotr']);
    });
    it('> >= < <= compare numbers when the value is a number, strings otherwise', async () => {
      await same('#year >= 1954', ['lotr', 'dune']);
      await same('#year > 1954', ['dune']);
      await same('#year < 1950', ['hobbit']);
      await same('#year <= 1937', ['hobbit']);
      await same('#born < 1900', ['tolkien']);
      await same('#genre > m', ['dune']);
    });
    it('names and values are case-insensitive', async () => {
      await same('#BOOK #Year=1954', ['lotr']);
    });
  });

  describe('inheritance', () => {
    it('an inheritable label reaches the subtree', async () => {
      await same('#project', ['projects', 'alpha', 'alphaTasks']);
    });
    it("a template's labels reach the notes using it, but not its #template marker", async () => {
      await same('#taskStatus = open', ['taskTemplate', 'taskOne']);
      await same('#priority >= 2', ['taskTemplate', 'taskOne']);
      await same('#template', ['taskTemplate']);
    });
    it('an inherited #archived hides the subtree', async () => {
      await same('#archived', []);
      await same('#archived', ['old', 'ancient'], { includeArchived: true });
    });
  });

  describe('relations', () => {
    it('~relation and ~relation.property', async () => {
      await same('~author', ['lotr', 'hobbit', 'dune']);
      await same('~author.title = tolkien', ['lotr', 'hobbit']);
      await same('~author.labels.born < 1900', ['lotr', 'hobbit']);
      await same('~template.title *=* task', ['taskOne']);
      await same('~author.title =* her', ['dune']);
    });
  });

  describe('note properties', () => {
    it('title, type, content, text', async () => {
      await same('note.title *=* lord', ['lotr']);
      await same('note.title = dune', ['dune']);
      await same('note.type = code', ['script']);
      await same('note.type = book', ['books']);
      await same('note.content *=* spice', ['dune']);
      await same("note.content %= 'b.lbo'", ['hobbit']);
      await same('note.text *=* spice', ['dune']);
      await same('#book note.childrenCount = 0 note.title =* the', ['lotr', 'hobbit']);
    });
    it('parents, children, ancestors', async () => {
      await same('note.parents.title = people', ['tolkien', 'herbert']);
      await same('note.children.title = "alpha tasks"', ['alpha']);
      await same('note.ancestors.title = projects', ['projects', 'alpha', 'alphaTasks']);
      await same('note.parents.parents.title = projects', ['alphaTasks']);
    });
    it('date properties with TODAY, MONTH, YEAR and NOW arithmetic', async () => {
      const now = new Date(2026, 10, 24, 12, 0, 0);
      await same('#book note.dateCreated >= TODAY', ['lotr', 'hobbit', 'dune'], { now });
      await same('#book note.dateCreated >= TODAY+1', [], { now });
      await same('#book note.dateCreated < TODAY-1', [], { now: new Date(2026, 10, 20) });
      await same('#book note.dateCreated =* MONTH', ['lotr', 'hobbit', 'dune'], { now });
      await same('#book note.dateCreated =* YEAR-1', [], { now });
      await same('#book note.dateCreated < NOW', ['lotr', 'hobbit', 'dune'], { now });
    });
  });

  describe('boolean logic', () => {
    it('or, and, not() and parentheses', async () => {
      await same('#year=1954 or #year=1965', ['lotr', 'dune']);
      await same('#book and (#year=1937 or #genre=fantasy)', ['lotr', 'hobbit']);
      await same('#book and not(#year=1954)', ['hobbit', 'dune']);
      await same('#book not(~author.title = tolkien)', ['dune']);
    });
  });

  describe('orderBy and limit', () => {
    it('orders by labels and properties, both directions, with a limit', async () => {
      await inOrder('#book orderBy #year desc', ['dune', 'lotr', 'hobbit']);
      await inOrder('#book orderBy #year', ['hobbit', 'lotr', 'dune']);
      await inOrder('#book orderBy note.title limit 2', ['dune', 'hobbit']);
      await inOrder('#book orderBy ~author.title desc, note.title', ['hobbit', 'lotr', 'dune']);
      await inOrder('#book limit 1', [(await names('#book'))[0]]);
    });
  });

  describe('saved searches', () => {
    it('a search note runs its #searchString (or its JSON content) and leaves itself out', async () => {
      const a = await f.replica.createNote({ parentNoteId: 'root', title: 'Fantasy', type: 'search', content: '{}' });
      await f.replica.addAttribute(a.noteId, 'label', 'searchString', '#genre = fantasy');
      assert.deepEqual((await f.replica.runSavedSearch(a.noteId)).map((h) => f.name.get(h.noteId)), ['lotr']);
      const b = await f.replica.createNote({ parentNoteId: 'root', title: 'Old books', type: 'search', content: JSON.stringify({ searchString: '#book #year < 1960' }) });
      await f.replica.addAttribute(b.noteId, 'label', 'orderBy', 'title');
      assert.deepEqual((await f.replica.runSavedSearch(b.noteId)).map((h) => f.name.get(h.noteId)), ['hobbit', 'lotr']);
    });
  });

  describe('the index follows edits', () => {
    it('a new label, a rename and a deletion show in the next search', async () => {
      const n = await f.replica.createNote({ parentNoteId: f.id.books, title: 'Neuromancer', content: '<p>cyberspace</p>' });
      await f.replica.addAttribute(n.noteId, 'label', 'book');
      assert.ok((await f.replica.search('#book')).some((h) => h.noteId === n.noteId));
      await f.replica.renameNote(n.noteId, 'Count Zero');
      assert.deepEqual((await f.replica.search('note.title = "count zero"')).map((h) => h.noteId), [n.noteId]);
      await f.replica.deleteNote(n.noteId);
      assert.ok(!(await f.replica.search('#book')).some((h) => h.noteId === n.noteId));
    });
  });

  describe('full text follows content edits', () => {
    it('a changed content is searched by its new words only; a large note is searched too; a deleted one drops out', async () => {
      const n = await f.replica.createNote({ parentNoteId: f.id.books, title: 'Solaris', content: '<p>the ocean <b>thi</b>nks</p>' });
      assert.deepEqual((await f.replica.search('ocean')).map((h) => h.noteId), [n.noteId]);
      assert.deepEqual((await f.replica.search('thinks')).map((h) => h.noteId), [n.noteId], 'inline tags do not split words');
      await f.replica.setNoteContent(n.noteId, '<p>a planet of mimoids</p>');
      assert.ok(!(await f.replica.search('ocean')).some((h) => h.noteId === n.noteId), 'the old word is gone');
      assert.deepEqual((await f.replica.search('mimoids')).map((h) => h.noteId), [n.noteId]);
      assert.deepEqual((await f.replica.search('note.content *=* "planet of"')).map((h) => h.noteId), [n.noteId]);
      // over 64 KiB: not kept in memory, read from SQL for the query
      const big = await f.replica.createNote({ parentNoteId: f.id.books, title: 'Big', content: `<p>${'filler '.repeat(12000)}gravitation</p>` });
      assert.deepEqual((await f.replica.search('gravitation')).map((h) => h.noteId), [big.noteId]);
      assert.deepEqual((await f.replica.search('gravitation mimoids')).map((h) => h.noteId), []);
      await f.replica.setNoteContent(big.noteId, '<p>short now, mimoids</p>');
      assert.deepEqual((await f.replica.search('mimoids')).map((h) => h.noteId).sort(), [n.noteId, big.noteId].sort());
      await f.replica.deleteNote(n.noteId);
      await f.replica.deleteNote(big.noteId);
      assert.deepEqual(await f.replica.search('mimoids'), []);
    });
  });

  describe('the index follows inheritance changes', () => {
    it('an inheritable #archived added and removed, a template value changed, a note moved under another parent', async () => {
      await same('#project', ['projects', 'alpha', 'alphaTasks']);
      const arch = await f.replica.addAttribute(f.id.projects, 'label', 'archived', '', true);
      await same('#project', []);
      await f.replica.deleteAttribute(arch);
      await same('#project', ['projects', 'alpha', 'alphaTasks']);
      const status = (await f.replica.getAttributes(f.id.taskTemplate)).find((a) => a.name === 'taskStatus')!;
      await f.replica.updateAttribute(status.attributeId, 'closed');
      await same('#taskStatus = closed', ['taskTemplate', 'taskOne']);
      await f.replica.updateAttribute(status.attributeId, 'open');
      const [branch] = await f.replica.getParentBranches(f.id.taskOne);
      const moved = await f.replica.moveBranch(branch.branchId, f.id.alpha);
      await same('#project', ['projects', 'alpha', 'alphaTasks', 'taskOne']);
      await same('note.ancestors.title = projects #taskStatus', ['taskOne']);
      await f.replica.moveBranch(moved, 'root');
      await same('#project', ['projects', 'alpha', 'alphaTasks']);
    });
  });

  describe('syntax errors point at the token', () => {
    const fails = async (query: string, token: string) => {
      await assert.rejects(f.replica.search(query), (e: unknown) => {
        assert.ok(e instanceof SearchSyntaxError, String(e));
        assert.equal(e.token, token, e.message);
        assert.equal(query.slice(e.position, e.position + token.length).toLowerCase(), token.toLowerCase());
        assert.ok(e.message.includes(`"${token}"`), e.message);
        return true;
      });
    };
    it('rejects what the grammar does not accept', async () => {
      await fails('#book and or #year', 'or');
      await fails('note.foo = 1', 'foo');
      await fails('#a and #b or #c', 'or');
      await fails('#book and (#year = 1954', '(');
      await fails('#book )', ')');
      await fails('~author = x', '=');
      await fails('#book orderBy foo', 'foo');
      await fails('#year = #genre', '#genre');
      await fails('#book not #year', '#year');
      await fails('#book limit x', 'x');
      await fails('note.content > 5', '>');
    });
    it('a missing value points at the end of the query', async () => {
      await assert.rejects(f.replica.search('#year >'), (e: unknown) => e instanceof SearchSyntaxError && e.position === 7);
    });
    it('an invalid regular expression is a syntax error', async () => {
      await assert.rejects(f.replica.search('#genre %= "(["'), SearchSyntaxError);
    });
  });
});
