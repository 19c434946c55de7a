// trilium-sync convert and cat --markdown, run as the bundled CLI in real processes.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundleCli';
import { TempDirs } from '../sync/helpers';

const ROOT = resolve(__dirname, '../../..');
const FIXTURE = join(ROOT, 'test/fixtures/markdown-corpus/ckeditor-journal.html');
let CLI = '';

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TRILIUM_PASSWORD: '' } },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

describe('trilium-sync convert and cat --markdown', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();

  before(async () => {
    CLI = await bundleCli(await dirs.make('trilium-cli-md-'));
  });
  after(() => dirs.cleanup());

  it('converts note HTML to Markdown and back to the same HTML', async () => {
    const html = (await readFile(FIXTURE, 'utf8')).trim();
    const md = await cli(['convert', '--to', 'markdown', FIXTURE]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^- \[x\] Send the minutes$/m);
    assert.match(md.stdout, /^> \[!WARNING\]$/m);
    const file = join(await dirs.make('trilium-md-'), 'note.md');
    await writeFile(file, md.stdout);
    const back = await cli(['convert', '--to', 'html', file]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, `${html}\n`);
    const piped = await cli(['convert', '--to', 'html', '-'], '**bold** $x$\n');
    assert.equal(piped.stdout, '<p><strong>bold</strong> <span class="math-tex">\\(x\\)</span></p>\n');
    const json = JSON.parse((await cli(['convert', '--to', 'markdown', FIXTURE, '--json'])).stdout);
    assert.equal(json.markdown, md.stdout);
    assert.ok(json.islandChars > 0 && json.islandChars < json.markdownChars);
    const bad = await cli(['convert', '--to', 'pdf', FIXTURE]);
    assert.equal(bad.code, 2);
  });

  it('cat --markdown prints a text note as it opens in VS Code', async () => {
    const data = await dirs.make('trilium-md-data-');
    assert.equal((await cli(['init', '--data', data])).code, 0);
    const created = await cli(['create', '--parent', 'root', '--title', 'Journal', '--content-file', FIXTURE, '--data', data]);
    assert.equal(created.code, 0, created.stderr);
    const noteId = created.stdout.trim();
    const md = await cli(['cat', noteId, '--markdown', '--data', data]);
    assert.equal(md.code, 0, md.stderr);
    assert.equal(md.stdout, (await cli(['convert', '--to', 'markdown', FIXTURE])).stdout);
    const raw = await cli(['cat', noteId, '--data', data]);
    assert.equal(raw.stdout, await readFile(FIXTURE, 'utf8'));

    const file = join(await dirs.make('trilium-md-incl-'), 'includer.html');
    await writeFile(file, `<p>Before</p><section class="include-note" data-note-id="${noteId}" data-box-size="medium">&nbsp;</section>`);
    const includer = await cli(['create', '--parent', 'root', '--title', 'Includer', '--content-file', file, '--data', data]);
    assert.equal(includer.code, 0, includer.stderr);
    const embed = await cli(['cat', includer.stdout.trim(), '--markdown', '--data', data]);
    assert.equal(embed.code, 0, embed.stderr);
    assert.ok(embed.stdout.includes(`![Journal](#root/${noteId}){.include-note size=medium}`), embed.stdout);
  });
});
