// The recent notes list: most recent first, bounded, deleted notes drop out, stored lists are checked.
import * as assert from 'assert';
import { parseRecent, touchRecent, withoutMissing, type RecentNote } from '../../../src/daily/recentNotesList';

const ids = (list: RecentNote[]) => list.map((r) => r.noteId);

describe('recent notes list', () => {
  it('puts the note opened or saved last first, once', () => {
    let list: RecentNote[] = [];
    list = touchRecent(list, 'a', 1);
    list = touchRecent(list, 'b', 2);
    list = touchRecent(list, 'c', 3);
    assert.deepStrictEqual(ids(list), ['c', 'b', 'a']);
    list = touchRecent(list, 'a', 4);
    assert.deepStrictEqual(list, [{ noteId: 'a', at: 4 }, { noteId: 'c', at: 3 }, { noteId: 'b', at: 2 }]);
  });

  it('keeps at most the limit, dropping the oldest', () => {
    let list: RecentNote[] = [];
    for (let i = 0; i < 60; i++) list = touchRecent(list, `n${i}`, i);
    assert.strictEqual(list.length, 50);
    assert.strictEqual(list[0].noteId, 'n59');
    assert.strictEqual(list[49].noteId, 'n10');
    assert.deepStrictEqual(ids(touchRecent(list, 'x', 100, 3)), ['x', 'n59', 'n58']);
  });

  it('drops notes that no longer exist', () => {
    const list = [{ noteId: 'a', at: 3 }, { noteId: 'b', at: 2 }, { noteId: 'c', at: 1 }];
    assert.deepStrictEqual(ids(withoutMissing(list, new Set(['a', 'c']))), ['a', 'c']);
  });

  it('reads a stored list defensively: wrong shapes ignored, duplicates once, newest first', () => {
    assert.deepStrictEqual(parseRecent(undefined), []);
    assert.deepStrictEqual(parseRecent('x'), []);
    const parsed = parseRecent([{ noteId: 'a', at: 1 }, null, { noteId: 'b', at: 5 }, { noteId: 'a', at: 9 }, { noteId: 7, at: 2 }, { noteId: 'c' }]);
    assert.deepStrictEqual(parsed, [{ noteId: 'b', at: 5 }, { noteId: 'a', at: 1 }]);
  });
});
