// Issue 16: a migration killed with SIGKILL inside its transaction leaves the old replica intact, and the next
// sync completes it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { openReplica } from '../../../src/storage';
import { engineFor, startServer, TempDirs } from './helpers';
import { buildWorld, hasClientChanges } from './upgradeWorld';

async function runChildUntilPaused(dataDir: string, serverUrl: string, pauseFile: string): Promise<string> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'fixtures', 'migrateChild.ts'), dataDir, serverUrl], {
    cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRILIUM_TEST_PAUSE_IN_MIGRATION: pauseFile },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (!existsSync(pauseFile)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `the child never reached the pause: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(!out.includes('finished-unexpectedly'), out);
  return out;
}

describe('sync: a migration killed with SIGKILL (issue 16)', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  it('leaves the old replica intact; the next sync migrates it and pushes every change', async () => {
    const world = await buildWorld(dirs, 36);
    const dataDir = world.client.dataDir;
    const r0 = world.client.replica;
    const pendingBefore = await r0.hasUnsentChanges(await r0.getCursor('lastSyncedPush'));
    const hashesBefore = await r0.sectorHashes();
    await r0.close();
    await world.server.close();
    const server = await startServer(dirs, { dataDir: world.serverDir, syncVersion: 39 });
    try {
      const out = await runChildUntilPaused(dataDir, server.url, path.join(await dirs.make('trilium-pause-'), 'paused'));
      assert.match(out, /migrating this replica from version 36/);

      const r = await openReplica(dataDir);
      try {
        assert.equal(r.syncVersion, 36, 'the killed migration left version 36');
        assert.equal(await r.hasUnsentChanges(await r.getCursor('lastSyncedPush')), pendingBefore);
        assert.deepEqual(await r.sectorHashes(), hashesBefore);
        assert.deepEqual((await r.verifyHashes()).mismatches, []);
        assert.equal((await r.getRevisions(world.expect.revisedNoteId))[0].description, undefined, 'no column of 39 yet');

        const result = await engineFor(r, server.url).sync();
        assert.equal(result.hashCheck, 'passed');
        assert.equal(result.migration?.fromSyncVersion, 36);
        assert.equal(r.syncVersion, 39);
        assert.deepEqual(await hasClientChanges(server.replica!, world.expect), []);
        assert.deepEqual(await r.sectorHashes(), await server.replica!.sectorHashes());
        assert.deepEqual(readdirSync(dataDir).filter((n) => n.includes('.before-')), [], 'no copy is left behind');
      } finally {
        await r.close();
      }
    } finally {
      await server.close();
    }
  });
});
