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
  'A claim[^src].', '',
  '[^src]: The report.', '',
].join('\n');

/** Rules under the names VS Code's markdown-math gives its `$$` block and `$` inline math, registered after ours. */
function useMarkdownMathLike(md: MarkdownIt.MarkdownIt): void {
  md.block.ruler.after('blockquote', 'math_block', (state, start, _end, silent) => {
    const line = state.src.slice(state.bMarks[start] + state.tShift[start], state.eMarks[start]);
    const m = /^\$\$(.+)\$\$$/.exec(line);
    if (!m) return false;
    if (!silent) Object.assign(state.push('math_block', 'p', 0), { content: m[1], map: [start, start + 1] });
    state.line = start + 1;
    return true;
  }, { alt: ['paragraph', 'reference', 'blockquote', 'list'] }); // as markdown-math's: it interrupts a paragraph
  md.inline.ruler.after('escape', 'math_inline', (state, silent) => {
    const m = /^\$([^$]+)\$/.exec(state.src.slice(state.pos));
    if (!m) return false;
    if (!silent) state.push('math_inline', 'i', 0).content = m[1];
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.math_block = (tokens, i) => `<p class="other-math">${tokens[i].content}</p>`;
  md.renderer.rules.math_inline = (tokens, i) => `<i class="other-math">${tokens[i].content}</i>`;
}

describe('Markdown preview plugin', () => {
  // Like VS Code's own instance: linkify and HTML on.
  const md = triliumPreviewPlugin(new MarkdownIt({ html: true, linkify: true }));
  const trilium = (): { currentDocument: object } => ({ currentDocument: { scheme: 'trilium', path: '/abc/Note.md' } });

  it('renders a trilium: note in CKEditor form: table, to-do list, admonition, math, reference link, image', () => {
    const html = md.render(NOTE, trilium());
    assert.match(html, /<figure class="table"><table><thead><tr><th>Name<\/th>/);
    assert.match(html, /<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">open<\/span>/);
    assert.match(html, /<input type="checkbox" checked="checked" disabled="disabled">/);
    assert.match(html, /<aside class="admonition warning"><p>Careful\.<\/p><\/aside>/);
    assert.match(html, /<span class="math-tex"><span class="katex"><span class="katex-mathml"><math [^>]*><semantics>.*<annotation encoding="application\/x-tex">E=mc\^2<\/annotation>/);
    assert.match(html, /<a href="#root\/p1" class="reference-link">the plan<\/a>/);
    assert.match(html, /<figure class="image image-style-align-center"><img src="api\/attachments\/aB3\/image\/p.png" alt="A photo" width="50"><\/figure>/);
    assert.match(html, /A claim<span class="footnote-reference"[^>]* data-footnote-id="src" data-footnote-index="1"[^>]*><sup><a href="#fnsrc">\[1\]<\/a><\/sup><\/span>\./);
    assert.match(html, /<ol class="footnote-section footnotes"[^>]*><li class="footnote-item"[^>]* id="fnsrc">.*<div class="footnote-content"[^>]*><p>The report\.<\/p><\/div><\/li><\/ol>/);
  });

  it('as VS Code runs it: tokens parsed without the document are parsed again as a note; markdown-math stays out of notes', () => {
    const source = 'Display:\n\n$$x^2$$\n\nInline $y$ and a claim[^a].\n\n[^a]: Why.\n';
    const note = trilium();
    const vscodeMd = triliumPreviewPlugin(new MarkdownIt({ html: true }), { sourceOf: (env) => (env === note ? source : undefined) });
    useMarkdownMathLike(vscodeMd);
    const html = vscodeMd.renderer.render(vscodeMd.parse(source, { currentDocument: undefined }), vscodeMd.options, note);
    assert.ok(!html.includes('other-math'), html);
    assert.match(html, /<span class="math-tex"><span class="katex-display"><span class="katex">.*<annotation encoding="application\/x-tex">x\^2<\/annotation>/);
    assert.match(html, /Inline <span class="math-tex"><span class="katex">.*<annotation encoding="application\/x-tex">y<\/annotation>/);
    assert.match(html, /a claim<span class="footnote-reference"[^>]*><sup><a href="#fna">\[1\]<\/a><\/sup><\/span>\./);
    const file = { currentDocument: { scheme: 'file', path: '/x.md' } };
    const plain = vscodeMd.renderer.render(vscodeMd.parse(source, { currentDocument: undefined }), vscodeMd.options, file);
    assert.match(plain, /<p class="other-math">x\^2<\/p>/);
    assert.match(plain, /Inline <i class="other-math">y<\/i> and a claim/);
    assert.ok(!plain.includes('katex') && !plain.includes('footnote'), plain);
  });

  it('tokens VS Code parsed without the document render as the note they were parsed from, with no sourceOf: a $$ line stays in its paragraph', () => {
    const source = 'Text\n$$y^3$$\nmore.\n\n<p>Costs $5 and $6.</p>\n';
    const vscodeMd = triliumPreviewPlugin(new MarkdownIt({ html: true }));
    useMarkdownMathLike(vscodeMd);
    const tokens = vscodeMd.parse(source, { currentDocument: undefined });
    assert.ok(tokens.some((t) => t.type === 'math_block'), 'markdown-math (as VS Code parses) splits the paragraph at the $$ line');
    const html = vscodeMd.renderer.render(tokens, vscodeMd.options, trilium());
    assert.match(html, /^<p>Text<span class="math-tex"><span class="katex-display">.*<annotation encoding="application\/x-tex">y\^3<\/annotation>.*<\/span>more\.<\/p><p>Costs \$5 and \$6\.<\/p>$/s);
    assert.ok(!html.includes('other-math'), html);
  });

  it('leaves other Markdown files as VS Code renders them', () => {
    const html = md.render(NOTE, { currentDocument: { scheme: 'file', path: '/x.md' } });
    assert.ok(!html.includes('todo-list') && !html.includes('math-tex') && !html.includes('admonition'), html);
    assert.match(html, /<li>\[ \] open<\/li>/);
    assert.match(html, /Energy \$E=mc\^2\$/);
    assert.match(html, /A claim\[\^src\]\./);
    assert.ok(!html.includes('footnote'), html);
  });
});
