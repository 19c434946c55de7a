// The trilium: file system against a document synced from our own server: URIs, Markdown vs HTML, code notes by
// MIME, images, read/write/stat, saving syncing to the server, sync changes reaching open editors, protected notes.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { tinyPng } from '../../src/sync/server/sampleNotes';
import { setUpFromServer, text, UiFixture, waitFor } from './uiFixture';

const SIMPLE_HTML = '<h2>Plan</h2><p>Some <strong>bold</strong> and <em>italic</em> text.</p><ul><li>one</li><li>two</li></ul>';
const RICH_HTML = '<p style="color:red">Red text</p><figure class="table"><table><tbody><tr><td>cell</td></tr></tbody></table></figure>';

describe('extension host: notes as editor documents (issue 6)', function () {
  this.timeout(120_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};

  before(async () => {
    fx = await setUpFromServer('fs', async (r) => {
      ids.simple = (await r.createNote({ parentNoteId: 'root', title: 'Simple / plan', content: SIMPLE_HTML })).noteId;
      ids.rich = (await r.createNote({ parentNoteId: 'root', title: 'Rich', content: RICH_HTML })).noteId;
      ids.py = (await r.createNote({ parentNoteId: 'root', title: 'script', type: 'code', mime: 'text/x-python', content: 'print("hi")\n' })).noteId;
      ids.js = (await r.createNote({ parentNoteId: 'root', title: 'widget', type: 'code', mime: 'application/javascript;env=frontend', content: 'api.log(1);\n' })).noteId;
      ids.png = (await r.createNote({ parentNoteId: 'root', title: 'diagram.png', type: 'image', mime: 'image/png', content: tinyPng() })).noteId;
    });
  });
  after(() => fx?.dispose());

  const fs = () => fx.api.services.fs;

  it('gives stable, readable URIs by noteId: Markdown for every text note', async () => {
    const simple = await fs().uriFor(ids.simple);
    assert.strictEqual(simple.scheme, 'trilium');
    assert.strictEqual(simple.path, `/${ids.simple}/Simple _ plan.md`);
    assert.strictEqual((await fs().uriFor(ids.rich)).path, `/${ids.rich}/Rich.md`);
    assert.strictEqual((await fs().uriFor(ids.py)).path, `/${ids.py}/script.py`);
    assert.strictEqual((await fs().uriFor(ids.js)).path, `/${ids.js}/widget.js`);
    assert.strictEqual((await fs().uriFor(ids.png)).path, `/${ids.png}/diagram.png`);
  });

  it('opens code notes in their language and text notes as Markdown or HTML', async () => {
    const py = await vscode.workspace.openTextDocument(await fs().uriFor(ids.py));
    assert.strictEqual(py.languageId, 'python');
    assert.strictEqual(py.getText(), 'print("hi")\n');
    const js = await vscode.workspace.openTextDocument(await fs().uriFor(ids.js));
    assert.strictEqual(js.languageId, 'javascript');
    const md = await vscode.workspace.openTextDocument(await fs().uriFor(ids.simple));
    assert.strictEqual(md.languageId, 'markdown');
    assert.match(md.getText(), /^## Plan/m);
    assert.match(md.getText(), /\*\*bold\*\*/);
    // converted by the extension's conversion worker, not on the extension host's thread
    assert.strictEqual(fx.api.noteConverter.offThread, true);
    assert.deepStrictEqual(
      { op: fx.api.noteConverter.lastTiming?.op, chars: fx.api.noteConverter.lastTiming?.chars }, { op: 'toMarkdown', chars: SIMPLE_HTML.length });
    const rich = await vscode.workspace.openTextDocument(await fs().uriFor(ids.rich));
    assert.strictEqual(rich.languageId, 'markdown');
    assert.strictEqual(rich.getText(), '<p style="color:red">Red text</p>\n\n|   |\n| --- |\n| cell |\n',
      'formatting Markdown cannot hold stays as an HTML island');
  });

  it('stats notes (size, mtime) and serves image bytes unchanged', async () => {
    const uri = await fs().uriFor(ids.png);
    const stat = await vscode.workspace.fs.stat(uri);
    assert.strictEqual(stat.type, vscode.FileType.File);
    assert.strictEqual(stat.size, tinyPng().length);
    assert.ok(stat.mtime > 0);
    assert.deepStrictEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)), tinyPng());
  });

  it('saving a Markdown editor stores HTML in the replica and Sync Now puts it on the server', async () => {
    const uri = await fs().uriFor(ids.simple);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(doc.positionAt(doc.getText().length), '\nAdded in *VS Code*.\n'));
    assert.ok(await doc.save(), 'saved');
    assert.strictEqual(fx.api.noteConverter.lastTiming?.op, 'toNoteHtml', 'the save converted in the worker');
    const stored = text(await fx.replica().getNoteContent(ids.simple));
    assert.match(stored, /<p>Added in <i>VS Code<\/i>.<\/p>/);
    assert.match(stored, /<h2>Plan<\/h2>/);
    await vscode.commands.executeCommand('trilium.syncNow');
    assert.strictEqual(text(await fx.server.replica!.getNoteContent(ids.simple)), stored);
  });

  it('saving a code note writes its text as is', async () => {
    const uri = await fs().uriFor(ids.py);
    await vscode.workspace.fs.writeFile(uri, Buffer.from('print("changed")\n'));
    assert.strictEqual(text(await fx.replica().getNoteContent(ids.py)), 'print("changed")\n');
  });

  it('a change arriving by sync fires a file change and updates the open editor', async () => {
    const uri = await fs().uriFor(ids.py);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('trilium.syncNow');
    const changes: vscode.Uri[] = [];
    const sub = fs().onDidChangeFile((events) => changes.push(...events.map((e) => e.uri)));
    try {
      await fx.server.replica!.setNoteContent(ids.py, 'print("from the server")\n');
      await vscode.commands.executeCommand('trilium.syncNow');
      await waitFor('the file change event', () => changes.some((u) => u.toString() === uri.toString()));
      await waitFor('the editor to show the new text', () => doc.getText() === 'print("from the server")\n', 10_000);
    } finally {
      sub.dispose();
    }
  });

  it('locked protected notes are read-only with a clear message', async () => {
    const { noteId } = await fx.replica().createNote({ parentNoteId: 'root', title: 'Secret', content: 'ENCRYPTED' });
    // Mark it protected the way a synced protected note arrives: via the row (there is no local "protect" yet).
    const note = (await fx.replica().getNote(noteId))!;
    const { entityHash, getProfile, randomString } = await import('../../src/storage');
    const row = { ...note, isProtected: 1 };
    const now = new Date().toISOString().replace('T', ' ');
    await fx.replica().applyRecords([{
      entityChange: { id: 0, entityName: 'notes', entityId: noteId, hash: entityHash(getProfile(fx.replica().syncVersion).tables.notes, row), isErased: 0, changeId: randomString(12), componentId: 'exthost', instanceId: 'exthostOther1', isSynced: 1, utcDateChanged: now },
      entity: row as unknown as Record<string, string | number | null>,
    }], { senderInstanceId: 'exthostOther1' });
    const uri = await fs().uriFor(noteId);
    const stat = await vscode.workspace.fs.stat(uri);
    assert.strictEqual(stat.permissions, vscode.FilePermission.Readonly);
    assert.match(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), /protected/);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('overwrite'))),
      (e: Error) => /protected note/.test(e.message) && /NoPermissions/.test((e as vscode.FileSystemError).code),
    );
    // Nothing was written (its content cannot even be read while locked: PROTECTED_LOCKED).
    assert.strictEqual((await fx.replica().getNote(noteId))!.blobId, note.blobId);
  });
});
