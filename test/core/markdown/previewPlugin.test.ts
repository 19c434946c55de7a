// VS Code's built-in Markdown preview with the Trilium plugin: trilium: documents render as Trilium shows them,
// other Markdown files as before.
import { strict as assert } from 'node:assert';
import MarkdownIt from 'markdown-it';
import { triliumPreviewPlugin } from '../../../src/markdown/previewPlugin';

const NOTE = [
  '| Name | Value |', '| --- | --- |', '| alpha | 1 |', '',
  '- [ ] open', '- [x] done', '',
  '> [!WARNING]', '> Careful.', '',
  'Energy $E=mc^2$ and [the plan](#root/p1){.reference-link}.', '',
  '![A photo](api/attachments/aB3/image/p.png){.image-style-align-center width=50}', '',
].join('\n');

describe('Markdown preview plugin', () => {
  // Like VS Code's own instance: linkify and HTML on.
  const md = triliumPreviewPlugin(new MarkdownIt({ html: true, linkify: true }));
  const trilium = { currentDocument: { scheme: 'trilium', path: '/abc/Note.md' } };

  it('renders a trilium: note in CKEditor form: table, to-do list, admonition, math, reference link, image', () => {
    const html = md.render(NOTE, trilium);
    assert.match(html, /<figure class="table"><table><thead><tr><th>Name<\/th>/);
    assert.match(html, /<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">open<\/span>/);
    assert.match(html, /<input type="checkbox" checked="checked" disabled="disabled">/);
    assert.match(html, /<aside class="admonition warning"><p>Careful\.<\/p><\/aside>/);
    assert.match(html, /<span class="math-tex">\\\(E=mc\^2\\\)<\/span>/);
    assert.match(html, /<a href="#root\/p1" class="reference-link">the plan<\/a>/);
    assert.match(html, /<figure class="image image-style-align-center"><img src="api\/attachments\/aB3\/image\/p.png" alt="A photo" width="50"><\/figure>/);
  });

  it('leaves other Markdown files as VS Code renders them', () => {
    const html = md.render(NOTE, { currentDocument: { scheme: 'file', path: '/x.md' } });
    assert.ok(!html.includes('todo-list') && !html.includes('math-tex') && !html.includes('admonition'), html);
    assert.match(html, /<li>\[ \] open<\/li>/);
    assert.match(html, /Energy \$E=mc\^2\$/);
  });
});
