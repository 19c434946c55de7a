// Issue 16: the notification after the replica followed an upgraded server.
import { strict as assert } from 'node:assert';
import { migrationNotice } from '../../../src/setup/migrationNotice';
import type { ReplicaMigration } from '../../../src/storage/migrations/report';

const m: ReplicaMigration = {
  fromSyncVersion: 36, toSyncVersion: 39, fromReleases: 'TriliumNext 0.95–0.102', toReleases: 'TriliumNext 0.103',
  fromDbVersion: 234, toDbVersion: 238, steps: [], backupFile: null, unsyncedChangesKept: 3, removedNoteIds: [], durationMs: 5,
};

describe('ui: migration notice (issue 16)', () => {
  it('names both release families and versions, and the kept changes', () => {
    assert.equal(migrationNotice(m),
      'Trilium: the sync server was upgraded from TriliumNext 0.95–0.102 to TriliumNext 0.103 (sync version 36 → 39); the local copy followed. 3 unsynced changes were kept and pushed.');
    assert.match(migrationNotice({ ...m, unsyncedChangesKept: 1 }), /1 unsynced change was kept/);
    assert.match(migrationNotice({ ...m, unsyncedChangesKept: 0 }), /followed\.$/);
  });
});
