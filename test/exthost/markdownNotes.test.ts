// Text notes as Markdown in a real editor (issue 13): notes with each construct open as Markdown, one word is
// changed in the editor and saved, and the stored HTML differs from the original only in that word; Sync Now
// puts the same bytes on the server.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, setUpFromServer, text, UiFixture, waitFor } from './uiFixture';

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
  footnote: {
    html: '<p>Claim<span class="footnote-reference" data-footnote-reference="" data-footnote-id="k3v9x0q2a1" data-footnote-index="1" role="doc-noteref" id="fnrefk3v9x0q2a1"><sup><a href="#fnk3v9x0q2a1">[1]</a></sup></span> stands.</p>'
      + '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes"><li class="footnote-item" data-footnote-item="" data-footnote-id="k3v9x0q2a1" data-footnote-index="1" role="doc-endnote" id="fnk3v9x0q2a1">'
      + '<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="k3v9x0q2a1"><sup><strong><a href="#fnrefk3v9x0q2a1">^</a></strong></sup></span><div class="footnote-content" data-footnote-content=""><p>Source: the annual report.</p></div></li></ol>',
    from: 'annual', to: 'yearly',
  },
};

describe('extension host: text notes as Markdown, edited word by word (issue 13)', function () {
  this.timeout(180_000);
  let fx: UiFixture;
  const ids: Record<string, string> = {};

  before(async () => {
    fx = await setUpFromServer('markdown', async (r) => {
      for (const [name, note] of Object.entries(NOTES)) ids[name] = (await r.createNote({ parentNoteId: 'root', title: name, content: note.html })).noteId;
      ids.folder = (await r.createNote({ parentNoteId: 'root', title: 'Folder', content: '' })).noteId;
      ids.target = (await r.createNote({ parentNoteId: ids.folder, title: 'Link target', content: '<p>The target.</p>' })).noteId;
      ids.links = (await r.createNote({ parentNoteId: 'root', title: 'Links', content: `<p>Go to <a href="#root/${ids.folder}/${ids.target}">the target</a>.</p><p>Type here:</p>` })).noteId;
      ids.paste = (await r.createNote({ parentNoteId: 'root', title: 'Paste here', content: '<p>Before the image.</p>' })).noteId;
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

  it('a link to another note is clickable and opens that note', async () => {
    const doc = await vscode.workspace.openTextDocument(await fx.api.services.fs.uriFor(ids.links));
    await vscode.window.showTextDocument(doc);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri, 10);
    const link = links.find((l) => doc.getText(l.range) === `#root/${ids.folder}/${ids.target}`);
    assert.ok(link, `a link on the href among ${JSON.stringify(links.map((l) => doc.getText(l.range)))}`);
    assert.ok(link.target, 'the link is resolved to a document');
    await vscode.commands.executeCommand('vscode.open', link.target);
    const opened = await waitFor('the linked note in the editor', () => {
      const active = vscode.window.activeTextEditor?.document;
      return active && active.uri.toString() !== doc.uri.toString() ? active : undefined;
    });
    assert.strictEqual(opened.uri.path, `/${ids.target}/Link target.md`);
    assert.match(opened.getText(), /The target\./);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('typing [[ offers note titles and inserts a reference link', async () => {
    const doc = await vscode.workspace.openTextDocument(await fx.api.services.fs.uriFor(ids.links));
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.positionAt(doc.getText().indexOf('Type here:')).line;
    const end = doc.lineAt(line).range.end;
    await editor.edit((e) => e.insert(end, ' [[Link ta'));
    const position = doc.lineAt(line).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, '[');
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'Link target');
    assert.ok(item, `"Link target" is offered among ${list.items.length} items`);
    assert.strictEqual(item.insertText, `[Link target](#root/${ids.folder}/${ids.target}){.reference-link}`);
    const range = item.range as vscode.Range;
    await editor.edit((e) => e.replace(range, item.insertText as string));
    assert.match(doc.lineAt(line).text, new RegExp(`Type here: \\[Link target\\]\\(#root/${ids.folder}/${ids.target}\\)\\{\\.reference-link\\}$`));
    await waitFor('the save', async () => (await doc.save()) || !doc.isDirty, 60_000);
    const stored = text(await fx.replica().getNoteContent(ids.links));
    assert.ok(stored.endsWith(`<p>Type here: <a class="reference-link" href="#root/${ids.folder}/${ids.target}">Link target</a></p>`), stored);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('typing ![[ offers note titles and inserts an included note, saved as CKEditor\'s section', async () => {
    const doc = await vscode.workspace.openTextDocument(await fx.api.services.fs.uriFor(ids.links));
    const editor = await vscode.window.showTextDocument(doc);
    const before = text(await fx.replica().getNoteContent(ids.links));
    await editor.edit((e) => e.insert(doc.positionAt(doc.getText().trimEnd().length), '\n\n![[Link ta'));
    const position = doc.lineAt(doc.positionAt(doc.getText().indexOf('![[Link ta')).line).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, '[');
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'Link target');
    assert.ok(item, `"Link target" is offered among ${list.items.length} items`);
    assert.strictEqual(item.insertText, `![Link target](#root/${ids.target}){.include-note}`);
    await editor.edit((e) => e.replace(item.range as vscode.Range, item.insertText as string));
    await waitFor('the save', async () => (await doc.save()) || !doc.isDirty, 60_000);
    assert.strictEqual(text(await fx.replica().getNoteContent(ids.links)), `${before}<section class="include-note" data-note-id="${ids.target}">&nbsp;</section>`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a pasted image becomes an image attachment of the note, linked as figure.image, and syncs to the server', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const doc = await vscode.workspace.openTextDocument(await fx.api.services.fs.uriFor(ids.paste));
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\n\n'));
    const at = doc.lineAt(doc.lineCount - 1).range.end;
    const data = new vscode.DataTransfer();
    data.set('image/png', new ImageItem(png, 'pasted shot.png'));
    const cancel = new vscode.CancellationTokenSource();
    const edits = await fx.api.images.paste.provideDocumentPasteEdits!(doc, [new vscode.Range(at, at)], data, { only: undefined, triggerKind: vscode.DocumentPasteTriggerKind.Automatic }, cancel.token);
    assert.ok(edits && edits.length === 1, 'one paste edit');
    const insert = edits[0].insertText as string;
    const m = /^!\[pasted shot\]\(api\/attachments\/([A-Za-z0-9]+)\/image\/pasted_shot\.png\)$/.exec(insert);
    assert.ok(m, insert);
    const attachmentId = m[1];
    const attachments = await fx.replica().getAttachments(ids.paste);
    const att = attachments.find((a) => a.attachmentId === attachmentId);
    assert.ok(att, 'the attachment is in the replica');
    assert.deepEqual([att.role, att.mime, att.title], ['image', 'image/png', 'pasted shot.png']);
    await editor.edit((e) => e.insert(at, insert));
    await waitFor('the save', async () => (await doc.save()) || !doc.isDirty, 60_000);
    const html = `<p>Before the image.</p><figure class="image"><img src="api/attachments/${attachmentId}/image/pasted_shot.png" alt="pasted shot"></figure>`;
    assert.strictEqual(text(await fx.replica().getNoteContent(ids.paste)), html);
    await vscode.commands.executeCommand('trilium.syncNow');
    const server = fx.server.replica!;
    assert.strictEqual(text(await server.getNoteContent(ids.paste)), html);
    const onServer = (await server.getAttachments(ids.paste)).find((a) => a.attachmentId === attachmentId);
    assert.ok(onServer, 'the attachment is on the server');
    assert.deepEqual([onServer.role, onServer.mime], ['image', 'image/png']);
    assert.deepEqual(Buffer.from(await server.getAttachmentContent(attachmentId) as Buffer), png);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('extension host: VS Code\'s Markdown preview renders trilium: notes as Trilium shows them', function () {
  this.timeout(60_000);
  it('markdown.api.render gives figure.table, ul.todo-list, aside.admonition, math typeset by KaTeX and footnotes', async () => {
    const api = await activate();
    const content = NOTES.table.html + NOTES.todo.html + NOTES.admonition.html + NOTES.math.html + NOTES.footnote.html;
    const noteId = (await api.services.session.requireReplica().createNote({ parentNoteId: 'root', title: 'Rendered', content })).noteId;
    const doc = await vscode.workspace.openTextDocument(await api.services.fs.uriFor(noteId));
    assert.strictEqual(doc.languageId, 'markdown');
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', doc);
    assert.match(html, /<figure class="table"><table[^>]*><thead[^>]*><tr[^>]*><th>Name<\/th>/);
    assert.match(html, /<ul class="todo-list"[^>]*><li[^>]*><label class="todo-list__label"><input type="checkbox" checked="checked" disabled="disabled">/);
    assert.match(html, /<aside class="admonition warning"[^>]*>/);
    assert.match(html, /Euler: <span class="math-tex"><span class="katex"><span class="katex-mathml"><math [^>]*><semantics>.*<annotation encoding="application\/x-tex">e\^\{i\\pi\} \+ 1 = 0<\/annotation>/);
    assert.match(html, /<span class="katex-display"><span class="katex">.*<annotation encoding="application\/x-tex">\\sum_k k<\/annotation>/);
    assert.ok(!html.includes('\\('), 'no TeX left untypeset');
    assert.match(html, /Claim<span class="footnote-reference"[^>]* data-footnote-id="k3v9x0q2a1"[^>]*><sup><a href="#fnk3v9x0q2a1">\[1\]<\/a><\/sup><\/span> stands\./);
    assert.match(html, /<ol class="footnote-section footnotes"[^>]*><li class="footnote-item"[^>]* id="fnk3v9x0q2a1">.*<p[^>]*>Source: the annual report\.<\/p><\/div><\/li><\/ol>/);
    const plain = await vscode.commands.executeCommand<string>('markdown.api.render', '- [ ] not a trilium note\n\nA claim[^1].\n\n[^1]: Plain text here.\n');
    assert.ok(!plain.includes('todo-list') && !plain.includes('footnote'), plain);
  });

  it('an included note opens as an embed with its title; markdown.api.render shows its content, and an image attachment as its bytes', async () => {
    const api = await activate();
    const replica = api.services.session.requireReplica();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf000000020001e221bc330000000049454e44ae426082', 'hex');
    const included = (await replica.createNote({ parentNoteId: 'root', title: 'Shared clause', content: '<p>The shared words.</p>' })).noteId;
    const host = (await replica.createNote({ parentNoteId: 'root', title: 'Contract', content: '<p>Above.</p>' })).noteId;
    const attachmentId = await replica.addAttachment(host, { role: 'image', mime: 'image/png', title: 'dot.png', content: png });
    const html = `<p>Above.</p><section class="include-note" data-note-id="${included}" data-box-size="medium">&nbsp;</section>`
      + `<figure class="image"><img src="api/attachments/${attachmentId}/image/dot.png" alt="A dot"></figure><p>Below.</p>`;
    await replica.setNoteContent(host, html);
    const doc = await vscode.workspace.openTextDocument(await api.services.fs.uriFor(host));
    assert.strictEqual(doc.getText(), `Above.\n\n![Shared clause](#root/${included}){.include-note size=medium}\n\n![A dot](api/attachments/${attachmentId}/image/dot.png)\n\nBelow.\n`);
    const render = () => vscode.commands.executeCommand<string>('markdown.api.render', doc);
    const rendered = await waitFor('the included note read into the preview', async () => {
      const out = await render();
      return out.includes('The shared words.') && out.includes('data:image/') ? out : undefined;
    });
    assert.match(rendered, new RegExp(`<section class="include-note" data-note-id="${included}" data-box-size="medium"[^>]*><p class="include-note-title"><a href="#" data-note-id="${included}">Shared clause</a></p><p>The shared words\\.</p></section>`));
    assert.match(rendered, new RegExp(`<figure class="image"[^>]*><img src="data:image/png;base64,${png.toString('base64').replace(/[+/]/g, '\\$&')}" alt="A dot"[^>]*></figure>`));
    // Saved unchanged, the note keeps its bytes; the title is the editor's only.
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('Below');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 5)), 'Under'));
    await waitFor('the save', async () => (await doc.save()) || !doc.isDirty, 60_000);
    assert.strictEqual(text(await replica.getNoteContent(host)), html.replace('Below', 'Under'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('math renders as the note preview renders it: $$…$$ after text stays in its paragraph, $ in an HTML island is text', async () => {
    const api = await activate();
    const noteId = (await api.services.session.requireReplica().createNote({ parentNoteId: 'root', title: 'Math in text', content: '<p>Last.</p>' })).noteId;
    const doc = await vscode.workspace.openTextDocument(await api.services.fs.uriFor(noteId));
    const editor = await vscode.window.showTextDocument(doc);
    const markdown = 'Before $$x^2$$ after.\n\nText\n$$y^3$$\nmore.\n\n<p style="text-align:center;">Costs $5 and $6.</p>\n\nLast.\n';
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), markdown));
    try {
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', doc);
      // display math is a block widget in CKEditor: the spaces around it are not kept (the note saves that way too)
      assert.match(html, /<p[^>]*>Before<span class="math-tex"><span class="katex-display">(?:(?!<\/p>)[\s\S])*x\^2(?:(?!<\/p>)[\s\S])*<\/span>after\.<\/p>/);
      assert.match(html, /<p[^>]*>Text<span class="math-tex"><span class="katex-display">(?:(?!<\/p>)[\s\S])*y\^3(?:(?!<\/p>)[\s\S])*<\/span>more\.<\/p>/);
      assert.match(html, /<p style="text-align:center;"[^>]*>Costs \$5 and \$6\.<\/p>/);
      assert.ok(!html.includes('katex-block'), html);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('KaTeX\'s stylesheet and fonts ship with the extension and are in VS Code\'s Markdown preview styles', async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'trilium-vscode')!;
    const styles: string[] = extension.packageJSON.contributes['markdown.previewStyles'];
    assert.ok(styles.includes('./dist/katex/katex.min.css'), styles.join());
    const css = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'dist/katex/katex.min.css')));
    const fonts = [...css.matchAll(/url\((fonts\/[\w-]+\.woff2)\)/g)].map((m) => m[1]);
    assert.ok(fonts.length >= 19, `${fonts.length} fonts`);
    for (const font of new Set(fonts)) await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension.extensionUri, 'dist/katex', font));
  });
});

describe('extension host: the note preview typesets math with KaTeX and shows included notes', function () {
  this.timeout(60_000);
  it('Open Preview renders span.math-tex as KaTeX, with its stylesheet and fonts allowed by the page\'s CSP', async () => {
    const api = await activate();
    const noteId = (await api.services.session.requireReplica().createNote({ parentNoteId: 'root', title: 'Math preview', content: NOTES.math.html + NOTES.footnote.html })).noteId;
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('trilium.previewNote', noteId);
    try {
      const html = panel.webview.html;
      assert.match(html, /Euler: <span class="math-tex"><span class="katex"><span class="katex-mathml">/);
      assert.match(html, /<span class="math-tex"><span class="katex-display">/);
      assert.match(html, /<link rel="stylesheet" href="[^"]+\/dist\/katex\/katex\.min\.css">/);
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
      assert.match(csp, /font-src [^;]+/);
      assert.match(csp, /style-src-attr 'unsafe-inline'/);
      assert.match(csp, /script-src 'nonce-[^']+'(;|$)/);
      assert.match(html, /<span class="footnote-reference" id="fnrefk3v9x0q2a1"><sup><a href="#fnk3v9x0q2a1">\[1\]<\/a>/);
    } finally {
      panel.dispose();
    }
  });

  it('Open Preview shows an included note (section.include-note) with its title and content from the replica', async () => {
    const replica = (await activate()).services.session.requireReplica();
    const included = (await replica.createNote({ parentNoteId: 'root', title: 'Shared clause', content: `<p>The shared words.</p>${NOTES.math.html}` })).noteId;
    const including = (await replica.createNote({
      parentNoteId: 'root', title: 'Contract',
      content: `<p>Above.</p><section class="include-note" data-note-id="${included}" data-box-size="medium">&nbsp;</section><p>Below.</p>`,
    })).noteId;
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('trilium.previewNote', including);
    try {
      assert.match(panel.webview.html, new RegExp(`<p>Above\\.</p><section class="include-note"><p class="include-note-title"><a href="#" data-note-id="${included}">Shared clause</a></p><p>The shared words\\.</p>`));
      assert.match(panel.webview.html, /<\/section><p>Below\.<\/p>/);
      assert.match(panel.webview.html, /Euler: <span class="math-tex"><span class="katex">/);
    } finally {
      panel.dispose();
    }
  });
});

/** A pasted file as the clipboard hands it to a paste provider. */
class ImageItem extends vscode.DataTransferItem {
  constructor(private readonly bytes: Uint8Array, private readonly name: string) {
    super('');
  }
  override asFile(): vscode.DataTransferFile {
    return { name: this.name, uri: undefined, data: async () => this.bytes };
  }
}
