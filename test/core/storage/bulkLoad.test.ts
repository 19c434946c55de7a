// Initial sync into an empty replica: loaded without secondary indexes, which come back (deduplicated) after.
import { strict as assert } from 'node:assert';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createReplica, DB_FILE, getProfile, Replica } from '../../../src/storage';
import type { EntityChange, SyncRecord } from '../../../src/storage/types';
import { isTriliumError } from '../../../src/sync/errors';
import { cleanupDirs, newDoc, pullAll, rawAll, tempDir, TestClock } from './helpers';

const indexes = async (dir: string) =>
  (await rawAll(dir, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'IDX_%' ORDER BY name")).map((r) => r.name);

describe('storage: initial bulk load', function () {
  this.timeout(180_000);
  after(cleanupDirs);

  it('drops the secondary indexes for the load and rebuilds them after; the result equals the server', async () => {
    const clock = new TestClock();
    const server = await newDoc(39, clock);
    for (let i = 0; i < 30; i++) {
      const { noteId } = await server.createNote({ parentNoteId: 'root', title: `n${i}`, content: `<p>${i}</p>` });
      if (i % 3 === 0) await server.addAttribute(noteId, 'label', 'iconClass', 'bx bx-x');
    }
    const dir = tempDir();
    const client = await createReplica(dir, { syncVersion: 39, kind: 'empty', clock });
    const all = await indexes(dir);
    assert.ok(all.includes('IDX_entity_changes_entityName_entityId'));
    const first = await server.getChangedForPull(0, client.instanceId);
    const half = first.entityChanges.slice(0, 40);
    await client.applyRecords(half, { senderInstanceId: server.instanceId }, { name: 'lastSyncedPull', value: half[half.length - 1].entityChange.id });
    assert.deepEqual(await indexes(dir), [], 'no secondary index during the load');
    await client.setOption('syncServerHost', 'http://127.0.0.1:1', false);
    assert.deepEqual(await indexes(dir), [], 'an option write does not end the load');
    // the same entity twice in the stream (it changed on the server meanwhile): the later one wins
    const renamed = half.find((x) => x.entityChange.entityName === 'notes' && x.entity!.title === 'n0')!;
    await server.renameNote(renamed.entityChange.entityId, 'n0 renamed');
    await pullAll(server, client);
    assert.deepEqual(await indexes(dir), all, 'indexes are back after the empty page');
    const dupes = await rawAll(dir, 'SELECT entityName, entityId, COUNT(*) AS n FROM entity_changes GROUP BY 1, 2 HAVING n > 1');
    assert.deepEqual(dupes, []);
    assert.equal(await client.getOption('syncServerHost'), 'http://127.0.0.1:1');
    assert.equal((await client.getNote(renamed.entityChange.entityId))!.title, 'n0 renamed');
    assert.deepEqual(await client.sectorHashes(), await server.sectorHashes());
    assert.equal((await client.getChildren('root')).length, 30);
    assert.equal((await client.searchContent('17')).length, 1, 'the search index is built after the load');
    // an ordinary apply after the load goes through §7 again: a repeated changeId is skipped
    const again = await client.applyRecords(first.entityChanges.slice(0, 5), { senderInstanceId: server.instanceId });
    assert.equal(again.applied, 0);
    await client.close();
    await server.close();
  });

  it('builds its indexes before the last pages when told: those pages keep the newest change of an entity, even across a reopen', async () => {
    const clock = new TestClock();
    const server = await newDoc(39, clock);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await server.createNote({ parentNoteId: 'root', title: `n${i}`, content: `<p>${i}</p>` })).noteId);
    const dir = tempDir();
    let client = await createReplica(dir, { syncVersion: 39, kind: 'empty', clock });
    const all = await indexes(dir);
    const page = await server.getChangedForPull(0, client.instanceId);
    const head = page.entityChanges.slice(0, 60);
    const opts = { senderInstanceId: server.instanceId };
    await client.applyRecords(head, opts, { name: 'lastSyncedPull', value: head[head.length - 1].entityChange.id });
    assert.deepEqual(await indexes(dir), []);
    await client.buildIndexesDuringBulkLoad();
    assert.deepEqual(await indexes(dir), all, 'built before the last pages');
    // a note's title and content change twice on the server: the same entities again, twice within one page
    await server.renameNote(ids[0], 'n0 renamed');
    await server.setNoteContent(ids[1], '<p>one changed</p>');
    const twice = (await server.getChangedForPull(page.entityChanges[page.entityChanges.length - 1].entityChange.id, client.instanceId)).entityChanges;
    await server.renameNote(ids[0], 'n0 renamed again');
    const rest = page.entityChanges.slice(60);
    await client.applyRecords(rest.slice(0, 10), opts, { name: 'lastSyncedPull', value: rest[9].entityChange.id });
    // the process ends here (its files as they are: closing would end the load): reopened, the load goes on indexed
    const copy = tempDir();
    for (const f of readdirSync(dir)) if (f.startsWith(DB_FILE)) copyFileSync(join(dir, f), join(copy, f));
    await client.close();
    client = await Replica.open(copy, { clock });
    assert.deepEqual(await indexes(copy), all);
    await client.applyRecords([...rest.slice(10), ...twice], opts);
    await pullAll(server, client);
    assert.deepEqual(await indexes(copy), all);
    assert.deepEqual(await rawAll(copy, 'SELECT entityName, entityId, COUNT(*) AS n FROM entity_changes GROUP BY 1, 2 HAVING n > 1'), []);
    assert.equal((await client.getNote(ids[0]))!.title, 'n0 renamed again');
    assert.deepEqual(await client.sectorHashes(), await server.sectorHashes());
    assert.equal((await client.searchContent('changed')).length, 1, 'the search index is built after the load');
    await client.close();
    await server.close();
  });

  it('a local operation during the load ends it first', async () => {
    const server = await newDoc(39);
    const dir = tempDir();
    const client = await createReplica(dir, { syncVersion: 39, kind: 'empty' });
    const page = await server.getChangedForPull(0, client.instanceId);
    await client.applyRecords(page.entityChanges, { senderInstanceId: server.instanceId });
    assert.deepEqual(await indexes(dir), []);
    await client.createNote({ parentNoteId: 'root', title: 'typed during the sync' });
    assert.ok((await indexes(dir)).length > 5);
    await client.close();
    await server.close();
  });
});

describe('storage: profile 41 (flashcards)', function () {
  after(cleanupDirs);
  const base = (n: number): EntityChange => ({
    id: n, entityName: 'flashcards', entityId: 'card00000001', hash: 'h', isErased: 0, changeId: `fc${String(n).padStart(10, '0')}`,
    componentId: 'NA', instanceId: 'srv', isSynced: 1, utcDateChanged: '2026-11-24 10:00:00.000Z',
  });
  const card: SyncRecord = {
    entityChange: base(1),
    entity: Object.fromEntries(getProfile(41).tables.flashcards.columns.map((c) => [c.name, c.name === 'stability' ? 1.5 : c.name === 'isDeleted' ? 0 : 'v'])),
  };
  card.entity!.cardId = 'card00000001';

  it('syncs flashcards on 41 and refuses them on 40', async () => {
    const r41 = await createReplica(tempDir(), { syncVersion: 41, kind: 'newDocument' });
    const res = await r41.applyRecords([card], { senderInstanceId: 'srv' });
    assert.equal(res.applied, 1);
    const [row] = await rawAll(r41.dataDir, 'SELECT stability FROM flashcards');
    assert.equal(row.stability, 1.5);
    const [rec] = await r41.buildRecords([{ ...base(1), id: 999 }]);
    assert.equal(rec.entity!.cardId, 'card00000001');
    await r41.close();
    const r40: Replica = await createReplica(tempDir(), { syncVersion: 40, kind: 'newDocument' });
    await assert.rejects(r40.applyRecords([card], { senderInstanceId: 'srv', senderSyncVersion: 41 }),
      (e: unknown) => isTriliumError(e, 'SCHEMA_MISMATCH') && /flashcards/.test(e.message) && /41/.test(e.message) && /40/.test(e.message));
    await r40.close();
  });
});
