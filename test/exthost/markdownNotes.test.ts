// Text notes as Markdown in a real editor (issue 13): notes with each construct open as Markdown, one word is
// changed in the editor and saved, and the stored HTML differs from the original only in that word; Sync Now
// puts the same bytes on the server.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { setUpFromServer, text, UiFixture, waitFor } from './uiFixture';

const NOTES: Record<string, { html: string; from: string; to: string }> = {
  paragraphs: { html: '<h2>Plan</h2><p>Some <strong>bold</strong>, <i>italic</i> and <u>underlined</u> words.</p>', from: 'Some', to: 'Many' },
  todo: {
    html: '<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" checked="checked" disabled="disabled"><span class="todo-list__label__description">Send the minutes</span></label></li>'
      + '<li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">Book the room</span></label></li></ul><p>After.</p>',
    from: 'room', to: 'hall',
  },
  admonition: { html: '<p>Before.</p><aside class="admonition warning"><p>The migration needs a window.</p></aside>', from: 'window', to: 'weekend' },
  table: { html: '<figure class="table"><table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>alpha</td><td>1</td></tr></tbody></table></figure>', from: 'alpha', to: 'gamma' },
  image: {
    html: '<p>Photo:</p><figure class="image image-style-align-center image_resized" style="width:50%;"><img style="aspect-ratio:640/480;" src="api/attachments/aB3dE5gH7jK9/image/photo.jpg" alt="A photo" width="640" height="480"></figure>',
    from: 'A photo', to: 'A picture',
  },
  referenceLink: { html: '<p>See <a class="reference-link" href="#root/KSiXkBbBtHDC">Target note</a>&nbsp;for more.</p>', from: 'more', to: 'details' },
  code: { html: '<pre><code class="language-text-x-python">def hello():\n    print("hi")</code></pre>', from: '"hi"', to: '"ho"' },
  math: { html: '<p>Euler: <span class="math-tex">\\(e^{i\\pi} + 1 = 0\\)</span> is neat.</p><span class="math-tex">\\[\\sum_k k\\]</span>', from: 'neat', to: 'nice' },
  includeNote: { html: '<p>Included:</p><section class="include-note" data-note-id="KSiXkBbBtHDC" data-box-size="medium">&nbsp;</section><p>End of note.</p>', from: 'End', to: 'Close' },
  island: { html: '<p style="text-align:center;">Centered words here</p><p>Plain.</p>', from: 'words', to: 'text' },
};

describe('extension host: text notes as Markdown, edited word by word (issue 13)', function () {
  this.timeout(180_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};

  before(async () => {
    fx = await setUpFromServer('markdown', async (r) => {
      for (const [name, note] of Object.entries(NOTES)) ids[name] = (await r.createNote({ parentNoteId: 'root', title: name, content: note.html })).noteId;
    });
  });
  after(() => fx?.dispose());

  for (const [name, note] of Object.entries(NOTES)) {
    it(`${name}: opens as Markdown; changing "${note.from}" changes only that in the stored HTML`, async () => {
      const uri = await fx.api.services.fs.uriFor(ids[name]);
      assert.ok(uri.path.endsWith('.md'), uri.path);
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.strictEqual(doc.languageId, 'markdown');
      const at = doc.getText().indexOf(note.from);
      assert.ok(at >= 0, `"${note.from}" is in the Markdown:\n${doc.getText()}`);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + note.from.length)), note.to));
      // On a loaded machine VS Code may give up on a save participant and report the first save as failed: retry.
      await waitFor('the save', async () => (await doc.save()) || !doc.isDirty, 60_000);
      const stored = text(await fx.replica().getNoteContent(ids[name]));
      assert.strictEqual(stored, note.html.replace(note.from, note.to));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  }

  it('Sync Now puts the edited notes on the server byte for byte', async () => {
    await vscode.commands.executeCommand('trilium.syncNow');
    for (const [name, note] of Object.entries(NOTES)) {
      assert.strictEqual(text(await fx.server.replica!.getNoteContent(ids[name])), note.html.replace(note.from, note.to), name);
    }
  });
});
