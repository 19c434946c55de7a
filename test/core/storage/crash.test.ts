// A process killed with SIGKILL in the middle of a large write leaves the previous state intact (WAL, one
// transaction per operation), in normal mode and during an initial bulk load.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { openReplica } from '../../../src/storage';
import { cleanupDirs, rawAll, tempDir } from './helpers';

async function runAndKill(dir: string, mode: string): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'fixtures', 'crashChild.ts'), dir, mode], {
    cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const ready = await new Promise<Record<string, number>>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /\{"ready":(\{[^}]*\})\}\nwriting\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]));
    });
    child.on('exit', () => reject(new Error(`child exited early: ${out} ${err}`)));
  });
  // Wait until the big transaction is under way: uncommitted pages spill into the WAL, which grows by megabytes.
  const wal = path.join(dir, 'document.db-wal');
  const walSize = () => { try { return statSync(wal).size; } catch { return 0; } };
  const start = walSize();
  const deadline = Date.now() + 120_000;
  while (walSize() < start + 4 * 1024 * 1024) {
    assert.ok(Date.now() < deadline, 'the child never got into its big write');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(!out.includes('committed-unexpectedly'), 'the kill has to land inside the write');
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  return ready;
}

describe('storage: crash safety (kill -9 of a writer)', function () {
  this.timeout(300_000);
  after(cleanupDirs);

  for (const mode of ['normal', 'bulk']) {
    it(`${mode}: the file opens and holds exactly the state before the interrupted write`, async () => {
      const dir = tempDir();
      const before = await runAndKill(dir, mode);
      const [integrity] = await rawAll(dir, 'PRAGMA integrity_check');
      assert.equal(integrity.integrity_check, 'ok');
      const r = await openReplica(dir);
      assert.deepEqual(await r.counts(), before);
      assert.equal(await r.getCursor('lastSyncedPull'), 6002);
      assert.equal(await r.getNote('n00000100000'), null);
      assert.equal((await r.getNote('n00000000001'))!.title, 'note 1');
      await r.finishBulkLoad();
      const v = await r.verifyHashes();
      assert.ok(v.checked > 0);
      assert.equal(v.mismatches.filter((m) => m.entityName !== 'notes' && m.entityName !== 'branches' && m.entityName !== 'blobs').length, 0);
      // still writable and consistent
      const { noteId } = await r.createNote({ parentNoteId: mode === 'bulk' ? 'n00000000001' : 'root', title: 'after the crash' });
      assert.equal((await r.getNote(noteId))!.title, 'after the crash');
      await r.close();
    });
  }
});
