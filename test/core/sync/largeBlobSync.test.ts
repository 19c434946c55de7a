// A note with a large binary blob through our real server: pushed by one replica, pulled by another, byte for
// byte; the pull page that holds it is read as it arrives (never joined into one body); a garbled or cut-short
// page fails with a clear error and writes nothing. The bytes hold what text handling would break (NUL runs, lone
// UTF-8 lead and continuation bytes, 0xFF), and every replica stores them as a BLOB.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { openConnection } from '../../../src/storage/db';
import { SyncEngine } from '../../../src/sync/engine';
import { createTransport, type BodySink, type HttpResponse, type Transport } from '../../../src/sync/http/transport';
import { SCAN_FROM_BYTES } from '../../../src/sync/recordsJsonReader';
import { replicaSecretSource } from '../../../src/sync/secrets';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { systemClock } from '../../../src/storage/types';
import { newClient, quietLogger, startServer, TempDirs, type Client } from './helpers';
import { awkwardBytes } from '../../shared/awkwardBytes';

const BLOB_BYTES = 24 * 1024 * 1024 + 7;

/** typeof(content) of the note's blob in the replica file, read by a connection of its own. */
async function storedType(dataDir: string, noteId: string): Promise<unknown> {
  const db = await openConnection(path.join(dataDir, 'document.db'), { create: false });
  try {
    return (await db.get<{ t: string }>('SELECT typeof(b.content) AS t FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE n.noteId = ?', [noteId]))?.t;
  } finally {
    await db.close();
  }
}

/** Wraps each /api/sync/changed body sink; records what every /api/sync/changed answer looked like. */
function watchingTransport(wrap?: (sink: BodySink) => BodySink) {
  const inner = createTransport({});
  const answers: Array<{ bodyBytes: number; heldBytes: number }> = [];
  const transport: Transport = {
    async request(req): Promise<HttpResponse> {
      const changed = req.url.includes('/api/sync/changed');
      const bodySink = changed && req.bodySink && wrap
        ? (status: number, headers: Record<string, string>) => {
          const sink = req.bodySink!(status, headers);
          return sink && wrap(sink);
        }
        : req.bodySink;
      const res = await inner.request({ ...req, bodySink });
      if (changed) answers.push({ bodyBytes: res.bodyBytes ?? res.body.length, heldBytes: res.body.length });
      return res;
    },
    close: () => inner.close?.(),
  };
  return { transport, answers };
}

function engineWith(client: Client, server: RunningSyncServer, transport: Transport): SyncEngine {
  return new SyncEngine(client.replica, { serverUrl: server.url, network: {} }, replicaSecretSource(client.replica), systemClock, quietLogger, { transport });
}

describe('sync: a note with a large binary blob', function () {
  this.timeout(180_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  const clients: Client[] = [];
  const bytes = awkwardBytes(BLOB_BYTES);
  let noteId: string;
  let late: Client;

  before(async () => {
    server = await startServer(dirs);
    const author = await newClient(dirs, server);
    late = await newClient(dirs, server); // set up before the blob exists: it pulls the blob in a later sync
    clients.push(author, late);
    ({ noteId } = await author.replica.createNote({ parentNoteId: 'root', title: 'video.bin', type: 'file', mime: 'application/octet-stream', content: bytes }));
    const pushed = await author.engine.sync();
    assert.equal(pushed.hashCheck, 'passed');
    assert.ok(pushed.pushed >= 3);
  });

  after(async () => {
    for (const c of clients) await c.replica.close();
    await server.close();
    await dirs.cleanup();
  });

  it('reaches the server byte for byte', async () => {
    const onServer = await server.replica!.getNoteContent(noteId);
    assert.ok(Buffer.isBuffer(onServer) && onServer.equals(bytes));
  });

  it('a cut-short page fails with NOT_JSON and writes nothing; a garbled one with PROTOCOL; the next sync gets it', async () => {
    const before = await late.replica.getCursor('lastSyncedPull');
    const cut = watchingTransport((sink) => {
      let seen = 0;
      return {
        write: (c) => {
          const keep = Math.max(0, Math.min(c.length, 20_000_000 - seen));
          seen += c.length;
          if (keep > 0) sink.write(c.subarray(0, keep));
        },
        end: () => sink.end(),
      };
    });
    await assert.rejects(engineWith(late, server, cut.transport).sync(), (e: Error & { code?: string }) => e.code === 'NOT_JSON' && /ended in the middle/.test(e.message));
    const garbled = watchingTransport((sink) => {
      let seen = 0;
      return {
        write: (c) => {
          const at = 5_000_000 - seen;
          seen += c.length;
          if (at >= 0 && at < c.length) {
            c = Buffer.from(c);
            c[at] = 0x2a; // '*'
          }
          sink.write(c);
        },
        end: () => sink.end(),
      };
    });
    await assert.rejects(engineWith(late, server, garbled.transport).sync(), (e: Error & { code?: string }) => e.code === 'PROTOCOL' && /base64/.test(e.message));
    const note = await late.replica.getNote(noteId);
    assert.ok(note === null || (await late.replica.getNoteContent(noteId)) === null, 'no content was written');
    assert.ok((await late.replica.getCursor('lastSyncedPull')) < (await server.replica!.maxSyncedEntityChangeId()));
    assert.ok((await late.replica.getCursor('lastSyncedPull')) >= before);

    const watched = watchingTransport();
    const result = await engineWith(late, server, watched.transport).sync();
    assert.equal(result.hashCheck, 'passed');
    const content = await late.replica.getNoteContent(noteId);
    assert.ok(Buffer.isBuffer(content) && content.equals(bytes));
    const big = watched.answers.filter((a) => a.bodyBytes > SCAN_FROM_BYTES);
    assert.equal(big.length, 1, 'one page held the blob');
    assert.equal(big[0].heldBytes, 0, 'the page was read as it arrived, not joined into one body');
  });

  it('a new replica pulls it in its initial sync; hashes verify on every side', async () => {
    const fresh = await newClient(dirs, server);
    clients.push(fresh);
    const content = await fresh.replica.getNoteContent(noteId);
    assert.ok(Buffer.isBuffer(content) && content.equals(bytes));
    for (const r of [server.replica!, ...clients.map((c) => c.replica)]) {
      const v = await r.verifyHashes();
      assert.deepEqual(v.mismatches, []);
    }
    for (const c of clients) assert.equal(await storedType(c.dataDir, noteId), 'blob', c.dataDir);
    assert.equal(await storedType(server.replica!.dataDir, noteId), 'blob', 'on the server');
  });
});
