// trilium-sync and protected notes: --unlock, create --protected, locked cat, unknown flags.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleCli } from '../cli/bundleCli';
import { TempDirs } from '../sync/helpers';
import { markersOnDisk } from './diskScan';

const ROOT = resolve(__dirname, '../../..');
const PW = 'cli document password';
let CLI = '';

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TRILIUM_PASSWORD: '', ...env } },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('trilium-sync CLI: protected notes', function () {
  this.timeout(180_000);
  const dirs = new TempDirs();
  let data = '';
  let noteId = '';
  let file = '';

  before(async () => {
    const out = await dirs.make('trilium-cli-bundle-');
    CLI = await bundleCli(out);
    data = join(await dirs.make('trilium-cli-protected-'), 'doc');
    file = join(out, 'content.html');
  });
  after(() => dirs.cleanup());

  it('init with TRILIUM_PASSWORD gives the document its password; create --protected stores ciphertext only', async () => {
    assert.equal((await cli(['init', '--data', data], { TRILIUM_PASSWORD: PW })).code, 0);
    await writeFile(file, '<p>SECRET-BODY-1</p>');
    const noPw = await cli(['create', '--data', data, '--parent', 'root', '--title', 'SECRET-TITLE', '--content-file', file, '--protected']);
    assert.equal(noPw.code, 1);
    assert.match(noPw.stderr, /TRILIUM_PASSWORD/);
    const made = await cli(['create', '--data', data, '--parent', 'root', '--title', 'SECRET-TITLE', '--content-file', file, '--protected'], { TRILIUM_PASSWORD: PW });
    assert.equal(made.code, 0, made.stderr);
    noteId = made.stdout.trim();
    assert.match(noteId, /^[A-Za-z0-9]{12}$/);
    assert.deepEqual(markersOnDisk(data, ['SECRET-TITLE', 'SECRET-BODY']), []);
  });

  it('without --unlock: the tree shows [protected], cat fails with a named message and prints nothing', async () => {
    const tree = await cli(['tree', '--data', data]);
    assert.equal(tree.code, 0);
    assert.match(tree.stdout, new RegExp(`\\[protected\\]  \\[${noteId}\\]`));
    assert.doesNotMatch(tree.stdout, /SECRET/);
    const cat = await cli(['cat', noteId, '--data', data]);
    assert.notEqual(cat.code, 0);
    assert.equal(cat.stdout, '');
    assert.match(cat.stderr, /protected/);
    const json = await cli(['cat', noteId, '--data', data, '--json']);
    assert.equal(JSON.parse(json.stdout).error.code, 'PROTECTED_LOCKED');
    await writeFile(file, 'x');
    const write = await cli(['write', noteId, '--data', data, '--content-file', file], { TRILIUM_PASSWORD: PW });
    assert.equal(JSON.parse((await cli(['write', noteId, '--data', data, '--content-file', file, '--json'])).stdout).error.code, 'PROTECTED_LOCKED');
    assert.notEqual(write.code, 0);
  });

  it('with --unlock: tree, cat, write and revisions show and change it; a wrong password is refused', async () => {
    const tree = await cli(['tree', '--data', data, '--unlock'], { TRILIUM_PASSWORD: PW });
    assert.match(tree.stdout, new RegExp(`SECRET-TITLE  \\[${noteId}\\]`));
    assert.equal((await cli(['cat', noteId, '--data', data, '--unlock'], { TRILIUM_PASSWORD: PW })).stdout, '<p>SECRET-BODY-1</p>');
    await writeFile(file, '<p>SECRET-BODY-2</p>');
    assert.equal((await cli(['write', noteId, '--data', data, '--content-file', file, '--unlock'], { TRILIUM_PASSWORD: PW })).code, 0);
    assert.equal((await cli(['cat', noteId, '--data', data, '--unlock'], { TRILIUM_PASSWORD: PW })).stdout, '<p>SECRET-BODY-2</p>');
    const revs = await cli(['revisions', noteId, '--data', data, '--unlock', '--json'], { TRILIUM_PASSWORD: PW });
    assert.equal(revs.code, 0);
    for (const r of JSON.parse(revs.stdout)) assert.equal(r.title, 'SECRET-TITLE');
    const wrong = await cli(['cat', noteId, '--data', data, '--unlock', '--json'], { TRILIUM_PASSWORD: 'nope' });
    assert.equal(JSON.parse(wrong.stdout).error.code, 'WRONG_PASSWORD');
    assert.equal(wrong.code, 1);
    assert.deepEqual(markersOnDisk(data, ['SECRET-TITLE', 'SECRET-BODY']), []);
  });

  it('protect / unprotect a subtree', async () => {
    await writeFile(file, 'PLAIN-BODY');
    const made = await cli(['create', '--data', data, '--parent', 'root', '--title', 'PLAIN-TITLE', '--content-file', file]);
    const id = made.stdout.trim();
    assert.match((await cli(['protect', id, '--data', data], { TRILIUM_PASSWORD: PW })).stdout, /protected 1 note/);
    assert.deepEqual(markersOnDisk(data, ['PLAIN-TITLE', 'PLAIN-BODY']), []);
    assert.notEqual((await cli(['cat', id, '--data', data])).code, 0);
    assert.match((await cli(['unprotect', id, '--data', data], { TRILIUM_PASSWORD: PW })).stdout, /unprotected 1 note/);
    assert.equal((await cli(['cat', id, '--data', data])).stdout, 'PLAIN-BODY');
  });

  it('change-password: the old password is checked, the new one unlocks afterwards and the old one no longer does', async () => {
    const missing = await cli(['change-password', '--data', data], { TRILIUM_PASSWORD: PW });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /TRILIUM_NEW_PASSWORD/);
    const wrong = await cli(['change-password', '--data', data, '--json'], { TRILIUM_PASSWORD: 'nope', TRILIUM_NEW_PASSWORD: 'cli new password' });
    assert.equal(JSON.parse(wrong.stdout).error.code, 'WRONG_PASSWORD');
    assert.equal((await cli(['change-password', '--data', data], { TRILIUM_PASSWORD: PW, TRILIUM_NEW_PASSWORD: 'cli new password' })).code, 0);
    assert.equal((await cli(['cat', noteId, '--data', data, '--unlock'], { TRILIUM_PASSWORD: 'cli new password' })).stdout, '<p>SECRET-BODY-2</p>');
    assert.equal(JSON.parse((await cli(['cat', noteId, '--data', data, '--unlock', '--json'], { TRILIUM_PASSWORD: PW })).stdout).error.code, 'WRONG_PASSWORD');
    assert.equal((await cli(['change-password', '--data', data], { TRILIUM_PASSWORD: 'cli new password', TRILIUM_NEW_PASSWORD: PW })).code, 0);
  });

  it('every command rejects a flag it does not know with a usage error (exit 2)', async () => {
    for (const args of [['tree', '--protected'], ['cat', noteId, '--bogus', 'x'], ['status', '--unlock'], ['init', '--server', 'http://x'],
      ['revisions', noteId, '--depth', '2'], ['sync', '--unlock'], ['conflicts', '--title', 'x']]) {
      const r = await cli([...args, '--data', data]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /does not take --/);
    }
  });
});
