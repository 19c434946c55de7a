// The replica behind a worker thread: the same ReplicaApi, typed errors and change events across the boundary,
// and a host whose event loop keeps turning while the worker applies an initial sync.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createReplicaOn, openReplica, openReplicaOn, chooseDriver } from '../../../src/storage';
import type { ReplicaChange } from '../../../src/storage/types';
import { isTriliumError } from '../../../src/sync/errors';
import { generateNotes } from '../../../src/sync/server/generateDocument';
import { startSyncServer } from '../../../src/sync/server/syncServer';
import { setupFromServer } from '../../../src/sync/setup';
import { HostStallMonitor } from '../../shared/stallMonitor';
import { quietLogger } from '../sync/helpers';
import { cleanupDirs, tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

function serveInChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'src/sync/server/main.ts'), '--data', dataDir, '--port', '0', '--password', 'pw'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(https?:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe('storage: the replica in a worker thread', function () {
  this.timeout(300_000);
  after(cleanupDirs);

  it('answers the ReplicaApi, sends change events and typed errors, and leaves a file the same thread opens', async () => {
    const dir = tempDir();
    const r = await createReplicaOn('worker', dir, { syncVersion: 39, kind: 'newDocument' });
    assert.equal(r.driver.name, chooseDriver());
    assert.match(r.driver.sqliteVersion, /^3\.\d+\.\d+$/);
    assert.match(r.instanceId, /^[A-Za-z0-9]{12}$/);
    const changes: ReplicaChange[] = [];
    r.onDidChange((c) => changes.push(c));
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'in the worker', content: '<p>hello</p>' });
    await r.setNoteContent(noteId, Buffer.from('<p>bytes</p>'));
    assert.equal(String(await r.getNoteContent(noteId)), '<p>bytes</p>');
    assert.deepEqual((await r.getChildren('root')).map((c) => c.title), ['in the worker']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(changes.some((c) => c.noteIds.has(noteId) && c.parentNoteIds.has('root')), 'a change event with Sets intact');
    await assert.rejects(r.renameNote('missingNote1', 'x'), (e: unknown) => isTriliumError(e, 'NOT_FOUND'));
    await r.close();
    await r.close();
    await assert.rejects(r.getNote(noteId), /The replica is closed/);

    const same = await openReplica(dir);
    assert.equal((await same.getNote(noteId))!.title, 'in the worker');
    await same.close();
    const again = await openReplicaOn('worker', dir);
    assert.equal((await again.getNote(noteId))!.title, 'in the worker');
    await again.close();
  });

  it('gives binary contents back as Buffers, and takes them as Buffers, across the thread boundary', async () => {
    const r = await createReplicaOn('worker', tempDir(), { syncVersion: 39, kind: 'newDocument' });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    big[0] = 0;
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'bytes', type: 'file', mime: 'application/octet-stream', content: big });
    const back = await r.getNoteContent(noteId);
    assert.ok(Buffer.isBuffer(back), 'a Buffer, not a bare Uint8Array');
    assert.ok(back.equals(big));
    assert.equal(big.length, 3 * 1024 * 1024, 'an argument the caller keeps is copied, not moved');
    const [attachment] = await Promise.all([r.addAttachment(noteId, { role: 'file', mime: 'application/pdf', title: 'a.pdf', content: Buffer.from('%PDF') })]);
    const content = await r.getAttachmentContent(attachment);
    assert.ok(Buffer.isBuffer(content) && content.toString() === '%PDF');
    await r.close();
  });

  it('reports a failure to open as the replica would', async () => {
    await assert.rejects(openReplicaOn('worker', tempDir()), (e: unknown) => isTriliumError(e, 'NO_REPLICA'));
  });

  it('keeps the host responsive while the worker applies an initial sync of 20k notes', async () => {
    const serverDir = tempDir();
    const server = await startSyncServer({ dataDir: serverDir, password: 'pw', host: '127.0.0.1', port: 0, syncVersion: 39, logger: quietLogger });
    await generateNotes(server.replica!, { noteCount: 20_000 });
    await server.close();
    const { child, url } = await serveInChild(serverDir);
    try {
      // Between two ticks of a 10 ms timer, how long the host's own thread was busy: the CPU time of this thread
      // where Node can tell it (process.threadCpuUsage, Node ≥ 23.9), else event-loop utilization (time in JavaScript,
      // which on a loaded machine also counts the time the OS ran other processes in the middle of it).
      const stalls = new HostStallMonitor();
      stalls.start();
      const started = Date.now();
      const { replica, result } = await setupFromServer({ dataDir: tempDir(), serverUrl: url, password: 'pw', logger: quietLogger, thread: 'worker' });
      const ms = Date.now() - started;
      const summary = stalls.stop();
      const threadCpu = typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function';
      const longestBusyMs = (threadCpu ? summary.mostCpu?.threadCpuMs : summary.longest?.busyMs) ?? 0;
      assert.equal(result.hashCheck, 'passed');
      assert.ok(result.pulled > 60_000, `pulled ${result.pulled}`);
      assert.ok((await replica.counts()).notes > 20_000);
      await replica.close();
      console.log(`      ${result.pulled} changes in ${ms} ms; host timer: ${summary.ticks} ticks, longest busy stretch ${longestBusyMs.toFixed(0)} ms (${threadCpu ? 'thread CPU' : 'event-loop utilization'}), longest gap ${summary.longestGapMs.toFixed(0)} ms`);
      // Loose for a loaded 2-core CI machine (looser still where only wall time is known); bench/initial-sync.mjs
      // prints the figure for the 100k-note document.
      const limitMs = threadCpu ? 100 : 250;
      assert.ok(longestBusyMs < limitMs, `the host's thread was busy for ${longestBusyMs.toFixed(0)} ms at a stretch (limit ${limitMs} ms)`);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
