// The trilium-sync CLI end to end: real processes against our own server started in-process.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundleCli';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { addSampleNotes } from '../../../src/sync/server/sampleNotes';
import { PASSWORD, TempDirs, startServer } from '../sync/helpers';

const ROOT = resolve(__dirname, '../../..');
let CLI = '';

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TRILIUM_PASSWORD: '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('trilium-sync CLI', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  let data: string;

  before(async () => {
    // The CLI as it ships: bundled by esbuild (into a temp dir, so a parallel build of dist/ is not disturbed).
    CLI = await bundleCli(await dirs.make('trilium-cli-bundle-'));
    server = await startServer(dirs, { populate: async (r) => { await addSampleNotes(r); } });
    data = await dirs.make('trilium-cli-');
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  it('fails clearly without a password, with a wrong one, and without a replica', async () => {
    const none = await cli(['setup', '--server', server.url, '--data', data]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /TRILIUM_PASSWORD/);
    const wrong = await cli(['setup', '--server', server.url, '--data', data, '--json'], { TRILIUM_PASSWORD: 'nope' });
    assert.equal(wrong.code, 1);
    assert.equal(JSON.parse(wrong.stdout).error.code, 'WRONG_PASSWORD');
    const missing = await cli(['status', '--data', join(data, 'nothing-here')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no replica/);
    const unknown = await cli(['frobnicate', '--data', data]);
    assert.equal(unknown.code, 2);
  });

  it('test before set-up checks the server, its sync version and the password without writing anything', async () => {
    const fresh = join(data, 'not-set-up');
    const ok = await cli(['test', '--server', server.url, '--data', fresh], { TRILIUM_PASSWORD: PASSWORD });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /ok {3}password: The password is correct/);
    const wrong = await cli(['test', '--server', server.url, '--data', fresh, '--json'], { TRILIUM_PASSWORD: 'nope' });
    assert.equal(wrong.code, 1);
    assert.equal(JSON.parse(wrong.stdout).error.code, 'WRONG_PASSWORD');
    const dead = await cli(['test', '--server', 'http://127.0.0.1:1', '--data', fresh, '--json']);
    assert.equal(dead.code, 1);
    assert.equal(JSON.parse(dead.stdout).error.code, 'CONNECTION_REFUSED');
    const status = await cli(['status', '--data', fresh]);
    assert.match(status.stderr, /There is no replica/);
  });

  it('setup, status, tree, cat, create, write, rename, move, delete, revisions, sync, verify, conflicts, test', async () => {
    const setup = await cli(['setup', '--server', server.url, '--data', data], { TRILIUM_PASSWORD: PASSWORD });
    assert.equal(setup.code, 0, setup.stderr);
    assert.match(setup.stdout, /pulled \d+, pushed 0 .*content hash check passed/);

    const status = JSON.parse((await cli(['status', '--data', data, '--json'])).stdout);
    assert.equal(status.documentId, await server.replica!.getOption('documentId'));
    assert.equal(status.server, server.url);
    assert.equal(status.syncVersion, 39);
    assert.equal(status.pendingChanges, 0);
    assert.ok(status.counts.notes > 10);

    const tree = await cli(['tree', '--data', data, '--depth', '1']);
    assert.match(tree.stdout, /^root {2}\[root\]/);
    assert.match(tree.stdout, /\n {2}Code snippets {2}\[\w+\] …/);

    const treeJson = JSON.parse((await cli(['tree', '--data', data, '--json'])).stdout);
    const code = treeJson.children.find((c: { title: string }) => c.title === 'Code snippets');
    const fib = code.children.find((c: { title: string }) => c.title === 'fibonacci.ts');
    const cat = await cli(['cat', fib.noteId, '--data', data]);
    assert.match(cat.stdout, /export function fibonacci/);

    const file = join(data, 'content.html');
    await writeFile(file, '<p>written by the CLI ✓</p>');
    const created = await cli(['create', '--parent', 'root', '--title', 'From CLI', '--content-file', file, '--data', data]);
    assert.equal(created.code, 0, created.stderr);
    const noteId = created.stdout.trim();
    assert.match(noteId, /^[A-Za-z0-9]{12}$/);
    await writeFile(file, '<p>second version</p>');
    assert.equal((await cli(['write', noteId, '--content-file', file, '--data', data])).code, 0);
    assert.equal((await cli(['rename', noteId, 'Renamed from CLI', '--data', data])).code, 0);
    assert.equal((await cli(['move', noteId, '--parent', code.noteId, '--data', data])).code, 0);
    const doomed = (await cli(['create', '--parent', 'root', '--title', 'Doomed', '--data', data])).stdout.trim();
    assert.equal((await cli(['delete', doomed, '--data', data])).code, 0);
    const revisions = await cli(['revisions', noteId, '--data', data, '--json']);
    assert.ok(Array.isArray(JSON.parse(revisions.stdout)));

    const pending = JSON.parse((await cli(['status', '--data', data, '--json'])).stdout).pendingChanges;
    assert.ok(pending > 0);
    const sync = await cli(['sync', '--data', data, '--json']);
    assert.equal(sync.code, 0, sync.stderr);
    const result = JSON.parse(sync.stdout);
    assert.equal(result.hashCheck, 'passed');
    assert.ok(result.pushed > 0);
    assert.equal((await server.replica!.getNote(noteId))!.title, 'Renamed from CLI');
    assert.equal(String(await server.replica!.getNoteContent(noteId)), '<p>second version</p>');
    assert.equal((await server.replica!.getParentBranches(noteId)).filter((b) => !b.isDeleted)[0].parentNoteId, code.noteId);
    assert.equal((await server.replica!.getNote(doomed))!.isDeleted, 1);

    const verify = await cli(['verify', '--data', data, '--json']);
    assert.equal(verify.code, 0, verify.stdout);
    const checked = JSON.parse(verify.stdout);
    assert.ok(checked.checked > 10);
    assert.deepEqual(checked.mismatches, []);

    assert.deepEqual(JSON.parse((await cli(['conflicts', '--data', data, '--json'])).stdout), []);
    assert.match((await cli(['conflicts', '--data', data])).stdout, /no conflicts/);

    const test = await cli(['test', '--data', data]);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /ok {3}login/);
    assert.match(test.stdout, /route: direct/);
  });

  it('init creates a local document and push-to gives it to an empty server', async () => {
    const empty = await startServer(dirs, { uninitialised: true });
    try {
      const local = await dirs.make('trilium-cli-');
      const init = await cli(['init', '--data', local, '--json']);
      assert.equal(init.code, 0, init.stderr);
      const { documentId } = JSON.parse(init.stdout);
      const push = await cli(['push-to', '--server', empty.url, '--data', local], { TRILIUM_PASSWORD: PASSWORD });
      assert.equal(push.code, 0, push.stderr);
      assert.match(push.stdout, /content hash check passed/);
      assert.equal(await empty.replica!.getOption('documentId'), documentId);
      const again = await cli(['push-to', '--server', empty.url, '--data', local]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already holds a document/);
    } finally {
      await empty.close();
    }
  });
});
