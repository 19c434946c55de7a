// The words and addresses the conflict UI uses: pure functions, no VS Code.
import assert from 'node:assert/strict';
import type { ConflictRecord } from '../../../src/storage/types';
import {
  conflictDescription, conflictExplanation, detailsParentIds, detailsSide, hasRestorableRevision, relativeTime, syncConflictsMessage,
} from '../../../src/conflicts/describe';
import { currentNoteExtension, presentContent } from '../../../src/conflicts/present';
import { conflictDetailsPath, parseRevisionPath, revisionContentPath, revisionTitlePath } from '../../../src/conflicts/revisionUri';

function conflict(over: Partial<ConflictRecord> = {}): ConflictRecord {
  return {
    conflictId: 7, noteId: 'abcDEF123456', entityName: 'notes', entityId: 'abcDEF123456', kind: 'content', loser: 'local',
    localUtcDateChanged: '2026-03-01 10:01:00.000Z', remoteUtcDateChanged: '2026-03-01 10:02:00.000Z',
    revisionId: 'rev000000001', details: null, utcDateDetected: '2026-03-01 10:05:00.000Z', resolved: 0, ...over,
  };
}

describe('conflicts: descriptions and revision addresses', () => {
  const now = new Date('2026-03-01T10:10:00.000Z');

  it('says what conflicted, who lost and when', () => {
    assert.equal(conflictDescription(conflict(), now), 'content · yours lost · 5 min ago');
    assert.equal(conflictDescription(conflict({ kind: 'title+content', loser: 'remote' }), now), 'title and content · theirs lost · 5 min ago');
    assert.equal(conflictDescription(conflict({ kind: 'delete-vs-edit' }), now), 'delete vs edit · yours lost · 5 min ago');
    assert.equal(relativeTime('2026-03-01 10:09:50.000Z', now), 'just now');
    assert.equal(relativeTime('2026-02-27 10:10:00.000Z', now), '2 days ago');
    assert.equal(relativeTime('2026-01-01 10:10:00.000Z', now), '2026-01-01');
    assert.equal(relativeTime('garbage', now), 'unknown time');
  });

  it('explains where the losing side is kept', () => {
    assert.match(conflictExplanation(conflict(), 'My note'), /newer change from another instance replaced your change[\s\S]*kept as a note revision/);
    assert.match(conflictExplanation(conflict({ kind: 'move', revisionId: null, details: '{}' , loser: 'remote' }), null), /^abcDEF123456: moved on both sides\.\nYour change here was newer[\s\S]*Both versions are recorded/);
  });

  it('only offers a restore where a revision holds the losing title or content', () => {
    assert.equal(hasRestorableRevision(conflict()), true);
    assert.equal(hasRestorableRevision(conflict({ revisionId: null })), false);
    assert.equal(hasRestorableRevision(conflict({ kind: 'move', revisionId: null })), false);
  });

  it('words the notification for one and for several conflicts', () => {
    assert.equal(syncConflictsMessage([conflict()], () => 'Plan'),
      'Sync conflict on "Plan" (content): your version lost. Nothing was lost: the losing version is kept as a revision.');
    assert.match(syncConflictsMessage([conflict(), conflict({ conflictId: 8 })], () => 'x'), /^Sync found 2 conflicts\./);
  });

  it('shows one side of recorded details as JSON', () => {
    const details = JSON.stringify({ local: { parentNoteId: 'P2' }, remote: { parentNoteId: 'P3' } });
    assert.equal(detailsSide(details, 'local'), '{\n  "parentNoteId": "P2"\n}\n');
    assert.equal(detailsSide(details, 'remote'), '{\n  "parentNoteId": "P3"\n}\n');
    assert.equal(detailsSide(details, 'remote', { P3: 'Projects' }), '{\n  "parentTitle": "Projects",\n  "parentNoteId": "P3"\n}\n');
    assert.deepEqual(detailsParentIds(details), ['P2', 'P3']);
    assert.equal(detailsSide(null, 'local'), null);
    assert.equal(detailsSide('not json', 'local'), 'not json');
  });

  it('builds and parses trilium-revision paths', () => {
    const content = revisionContentPath('n1', 'r1', 'A/B: plan?', 'md');
    assert.equal(content, '/n1/r1/A_B_ plan_.md');
    assert.deepEqual(parseRevisionPath(content), { kind: 'content', noteId: 'n1', revisionId: 'r1', ext: 'md' });
    assert.deepEqual(parseRevisionPath(revisionTitlePath('n1', 'current', 'T')), { kind: 'title', noteId: 'n1', revisionId: 'current' });
    assert.deepEqual(parseRevisionPath(conflictDetailsPath('n1', 12, 'remote')), { kind: 'details', noteId: 'n1', conflictId: 12, side: 'remote' });
    assert.equal(parseRevisionPath('/n1/conflict-3/other.json'), null);
    assert.equal(parseRevisionPath('/only-one-part'), null);
  });

  it('presents revision content the way the note editor presents the note', () => {
    const html = '<p>Hello <strong>world</strong></p>';
    assert.equal(currentNoteExtension({ type: 'text', mime: 'text/html', title: 't' }, html), 'md');
    assert.equal(presentContent('text', 'md', html), 'Hello **world**\n');
    assert.equal(presentContent('text', 'html', html), html);
    assert.equal(currentNoteExtension({ type: 'code', mime: 'application/json', title: 't' }, '{}'), 'json');
    assert.equal(presentContent('code', 'json', Buffer.from('{"a":1}')), '{"a":1}');
    assert.equal(presentContent('image', 'png', Buffer.alloc(10)), '(binary content, 10 bytes)\n');
    const embed = '<section class="include-note" data-note-id="abc123" data-box-size="small">&nbsp;</section>';
    assert.equal(presentContent('text', 'md', embed, new Map([['abc123', 'Shopping']])), '![Shopping](#root/abc123){.include-note size=small}\n');
  });
});
