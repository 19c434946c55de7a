// The end of a sync round: what the second pull brings from the server is not a local change to push.
import { strict as assert } from 'node:assert';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import type { HttpRequest, Transport } from '../../../src/sync/http/transport';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { TempDirs, engineFor, newClient, routeOf, startServer, watchingTransport } from './helpers';

describe('sync: the end of a round', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  const replicas: ReplicaApi[] = [];

  beforeEach(async () => {
    server = await startServer(dirs);
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.close();
    await server.close();
    await dirs.cleanup();
  });

  /** A transport that runs `afterResponse` once a request on `route` has been answered. */
  const actingTransport = (route: string, afterResponse: (req: HttpRequest) => Promise<void>): Transport =>
    watchingTransport(async (req) => {
      if (routeOf(req) === route) await afterResponse(req);
    }).transport;

  it('passes in one round when the server changed during the push, and leaves nothing counted as unsent', async () => {
    const client = await newClient(dirs, server);
    replicas.push(client.replica);
    const own = await client.replica.createNote({ parentNoteId: 'root', title: 'written here' });
    let serverNote: string | undefined;
    const engine = engineFor(client.replica, server.url, { transport: actingTransport('PUT /api/sync/update', async () => {
      if (!serverNote) serverNote = (await server.replica!.createNote({ parentNoteId: 'root', title: 'written on the server meanwhile' })).noteId;
    }) });

    const result = await engine.sync();

    assert.equal(result.hashCheck, 'passed');
    assert.ok(serverNote, 'the server changed while the client pushed');
    assert.equal(result.rounds, 1, 'the second pull brought only the server\'s rows, which are never pushed back');
    assert.equal((await client.replica.getNote(serverNote))?.title, 'written on the server meanwhile');
    assert.equal((await server.replica!.getNote(own.noteId))?.title, 'written here');
    const pushCursor = await client.replica.getCursor('lastSyncedPush');
    assert.equal(await client.replica.hasUnsentChanges(pushCursor), 0, 'the status bar and `status` show nothing pending');
    assert.equal(pushCursor, await client.replica.maxSyncedEntityChangeId());
  });

  it('still takes another round for an own change written after the push, and pushes it', async () => {
    // written once the round has pushed and pulled again, while the hashes are compared
    const client = await newClient(dirs, server);
    replicas.push(client.replica);
    await client.replica.createNote({ parentNoteId: 'root', title: 'first' });
    let late: string | undefined;
    const engine = engineFor(client.replica, server.url, { transport: actingTransport('POST /api/sync/finished', async () => {
      if (!late) late = (await client.replica.createNote({ parentNoteId: 'root', title: 'written here at the round\'s end' })).noteId;
    }) });

    const result = await engine.sync();

    assert.equal(result.hashCheck, 'passed');
    assert.equal(result.rounds, 2);
    assert.ok(late);
    assert.equal((await server.replica!.getNote(late))?.title, 'written here at the round\'s end');
    assert.equal(await client.replica.hasUnsentChanges(await client.replica.getCursor('lastSyncedPush')), 0);
  });
});
