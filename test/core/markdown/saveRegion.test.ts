// Saving after an edit parses only the changed region (src/markdown/saveRegion.ts): over the corpus, edits at the
// start, middle and end of notes, insertions, deletions and edits that change a neighbour give exactly the HTML
// of parsing the whole Markdown.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownToNote, noteToMarkdown, renderMarkdown, wholeMarkdownToNote } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';
import { changedRegionToNote } from '../../../src/markdown/saveRegion';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');
const notes = readdirSync(DIR).filter((f) => f.endsWith('.html')).sort().map((f) => ({ name: f, html: readFileSync(join(DIR, f), 'utf8') }));

/** Edits of a note's Markdown: a word changed in each block, a block inserted, a block deleted, two blocks joined. */
function edits(markdown: string, blocks: string[]): string[] {
  const out: string[] = [];
  blocks.forEach((b, i) => {
    const at = markdown.indexOf(b);
    const word = /[A-Za-z]{3,}/.exec(b);
    if (at >= 0 && word) out.push(markdown.slice(0, at) + b.replace(word[0], `${word[0]}X`) + markdown.slice(at + b.length));
    if (at >= 0 && i % 3 === 0) out.push(`${markdown.slice(0, at)}New paragraph.\n\n${markdown.slice(at)}`);
    if (at >= 0 && i % 4 === 1) out.push(markdown.slice(0, at) + markdown.slice(at + b.length + 2));
    if (at >= 0 && i % 5 === 2) out.push(`${markdown.slice(0, at)}- a list item\n\n${markdown.slice(at)}`);
  });
  out.push(markdown.replace(/\n\n/, '\n'), `${markdown}\n\nAppended.`, `Prepended.\n\n${markdown}`, markdown.replace(/\n$/, ''));
  return out;
}

describe('Markdown saving: only the changed region is parsed', function () {
  this.timeout(120_000);
  it('gives the same HTML as parsing the whole Markdown, for every corpus note and many edits', () => {
    let fast = 0;
    let total = 0;
    for (const { name, html } of notes) {
      const opened = noteToMarkdown(html);
      for (const edited of edits(opened.markdown, opened.blocks.map((b) => b.markdown))) {
        const region = changedRegionToNote(edited, opened);
        total++;
        if (region === undefined) continue;
        fast++;
        // Blocks with the same Markdown (empty paragraphs) may be matched to other stored copies by the whole parse.
        const duplicates = new Set(opened.blocks.map((b) => b.markdown)).size < opened.blocks.length;
        if (!duplicates) assert.equal(region, wholeMarkdownToNote(edited, html), `${name}:\n${edited}`);
        assert.equal(normalizeNoteHtml(region), normalizeNoteHtml(renderMarkdown(edited)), `${name}:\n${edited}`);
        assert.equal(markdownToNote(edited, html), region);
      }
    }
    assert.ok(fast > total * 0.5, `${fast} of ${total} edits took the changed-region path`);
  });

  it('falls back to the whole parse when the edit reaches a neighbour or has effects across blocks', () => {
    const html = '<ul><li>a</li></ul><p>middle</p><ul><li>b</li></ul><p>end</p>';
    const opened = noteToMarkdown(html);
    assert.equal(opened.markdown, '- a\n\nmiddle\n\n- b\n\nend\n');
    // Deleting the paragraph makes the two lists one (loose) list: the neighbour changed, so the whole parse.
    assert.equal(changedRegionToNote('- a\n\n- b\n\nend\n', opened), undefined);
    assert.equal(markdownToNote('- a\n\n- b\n\nend\n', html), wholeMarkdownToNote('- a\n\n- b\n\nend\n', html));
    assert.equal(changedRegionToNote('- a\n\nmiddle[^1]\n\n- b\n\nend\n\n[^1]: note\n', opened), undefined, 'footnotes');
    assert.equal(changedRegionToNote('- a\n\n[x]: https://example.org\n\n- b\n\nend\n', opened), undefined, 'reference definitions');
    assert.equal(changedRegionToNote('- a\n\n```\nopen fence\n\n- b\n\nend\n', opened), undefined, 'a fence that swallows the rest');
    assert.equal(changedRegionToNote('- a\n\nmiddle changed\n\n- b\n\nend\n', opened), '<ul><li>a</li></ul><p>middle changed</p><ul><li>b</li></ul><p>end</p>');
    // A note with footnotes: an edit away from them takes the region path; the references keep their numbers.
    const withNotes = '<p>One<span class="footnote-reference" data-footnote-reference="" data-footnote-id="a1" data-footnote-index="1" role="doc-noteref" id="fnrefa1"><sup><a href="#fna1">[1]</a></sup></span></p><p>Two words</p><p>Three</p>'
      + '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes"><li class="footnote-item" data-footnote-item="" data-footnote-id="a1" data-footnote-index="1" role="doc-endnote" id="fna1"><span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="a1"><sup><strong><a href="#fnrefa1">^</a></strong></sup></span><div class="footnote-content" data-footnote-content=""><p>Note.</p></div></li></ol>';
    const notes = noteToMarkdown(withNotes);
    const edited = notes.markdown.replace('Two words', 'Two changed words');
    assert.equal(changedRegionToNote(edited, notes), withNotes.replace('Two words', 'Two changed words'));
    assert.equal(changedRegionToNote(notes.markdown.replace('One[^a1]', 'One[^a1] more'), notes), undefined, 'a block with a reference');
  });
});
