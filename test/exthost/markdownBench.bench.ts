// A large text note opened as Markdown in the real extension host (run by `bench/markdown.mjs --vscode …`, not part
// of `npm test`): what a user feels the first time a 1 MB note opens in a fresh extension host, with the extension's
// conversion worker warmed up (as it is a few seconds after a document opens), with a new worker not warmed up, and
// on the host's own thread (where no worker can run). The note's HTML is read from TRILIUM_BENCH_MARKDOWN_NOTE.
// Prints one `BENCH {json}` line per figure.
import * as assert from 'assert';
import { readFileSync, writeFileSync } from 'fs';
import { Session } from 'inspector';
import * as vscode from 'vscode';
import type { TriliumExtensionApi } from '../../src/extension';
import { forgetLastConversion, noteToMarkdown } from '../../src/markdown/convert';
import { roundTripsAsMarkdown } from '../../src/editor/htmlMarkdown';
import { notePath, SCHEME } from '../../src/editor/noteUri';
import type { WorkerConverter } from '../../src/markdown/worker/noteConverter';
import { report, time } from './benchReport';
import { activate } from './uiFixture';

const NOTE = process.env.TRILIUM_BENCH_MARKDOWN_NOTE;
/** A file to write a CPU profile of the host's thread to, from opening the note to the end of the first conversion. */
const PROFILE = process.env.TRILIUM_BENCH_PROFILE;
/** The same for saving after an edited word, from the edit to the end of the save. */
const PROFILE_SAVE = process.env.TRILIUM_BENCH_PROFILE_SAVE;

const post = (session: Session, method: string): Promise<unknown> =>
  new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));

describe('bench: a 1 MB text note opened as Markdown in the extension host', function () {
  this.timeout(600_000);
  let api: TriliumExtensionApi;
  let noteId: string;
  let html: string;

  before(async () => {
    assert.ok(NOTE, 'TRILIUM_BENCH_MARKDOWN_NOTE names the note to open');
    html = readFileSync(NOTE, 'utf8');
    api = await activate();
    assert.strictEqual(await vscode.commands.executeCommand('trilium.newLocalDocument', true), true);
    ({ noteId } = await api.services.session.requireReplica().createNote({ parentNoteId: 'root', title: 'Large note', content: html }));
  });

  /** Waits until the host's event loop has been free for a while (start-up work done), at most 30 s: how long it took. */
  async function settled(): Promise<number> {
    const t0 = performance.now();
    for (let quiet = 0; quiet < 50 && performance.now() - t0 < 30_000;) {
      const t = performance.now();
      await new Promise((r) => setTimeout(r, 10));
      quiet = performance.now() - t < 15 ? quiet + 1 : 0;
    }
    return performance.now() - t0;
  }

  /** `fn`'s value, its wall time and the longest the host's event loop went without running a 1 ms timer meanwhile. */
  async function timeWithStall<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    try {
      const [value, ms] = await time(fn);
      longest = Math.max(longest, performance.now() - last);
      return [value, ms, longest];
    } finally {
      clearInterval(timer);
    }
  }

  it('opens the note, then converts it in a new worker and on the host thread, neither run before', async () => {
    const replica = api.services.session.requireReplica();
    report('waited for the host to settle after set-up', await settled());
    // The extension warms its worker a few seconds after a document opens and no sync runs: waited for here.
    const [, warmWaitMs, warmStall] = await timeWithStall(() => api.noteConverter.warmUp());
    report('then waited for the conversion worker\'s warm-up to end', warmWaitMs);
    report('  the host\'s longest event-loop gap during the warm-up (1 ms timer)', warmStall);
    const session = PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.start');
    }
    const [, readMs] = await time(() => replica.getNoteContent(noteId));
    report('read the note content from the replica', readMs, { bytes: html.length });
    // The extension's converter runs for the first time as VS Code reads the note's URI (as Markdown).
    const uri = vscode.Uri.from({ scheme: SCHEME, path: notePath(noteId, 'Large note', 'md') });
    const [bytes, readFileMs, readFileStall] = await timeWithStall(() => api.services.fs.readFile(uri));
    report('readFile of its trilium: URI (the warmed-up worker converts the note)', readFileMs);
    const inWorker = api.noteConverter.lastTiming;
    assert.ok(inWorker && inWorker.op === 'toMarkdown' && inWorker.chars === html.length, 'the worker converted the note');
    report('  of it, the conversion in the worker (the figure of issue 13)', inWorker.ms, { cpuMs: Math.round(inWorker.cpuMs) });
    report('  the host\'s longest event-loop gap during that readFile (1 ms timer)', readFileStall);
    const [doc, openMs] = await time(async () => {
      const d = await vscode.workspace.openTextDocument(uri);
      assert.ok(d.getText().length > 0);
      return d;
    });
    assert.strictEqual(doc.languageId, 'markdown');
    assert.strictEqual(doc.getText(), Buffer.from(bytes).toString('utf8'));
    report('then openTextDocument until its text is there (conversion reused)', openMs, { chars: doc.getText().length });
    // What the tree's Open Note asks first: Markdown or HTML.
    const [chosen, uriMs] = await time(() => api.services.fs.uriFor(noteId));
    assert.ok(chosen.path.endsWith('.md'), chosen.path);
    report('then uriFor: Markdown or HTML (it used to convert and re-check the round trip)', uriMs);
    // A note opened before the warm-up: a new worker of the extension's own class (next to its bundle), not warmed up.
    const NewConverter = api.noteConverter.constructor as new () => WorkerConverter;
    const fresh = new NewConverter();
    const [coldMarkdown, coldMs, coldStall] = await timeWithStall(() => fresh.toMarkdown(html, new Map()));
    const coldInWorker = fresh.lastTiming;
    fresh.dispose();
    assert.strictEqual(coldMarkdown, doc.getText());
    report('a new worker, not warmed up (a note opened before the warm-up): start and convert', coldMs);
    report('  of it, the conversion in the worker', coldInWorker?.ms ?? NaN, { cpuMs: Math.round(coldInWorker?.cpuMs ?? NaN) });
    report('  the host\'s longest event-loop gap during that start and conversion (1 ms timer)', coldStall);
    // This bundle's own copy of the converter has not run yet: the first conversion on the host's thread.
    const [converted, firstMs] = await time(() => noteToMarkdown(html));
    assert.strictEqual(converted.markdown, doc.getText());
    report('first conversion on the host\'s thread (this bundle\'s converter, not run before; where no worker runs)', firstMs, { blocks: converted.blocks.length });
    if (session) {
      const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
      writeFileSync(PROFILE!, JSON.stringify(profile));
      session.disconnect();
    }
    const [same, recheckMs] = await time(() => roundTripsAsMarkdown(html));
    assert.strictEqual(same, true);
    report('roundTripsAsMarkdown alone (conversion reused: markdown-it renders the note, both normalized; uriFor and saving ran it before)', recheckMs);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      forgetLastConversion();
      warm.push((await time(() => noteToMarkdown(html)))[1]);
    }
    report('conversions 2–6, median', [...warm].sort((a, b) => a - b)[2], { min: Math.round(Math.min(...warm)) });
    // One word edited in the editor and saved: only its block is rendered again (the conversion made on opening is reused).
    const editor = await vscode.window.showTextDocument(doc);
    const saveSession = PROFILE_SAVE ? new Session() : undefined;
    if (saveSession) {
      saveSession.connect();
      await post(saveSession, 'Profiler.enable');
      await post(saveSession, 'Profiler.start');
    }
    const at = doc.getText().indexOf('Plain');
    assert.ok(at >= 0);
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Plain'.length)), 'Edited'));
    // VS Code may give up on a slow save participant (its Markdown language server, busy with the 1 MB document) and
    // report the save as failed: saved again, as a user would.
    const [saved, saveMs] = await time(async () => {
      for (let attempt = 0; attempt < 3; attempt++) if ((await doc.save()) || !doc.isDirty) return true;
      return false;
    });
    if (saveSession) {
      const { profile } = (await post(saveSession, 'Profiler.stop')) as { profile: unknown };
      writeFileSync(PROFILE_SAVE!, JSON.stringify(profile));
      saveSession.disconnect();
    }
    assert.strictEqual(saved, true, 'saved');
    assert.strictEqual(Buffer.from((await replica.getNoteContent(noteId))!).toString('utf8'), html.replace('Plain', 'Edited'));
    report('save after editing one word, until saved (VS Code\'s Markdown language server gets the whole document; saving used to re-check the note\'s round trip too)', saveMs);
    report('host', 0, { node: process.version, vscode: vscode.version });
  });
});
