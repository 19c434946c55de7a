// The set-up flows and two-client convergence, against our own server in-process.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { SyncProgress } from '../../../src/sync/engineApi';
import { createLocalDocument, pushToServer, setupFromServer } from '../../../src/sync/setup';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { addSampleNotes } from '../../../src/sync/server/sampleNotes';
import { PASSWORD, TempDirs, engineFor, newClient, quietLogger, snapshot, startServer, syncAll, type Client } from './helpers';

describe('sync: set-up flows and convergence', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  const servers: RunningSyncServer[] = [];
  const clients: Client[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.replica.close();
    for (const s of servers.splice(0)) await s.close();
  });
  after(() => dirs.cleanup());

  it('sets up an empty replica from a server: seed, full pull with progress, hash check passed', async () => {
    const server = await startServer(dirs, { populate: async (r) => { await addSampleNotes(r); } });
    servers.push(server);
    const progress: SyncProgress[] = [];
    const dataDir = await dirs.make();
    const { replica, result } = await setupFromServer({ dataDir, serverUrl: server.url + '/', password: PASSWORD, logger: quietLogger, onProgress: (p) => progress.push(p) });
    clients.push({ replica, engine: engineFor(replica, server.url), dataDir });
    assert.equal(result.hashCheck, 'passed');
    assert.ok(result.pulled > 10);
    assert.equal(result.pushed, 0);
    assert.ok(progress.some((p) => p.phase === 'pull' && typeof p.outstandingPullCount === 'number'));
    assert.equal(progress.filter((p) => p.phase === 'pull').at(-1)!.outstandingPullCount, 0);
    assert.equal(await snapshot(replica), await snapshot(server.replica!));
    assert.equal(await replica.getOption('documentId'), await server.replica!.getOption('documentId'));
    assert.equal(await replica.getOption('initialized'), 'true');
    const titles = (await replica.listAllNotes()).map((n) => n.title);
    assert.ok(titles.includes('Code snippets') && titles.includes('fibonacci.ts'));
    // The password options arrived by sync, as synced options.
    assert.equal(await replica.getOption('passwordVerificationHash'), await server.replica!.getOption('passwordVerificationHash'));
  });

  it('pushes a local document to an uninitialised server, which can then serve a new client', async () => {
    const server = await startServer(dirs, { uninitialised: true });
    servers.push(server);
    const dataDir = await dirs.make();
    const local = await createLocalDocument(dataDir);
    clients.push({ replica: local, engine: engineFor(local, server.url), dataDir });
    const { noteId } = await local.createNote({ parentNoteId: 'root', title: 'Written offline', content: '<p>before any server existed</p>' });
    const result = await pushToServer({ replica: local, serverUrl: server.url, password: PASSWORD, logger: quietLogger });
    assert.equal(result.hashCheck, 'passed');
    assert.ok(result.pushed > 5);
    assert.equal(await server.replica!.getOption('initialized'), 'true');
    assert.equal((await server.replica!.getNote(noteId))?.title, 'Written offline');
    const second = await newClient(dirs, server);
    clients.push(second);
    assert.equal(await snapshot(second.replica), await snapshot(local));
    // Pushing again to the now initialised server is refused with a clear error.
    await assert.rejects(pushToServer({ replica: local, serverUrl: server.url, logger: quietLogger }), { code: 'SERVER_ALREADY_INITIALIZED' });
  });

  it('two clients and the server converge after concurrent edits, moves and deletes', async () => {
    const server = await startServer(dirs, { populate: async (r) => { await addSampleNotes(r); } });
    servers.push(server);
    const a = await newClient(dirs, server);
    const b = await newClient(dirs, server);
    clients.push(a, b);
    const folder = await a.replica.createNote({ parentNoteId: 'root', title: 'Shared folder' });
    const doc = await a.replica.createNote({ parentNoteId: folder.noteId, title: 'Shared doc', content: '<p>v1</p>' });
    const doomed = await a.replica.createNote({ parentNoteId: folder.noteId, title: 'Doomed' });
    await syncAll([a, b]);
    // Concurrent: both edit the same note's content and title; a moves, b deletes another; both create.
    await a.replica.setNoteContent(doc.noteId, '<p>from A</p>');
    await b.replica.renameNote(doc.noteId, 'Renamed by B');
    await new Promise((r) => setTimeout(r, 5));
    await b.replica.setNoteContent(doc.noteId, '<p>from B (later)</p>');
    const moved = (await a.replica.getParentBranches(doomed.noteId))[0];
    await a.replica.moveBranch(moved.branchId, 'root');
    await b.replica.deleteNote(doomed.noteId);
    await a.replica.createNote({ parentNoteId: folder.noteId, title: 'New from A' });
    await b.replica.createNote({ parentNoteId: folder.noteId, title: 'New from B' });
    await syncAll([a, b]);
    const sa = await snapshot(a.replica);
    assert.equal(sa, await snapshot(b.replica));
    assert.equal(sa, await snapshot(server.replica!));
    assert.deepEqual(await a.replica.sectorHashes(), await server.replica!.sectorHashes());
    assert.deepEqual(await b.replica.sectorHashes(), await server.replica!.sectorHashes());
    // Last writer wins per entity: B's later content and B's title.
    assert.equal(String(await a.replica.getNoteContent(doc.noteId)), '<p>from B (later)</p>');
    assert.equal((await a.replica.getNote(doc.noteId))!.title, 'Renamed by B');
    const titles = (await a.replica.listAllNotes()).map((n) => n.title);
    assert.ok(titles.includes('New from A') && titles.includes('New from B'));
  });

  it('round-trips a 20 MB note and a 5 MB binary attachment byte for byte', async function () {
    this.timeout(300_000);
    const server = await startServer(dirs);
    servers.push(server);
    const a = await newClient(dirs, server);
    clients.push(a);
    const big = 'Lorem ipsum dolor sit amet, ünïcödé 😀 '.repeat(Math.ceil(20_000_000 / 40)).slice(0, 20_000_000);
    const binary = randomBytes(5 * 1024 * 1024);
    const note = await a.replica.createNote({ parentNoteId: 'root', title: 'Big', type: 'code', mime: 'text/plain', content: big });
    const attachmentId = await a.replica.addAttachment(note.noteId, { role: 'file', mime: 'application/octet-stream', title: 'blob.bin', content: binary });
    const pushed = await a.engine.sync();
    assert.equal(pushed.hashCheck, 'passed');
    const b = await newClient(dirs, server);
    clients.push(b);
    const content = await b.replica.getNoteContent(note.noteId);
    assert.equal(typeof content === 'string' ? content : content!.toString('utf8'), big);
    const att = await b.replica.getAttachmentContent(attachmentId);
    assert.ok(Buffer.isBuffer(att));
    assert.ok(binary.equals(att as Buffer));
  });
});
