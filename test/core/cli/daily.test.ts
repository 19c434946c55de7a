// trilium-sync search and today, as the bundled CLI runs them.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundleCli';
import { TempDirs } from '../sync/helpers';

const ROOT = resolve(__dirname, '../../..');

describe('trilium-sync search and today', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let CLI = '';
  let data = '';
  const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [CLI, ...args, '--data', data], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TRILIUM_PASSWORD: '' } },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

  before(async () => {
    CLI = await bundleCli(await dirs.make('trilium-daily-cli-'));
    data = join(await dirs.make('trilium-daily-data-'), 'doc');
    assert.equal((await cli(['init'])).code, 0);
  });
  after(() => dirs.cleanup());

  it('search prints the matching note ids; --json gives ids, titles and paths; a bad query names the token', async () => {
    const ids: string[] = [];
    for (const title of ['Apples', 'Apricots', 'Bananas']) {
      const r = await cli(['create', '--parent', 'root', '--title', title]);
      assert.equal(r.code, 0, r.stderr);
      ids.push(r.stdout.trim());
    }
    const text = await cli(['search', 'note.title =* ap orderBy note.title desc']);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), [ids[1], ids[0]]);
    const json = await cli(['search', 'bananas', '--json']);
    assert.deepEqual(JSON.parse(json.stdout).map((h: { noteId: string; title: string }) => [h.noteId, h.title]), [[ids[2], 'Bananas']]);
    const bad = await cli(['search', 'note.colour = red', '--json']);
    assert.notEqual(bad.code, 0);
    assert.match(JSON.parse(bad.stdout).error.message, /"colour"/);
  });

  it('today --date finds or creates the day note and prints the same id again', async () => {
    const first = await cli(['today', '--date', '2026-11-24', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const out = JSON.parse(first.stdout);
    assert.equal(out.date, '2026-11-24');
    assert.equal(out.created.length, 4);
    const again = await cli(['today', '--date', '2026-11-24']);
    assert.equal(again.stdout.trim(), out.noteId, JSON.stringify(again));
    const found = await cli(['search', '#dateNote = "2026-11-24"']);
    assert.equal(found.stdout.split(/\s+/)[0], out.noteId);
    const bad = await cli(['today', '--date', '2026-02-30']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /YYYY-MM-DD/);
  });
});
