// The end of an initial pull into a replica in a worker thread: pages handed over as JSON text and parsed in the
// worker, and both sides' hashes taken while the replica finishes its load (used only while still current).
import { strict as assert } from 'node:assert';
import { createReplicaOn } from '../../../src/storage';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { systemClock } from '../../../src/storage/types';
import { recordsOfPages } from '../../../src/storage/worker/pageJson';
import { readPageTail } from '../../../src/sync/changedPageTail';
import { isTriliumError } from '../../../src/sync/errors';
import { createTransport, type Transport } from '../../../src/sync/http/transport';
import { ProtocolClient } from '../../../src/sync/protocolClient';
import { generateNotes } from '../../../src/sync/server/generateDocument';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { PASSWORD, TempDirs, engineFor, quietLogger, startServer, watchingTransport } from './helpers';

const bytes = (text: string) => Buffer.from(text, 'utf8');
/** The text in pieces of `size` bytes, as a body arrives. */
const pieces = (text: string, size = 7) => {
  const b = bytes(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('sync: the tail of an initial pull into a worker', function () {
  this.timeout(240_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  const replicas: ReplicaApi[] = [];

  before(async () => {
    server = await startServer(dirs);
    // ~12k entity changes: pages of ~1000 records, well past the size that stays JSON text, and a pull large
    // enough to ask for the server's hashes early
    await generateNotes(server.replica!, { noteCount: 4000 });
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.close();
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  describe('the cursor at the end of a page', () => {
    it('reads both numbers when they close the body, as Trilium and our server write them', () => {
      assert.deepEqual(readPageTail(pieces('{"entityChanges":[{"entityChange":{"id":7}}],"lastEntityChangeId":4714,"outstandingPullCount":12}')),
        { lastEntityChangeId: 4714, outstandingPullCount: 12 });
      assert.deepEqual(readPageTail(pieces('{"entityChanges":[] , "lastEntityChangeId" : 3,\n "outstandingPullCount": 0 }\n')),
        { lastEntityChangeId: 3, outstandingPullCount: 0 });
    });

    it('gives up on any other shape (the page is then parsed where it arrived)', () => {
      assert.equal(readPageTail(pieces('{"lastEntityChangeId":3,"outstandingPullCount":0,"entityChanges":[]}')), undefined);
      assert.equal(readPageTail(pieces('{"entityChanges":[],"outstandingPullCount":0,"lastEntityChangeId":3}')), undefined);
      assert.equal(readPageTail(pieces('{"entityChanges":[],"lastEntityChangeId":-3,"outstandingPullCount":0}')), undefined);
      assert.equal(readPageTail(pieces('{"entityChanges":[],"lastEntityChangeId":99999999999999999999,"outstandingPullCount":0}')), undefined);
      assert.equal(readPageTail(pieces('<html>"lastEntityChangeId":3,"outstandingPullCount":0}</html>')), undefined);
    });

    it('is checked against the parsed page in the worker: another cursor or a broken body is an error', () => {
      const body = '{"entityChanges":[{"entityChange":{"id":1,"entityName":"notes"}},{"entityChange":{"id":2}}],"lastEntityChangeId":2,"outstandingPullCount":0}';
      const two = recordsOfPages([{ json: pieces(body), lastEntityChangeId: 2 }, { json: pieces(body), lastEntityChangeId: 2 }]);
      assert.deepEqual(two.map((r) => r.entityChange.id), [1, 2, 1, 2]);
      assert.throws(() => recordsOfPages([{ json: pieces(body), lastEntityChangeId: 3 }]), (e: unknown) => isTriliumError(e, 'PROTOCOL'));
      assert.throws(() => recordsOfPages([{ json: pieces(body.slice(0, 60)), lastEntityChangeId: 2 }]), (e: unknown) => isTriliumError(e, 'NOT_JSON'));
      assert.throws(() => recordsOfPages([{ json: pieces('{"lastEntityChangeId":2}'), lastEntityChangeId: 2 }]), (e: unknown) => isTriliumError(e, 'PROTOCOL'));
    });
  });

  /**
   * An empty replica in a worker, as setupFromServer makes one, with a count of the pages it got as JSON text and of
   * the times it hashed its sectors.
   */
  async function emptyWorkerReplica(): Promise<{ replica: ReplicaApi; jsonPages: () => number; hashings: () => number }> {
    const seed = await new ProtocolClient(createTransport({}), server.url, systemClock, quietLogger).getSeed(PASSWORD);
    const replica = await createReplicaOn('worker', await dirs.make('trilium-tail-'), { syncVersion: seed.syncVersion, kind: 'empty' });
    replicas.push(replica);
    await replica.setOption('documentId', seed.documentId, false);
    await replica.setOption('documentSecret', seed.documentSecret, false);
    let pages = 0;
    const apply = replica.applyPagesJson!.bind(replica);
    assert.ok(apply, 'a replica in a worker takes pages as JSON text');
    replica.applyPagesJson = (list, opts, cursor) => {
      pages += list.length;
      return apply(list, opts, cursor);
    };
    let hashings = 0;
    const sectorHashes = replica.sectorHashes.bind(replica);
    replica.sectorHashes = () => {
      hashings++;
      return sectorHashes();
    };
    return { replica, jsonPages: () => pages, hashings: () => hashings };
  }

  const engineOn = (replica: ReplicaApi, transport: Transport) => engineFor(replica, server.url, { transport });

  it('applies the pages parsed in the worker, and each side hashes once, while the replica builds its indexes', async () => {
    const { replica, jsonPages, hashings } = await emptyWorkerReplica();
    const watch = watchingTransport();
    const result = await engineOn(replica, watch.transport).sync();
    assert.equal(result.hashCheck, 'passed');
    assert.equal(result.rounds, 1);
    assert.ok(result.pulled > 10_000, `pulled ${result.pulled}`);
    assert.ok(jsonPages() >= 10, `${jsonPages()} pages went to the worker as JSON text`);
    assert.equal(watch.count('GET /api/sync/check'), 1, 'the early answer was used');
    assert.equal(hashings(), 1, 'the early local hashes were used');
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
    assert.equal((await replica.counts()).notes, (await server.replica!.counts()).notes);
    assert.equal(await replica.getCursor('lastSyncedPull'), await server.replica!.maxSyncedEntityChangeId());
  });

  it('does not use an early answer the pull moved past: another round asks again, and passes', async () => {
    const { replica, hashings } = await emptyWorkerReplica();
    let late: string | undefined;
    let changed: Promise<void> | undefined;
    const watch = watchingTransport(async (req, n) => {
      if (req.url.includes('/api/sync/check') && n === 1) {
        // after the server answered: a change the early hashes do not cover, which the second pull then brings
        changed = (async () => {
          late = (await server.replica!.createNote({ parentNoteId: 'root', title: 'written after the early check' })).noteId;
        })();
        await changed;
      }
    }, async (req) => {
      if (req.url.includes('/api/sync/changed') && watch.count('GET /api/sync/check') > 0) await changed;
    });
    const result = await engineOn(replica, watch.transport).sync();
    assert.equal(result.hashCheck, 'passed');
    // the second pull brought the late change, which makes another round in any case (as without an early answer)
    assert.equal(result.rounds, 2);
    assert.equal(watch.count('GET /api/sync/check'), 2, 'the early answer was stale and the next round asked again');
    assert.equal(hashings(), 3, 'the early local hashes, stale too, were taken again in round 1, then in round 2');
    assert.ok(late);
    assert.equal((await replica.getNote(late))?.title, 'written after the early check');
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
  });

  it('does not pass on early local hashes when a note is edited here after them: another round pushes it', async () => {
    const { replica, hashings } = await emptyWorkerReplica();
    let edited: string | undefined;
    const watch = watchingTransport(undefined, async (req) => {
      // after the push and the second pull, before the check: an edit the early local hashes do not cover
      if (req.url.includes('/api/sync/finished') && !edited) {
        edited = (await replica.createNote({ parentNoteId: 'root', title: 'written after the early local hashes' })).noteId;
      }
    });
    const result = await engineOn(replica, watch.transport).sync();
    assert.equal(result.hashCheck, 'passed');
    assert.equal(result.rounds, 2);
    assert.ok(edited);
    assert.equal((await server.replica!.getNote(edited))?.title, 'written after the early local hashes');
    assert.ok(hashings() >= 2, `hashed ${hashings()} times`);
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
  });
});
