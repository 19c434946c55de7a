// Pure UI logic: the note picker's filtering, drag-and-drop plans, the status bar text, HTML sanitizing.
import * as assert from 'assert';
import { buildNoteIndex, filterNotes, NoteIndexCache } from '../../../src/commands/notePicker';
import { sanitizeNoteHtml } from '../../../src/preview/sanitize';
import { shownDateTime, statusView, timeAgo } from '../../../src/statusBar/statusText';
import { TriliumError } from '../../../src/sync/errors';
import { planDrop } from '../../../src/treeView/dropPlan';

describe('UI logic', () => {
  it('filters notes: title prefix first, then title substring, then parent title', () => {
    const index = buildNoteIndex([
      { noteId: '1', title: 'Garden notes', type: 'text', parentTitle: 'Home' },
      { noteId: '2', title: 'My garden', type: 'text', parentTitle: 'Home' },
      { noteId: '3', title: 'Seeds', type: 'text', parentTitle: 'Garden planner' },
      { noteId: '4', title: 'Other', type: 'text', parentTitle: null },
    ]);
    assert.deepStrictEqual(filterNotes(index, 'garden').map((n) => n.noteId), ['1', '2', '3']);
    assert.deepStrictEqual(filterNotes(index, '').map((n) => n.noteId), ['1', '2', '3', '4']);
    assert.deepStrictEqual(filterNotes(index, 'GARDEN', 1).map((n) => n.noteId), ['1']);
  });

  it('plans drops: sibling → reorder before it; other note → move into it; never into its own subtree', () => {
    const a = { branchId: 'ba', noteId: 'a', parentNoteId: 'p' };
    const b = { branchId: 'bb', noteId: 'b', parentNoteId: 'p' };
    const c = { branchId: 'bc', noteId: 'c', parentNoteId: 'p' };
    const siblings = [a, b, c];
    assert.deepStrictEqual(planDrop(c, a, siblings, []), { kind: 'reorder', parentNoteId: 'p', branchIdsInOrder: ['bc', 'ba', 'bb'] });
    const x = { branchId: 'bx', noteId: 'x', parentNoteId: 'q' };
    assert.deepStrictEqual(planDrop(a, x, [], ['root', 'q', 'x']), { kind: 'move', branchId: 'ba', newParentNoteId: 'x' });
    const child = { branchId: 'bk', noteId: 'k', parentNoteId: 'a' };
    assert.strictEqual(planDrop(a, child, [], ['root', 'p', 'a', 'k']).kind, 'none');
    assert.strictEqual(planDrop(a, a, siblings, []).kind, 'none');
    assert.deepStrictEqual(planDrop(a, undefined, [], []), { kind: 'move', branchId: 'ba', newParentNoteId: 'root' });
  });

  it('status bar text for each sync state, with conflicts', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const ctx = { serverUrl: 'https://t.example', syncVersion: 39, conflicts: 0, now };
    assert.match(statusView({ kind: 'idle', lastSyncedAt: new Date('2026-11-25T11:55:00Z'), pendingChanges: 0 }, ctx, null).text, /synced 5 min ago/);
    const syncing = statusView({ kind: 'syncing', phase: 'pull', pulled: 1200, pushed: 0, outstandingPullCount: 300 }, ctx, null);
    assert.match(syncing.text, /syncing \(pulled 1200, outstanding 300\)/);
    assert.doesNotMatch(syncing.text, /~spin/, 'no animated icon for the length of a sync');
    const offline = statusView({ kind: 'offline', error: new TriliumError('CONNECTION_REFUSED', 'Refused.'), nextAttemptAt: null }, ctx, null);
    assert.match(offline.text, /offline/);
    assert.strictEqual(offline.severity, 'warning');
    const error = statusView({ kind: 'error', error: new TriliumError('WRONG_PASSWORD', 'Wrong.', 'Set up again.'), nextAttemptAt: null }, ctx, null);
    assert.strictEqual(error.severity, 'error');
    assert.match(error.tooltip, /Wrong\. Set up again\./);
    const conflicts = statusView({ kind: 'idle', lastSyncedAt: now, pendingChanges: 0 }, { ...ctx, conflicts: 2 }, now);
    assert.match(conflicts.text, /\$\(warning\) 2$/);
    assert.match(conflicts.tooltip, /Server: https:\/\/t\.example\nSync version: 39\nLast sync: /);
    const at = new Date(2026, 2, 8, 9, 5, 7);
    assert.strictEqual(shownDateTime(at), '2026-03-08 09:05:07', 'local time, without ICU date formats');
    assert.match(statusView({ kind: 'idle', lastSyncedAt: at, pendingChanges: 0 }, { ...ctx, now: at }, at).tooltip, /\nLast sync: 2026-03-08 09:05:07 \(just now\)/);
    const retry = statusView({ kind: 'offline', error: new TriliumError('CONNECTION_REFUSED', 'Refused.'), nextAttemptAt: at }, ctx, null);
    assert.match(retry.tooltip, /\nNext attempt: 09:05:07$/);
    assert.strictEqual(timeAgo(new Date(now.getTime() - 3 * 3600_000), now), '3 h ago');
  });

  it('sanitizes note HTML: no scripts, handlers or javascript: links; internal links and images resolved', () => {
    const { html, refs } = sanitizeNoteHtml(
      '<p onclick="x()">Hi <a href="#root/abc/def1">l</a> <a href="javascript:alert(1)">j</a><script>alert(1)</script>' +
      '<img src="api/images/img1/a.png"><img src="https://evil.example/x.png"><iframe src="x"></iframe></p>',
      (r) => (r.id === 'img1' ? 'data:image/png;base64,AA' : undefined));
    assert.doesNotMatch(html, /script|onclick|javascript:|iframe|evil/);
    assert.match(html, /data-note-id="def1"/);
    assert.match(html, /src="data:image\/png;base64,AA"/);
    assert.deepStrictEqual([...refs.noteLinks], ['def1']);
  });

  it('sanitizes an include-note section: lists the included note and shows what the caller resolved for it', () => {
    const html = '<p>A</p><section class="include-note" data-note-id="inc1" data-box-size="medium" onclick="x()">&nbsp;</section><section class="include-note" data-note-id="gone">&nbsp;</section>';
    const { html: shown, refs } = sanitizeNoteHtml(html, () => undefined, (id) => (id === 'inc1' ? '<p>Included <a href="#" data-note-id="x1">link</a></p>' : undefined));
    assert.deepStrictEqual(refs.includes, ['inc1', 'gone']);
    assert.strictEqual(shown, '<p>A</p><section class="include-note"><p>Included <a href="#" data-note-id="x1">link</a></p></section><section class="include-note">&nbsp;</section>');
  });
});

describe('Open Note… index cache', () => {
  it('builds once, then patches renamed, new and deleted notes without listing everything again', async () => {

    const notes = new Map([
      ['a', { noteId: 'a', title: 'Alpha', type: 'text', isDeleted: 0 }],
      ['b', { noteId: 'b', title: 'Beta', type: 'text', isDeleted: 0 }],
    ]);
    let listed = 0;
    const cache = new NoteIndexCache({
      listAllNotes: async () => {
        listed++;
        return [...notes.values()].filter((n) => !n.isDeleted).map((n) => ({ noteId: n.noteId, title: n.title, type: n.type, parentTitle: null }));
      },
      getNote: async (id) => notes.get(id) ?? null,
      getParentBranches: async () => [{ parentNoteId: 'root' }],
    });
    assert.deepStrictEqual(filterNotes(await cache.get(), 'alpha').map((n) => n.noteId), ['a']);
    notes.set('a', { noteId: 'a', title: 'Aardvark', type: 'text', isDeleted: 0 });
    notes.set('c', { noteId: 'c', title: 'Alpine', type: 'code', isDeleted: 0 });
    notes.set('b', { noteId: 'b', title: 'Beta', type: 'text', isDeleted: 1 });
    cache.noteChanged(['a', 'b', 'c']);
    const index = await cache.get();
    assert.deepStrictEqual(filterNotes(index, 'a').map((n) => n.title).sort(), ['Aardvark', 'Alpine']);
    assert.deepStrictEqual(filterNotes(index, 'beta'), []);
    assert.strictEqual(listed, 1, 'listed once');
    cache.noteChanged(Array.from({ length: NoteIndexCache.PATCH_LIMIT + 1 }, (_, i) => `n${i}`));
    await cache.get();
    assert.strictEqual(listed, 2, 'a big change rebuilds instead');
  });
});
