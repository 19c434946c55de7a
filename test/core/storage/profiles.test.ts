import { strict as assert } from 'node:assert';
import { createReplica, getProfile, openReplica, supportedSyncVersions } from '../../../src/storage';
import { isTriliumError } from '../../../src/sync/errors';
import { cleanupDirs, rawAll, tempDir } from './helpers';

describe('storage: schema profiles', () => {
  after(cleanupDirs);

  it('supports 32 to 41 and names them in the error for anything else', () => {
    assert.deepEqual(supportedSyncVersions(), [32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
    for (const v of [31, 42, 0, 36.5]) {
      assert.throws(() => getProfile(v), (e: unknown) =>
        isTriliumError(e, 'UNSUPPORTED_VERSION') && e.message.includes(String(v)) && e.message.includes('32–41'));
    }
  });

  it('columns differ exactly where the versions differ', () => {
    const cols = (v: number, t: string) => getProfile(v).tables[t].columns.map((c) => c.name);
    for (const v of [32, 33, 34, 35, 36, 37]) {
      assert.ok(!cols(v, 'blobs').includes('textRepresentation'));
      assert.ok(!cols(v, 'revisions').includes('description'));
      assert.deepEqual(cols(v, 'notes'), cols(36, 'notes'));
    }
    assert.ok(cols(38, 'blobs').includes('textRepresentation'));
    assert.ok(!cols(38, 'revisions').includes('description'));
    for (const v of [39, 40, 41]) assert.ok(cols(v, 'revisions').includes('description') && cols(v, 'revisions').includes('source'));
    assert.ok(!getProfile(40).syncedEntityNames.includes('flashcards'));
    assert.ok(getProfile(41).syncedEntityNames.includes('flashcards'));
    assert.ok(getProfile(41).syncedEntityNames.includes('flashcard_reviews'));
  });

  it('a replica stores its version and gets the profile\'s tables back on open', async () => {
    const dir = tempDir();
    const r = await createReplica(dir, { syncVersion: 38, kind: 'empty' });
    assert.equal(r.syncVersion, 38);
    await r.close();
    const cols = (await rawAll(dir, "SELECT name FROM pragma_table_info('blobs')")).map((x) => x.name);
    assert.deepEqual(cols, ['blobId', 'content', 'dateModified', 'utcDateModified', 'textRepresentation']);
    const meta = await rawAll(dir, "SELECT value FROM replica_meta WHERE name = 'syncVersion'");
    assert.equal(meta[0].value, '38');
    const again = await openReplica(dir);
    assert.equal(again.syncVersion, 38);
    await again.close();
  });

  it('create fails with REPLICA_EXISTS, open with NO_REPLICA', async () => {
    const dir = tempDir();
    await assert.rejects(openReplica(dir), (e: unknown) => isTriliumError(e, 'NO_REPLICA'));
    const r = await createReplica(dir, { syncVersion: 36, kind: 'empty' });
    await r.close();
    await assert.rejects(createReplica(dir, { syncVersion: 36, kind: 'empty' }), (e: unknown) => isTriliumError(e, 'REPLICA_EXISTS'));
    await assert.rejects(createReplica(tempDir(), { syncVersion: 99, kind: 'empty' }), (e: unknown) => isTriliumError(e, 'UNSUPPORTED_VERSION'));
  });
});
