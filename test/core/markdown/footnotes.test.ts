// Footnotes both ways: CKEditor's footnotes plugin markup (a reference span in the text, the footnote section at
// the end of the note) ↔ Markdown `[^id]` references and `[^id]: …` definitions (markdown-it-footnote).
import { strict as assert } from 'node:assert';
import { markdownToNote, noteToMarkdown, renderMarkdown } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';
import { sanitizeNoteHtml } from '../../../src/preview/sanitize';

const ref = (id: string, n: number): string => `<span class="footnote-reference" data-footnote-reference="" data-footnote-id="${id}" data-footnote-index="${n}" role="doc-noteref" id="fnref${id}"><sup><a href="#fn${id}">[${n}]</a></sup></span>`;
const item = (id: string, n: number, body: string): string => `<li class="footnote-item" data-footnote-item="" data-footnote-id="${id}" data-footnote-index="${n}" role="doc-endnote" id="fn${id}">`
  + `<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="${id}"><sup><strong><a href="#fnref${id}">^</a></strong></sup></span>`
  + `<div class="footnote-content" data-footnote-content="">${body}</div></li>`;
const section = (...items: string[]): string => `<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes">${items.join('')}</ol>`;

const HTML = `<p>Claim${ref('ab12', 1)} and another${ref('cd34', 2)}.</p><p>More text.</p>`
  + section(item('ab12', 1, '<p>First <strong>note</strong>.</p>'), item('cd34', 2, '<p>Second.</p><p>Para two.</p>'));
const MARKDOWN = 'Claim[^ab12] and another[^cd34].\n\nMore text.\n\n[^ab12]: First **note**.\n\n[^cd34]: Second.\n\n    Para two.\n';

describe('Markdown footnotes ↔ CKEditor footnotes', () => {
  it('HTML → Markdown: references become [^id], the section becomes definitions, no islands', () => {
    const { markdown, islandChars } = noteToMarkdown(HTML);
    assert.equal(markdown, MARKDOWN);
    assert.equal(islandChars, 0);
  });

  it('Markdown → HTML: the exact markup of the footnotes plugin, numbered in the order of first reference', () => {
    assert.equal(renderMarkdown(MARKDOWN), HTML);
    const written = renderMarkdown('B[^y] then A[^x].\n\n[^x]: Ex.\n\n[^y]: Why.\n');
    assert.equal(written, `<p>B${ref('y', 1)} then A${ref('x', 2)}.</p>${section(item('y', 1, '<p>Why.</p>'), item('x', 2, '<p>Ex.</p>'))}`);
  });

  it('a new footnote typed in Markdown gets the plugin markup; the rest of the note keeps its bytes', () => {
    const { markdown } = noteToMarkdown(HTML);
    const edited = markdown.replace('More text.', 'More text[^new1].').replace('    Para two.\n', '    Para two.\n\n[^new1]: Added in VS Code.\n');
    const saved = markdownToNote(edited, HTML);
    assert.equal(saved, `<p>Claim${ref('ab12', 1)} and another${ref('cd34', 2)}.</p><p>More text${ref('new1', 3)}.</p>`
      + section(item('ab12', 1, '<p>First <strong>note</strong>.</p>'), item('cd34', 2, '<p>Second.</p><p>Para two.</p>'), item('new1', 3, '<p>Added in VS Code.</p>')));
  });

  it('editing a word of a footnote changes only that word; an unchanged section keeps its own attribute order', () => {
    const reordered = HTML.replace('data-footnote-id="ab12" data-footnote-index="1" role="doc-endnote"', 'data-footnote-index="1" data-footnote-id="ab12" role="doc-endnote"');
    const { markdown, islandChars } = noteToMarkdown(reordered);
    assert.equal(islandChars, 0, 'the same form is proven, not only the same bytes');
    assert.equal(markdownToNote(markdown.replace('More', 'Less'), reordered), reordered.replace('More', 'Less'));
    assert.equal(markdownToNote(markdown.replace('Second', 'Other'), reordered), renderMarkdown(markdown.replace('Second', 'Other')));
  });

  it('a section that is not the last block, or numbers that do not follow the references, stays exact as HTML', () => {
    const notLast = `<p>A${ref('a1', 1)}</p>${section(item('a1', 1, '<p>Note.</p>'))}<p>After.</p>`;
    const misnumbered = `<p>A${ref('a1', 2)} B${ref('b2', 1)}</p>${section(item('b2', 1, '<p>Bee.</p>'), item('a1', 2, '<p>Ay.</p>'))}`;
    for (const html of [notLast, misnumbered]) {
      const { markdown, islandChars } = noteToMarkdown(html);
      assert.ok(islandChars > 0, markdown);
      assert.equal(normalizeNoteHtml(renderMarkdown(markdown)), normalizeNoteHtml(html));
      assert.equal(markdownToNote(markdown, html), html);
    }
  });

  it('footnote-like text is escaped, and ^[inline] footnotes stay text', () => {
    const html = '<p>[^x]: not a definition, and [^x] not a reference; ^[nor this]</p>';
    const { markdown } = noteToMarkdown(html);
    assert.equal(renderMarkdown(markdown), html);
    assert.equal(renderMarkdown('Caret ^[text] here.\n'), '<p>Caret ^[text] here.</p>');
  });

  it('the note preview keeps footnote numbers and back links as anchors in the page, not links to notes', () => {
    const { html, refs } = sanitizeNoteHtml(`${HTML}<p><a href="#root/abc123">a note</a></p>`, () => undefined);
    assert.match(html, /<span class="footnote-reference" id="fnrefab12"><sup><a href="#fnab12">\[1\]<\/a><\/sup><\/span>/);
    assert.match(html, /<li class="footnote-item" id="fnab12"><span class="footnote-back-link"><sup><strong><a href="#fnrefab12">\^<\/a>/);
    assert.deepEqual([...refs.noteLinks], ['abc123']);
    const outside = sanitizeNoteHtml('<p><a href="#fnab12">x</a><span id="fnrefx" class="other">y</span></p>', () => undefined).html;
    assert.equal(outside, '<p><a href="#" data-note-id="fnab12">x</a><span class="other">y</span></p>', 'outside footnote markup: a note link, no ids');
  });
});
