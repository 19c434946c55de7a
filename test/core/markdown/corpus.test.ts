// The corpus: real Trilium HTML (the demo document Trilium gives a new user, Trilium's own help notes) and notes
// in CKEditor's exact output form with every toolbar feature (test/fixtures/markdown-corpus/README.md).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTML_FENCE } from '../../../src/markdown/dialect';
import { markdownToNote, noteToMarkdown, renderMarkdown } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');
const notes = readdirSync(DIR).filter((f) => f.endsWith('.html')).sort().map((f) => ({ name: f, html: readFileSync(join(DIR, f), 'utf8') }));

describe('Markdown corpus: real Trilium notes', function () {
  this.timeout(120_000);
  it('has a corpus with every construct', () => {
    assert.ok(notes.length >= 70, `${notes.length} notes`);
    const all = notes.map((n) => n.html).join('\n');
    for (const marker of ['todo-list', 'admonition', 'figure class="image', 'reference-link', 'language-', 'math-tex', 'include-note', 'figure class="table', 'footnote-section']) {
      assert.ok(all.includes(marker), marker);
    }
  });

  it('every note opens as Markdown and round-trips exactly; prints the figures', () => {
    let opened = 0;
    let exact = 0;
    let mdChars = 0;
    let islandChars = 0;
    const failures: string[] = [];
    for (const { name, html } of notes) {
      const { markdown, islandChars: islands } = noteToMarkdown(html);
      if (!markdown.startsWith('```' + HTML_FENCE) || html.trim() === '') opened++;
      if (normalizeNoteHtml(renderMarkdown(markdown)) === normalizeNoteHtml(html)) exact++;
      else failures.push(name);
      mdChars += markdown.length;
      islandChars += islands;
    }
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    console.log(`      corpus: ${notes.length} notes; open as Markdown ${pct(opened, notes.length)}; exact round trip ${pct(exact, notes.length)}; `
      + `Markdown characters in HTML islands ${pct(islandChars, mdChars)} (${islandChars} of ${mdChars})`);
    assert.deepEqual(failures, []);
    assert.equal(exact, notes.length);
    assert.equal(opened, notes.length);
  });

  it('an unchanged note saves back byte for byte, block by block', () => {
    for (const { name, html } of notes) {
      const { markdown, blocks } = noteToMarkdown(html);
      const saved = markdownToNote(markdown, html);
      const expected = blocks.map((b) => b.gap + b.html).join('');
      assert.equal(saved, expected, name);
      assert.equal(normalizeNoteHtml(saved), normalizeNoteHtml(html), name);
    }
  });

  it('CKEditor-form notes keep every byte when saved unchanged', () => {
    for (const { name, html } of notes.filter((n) => n.name.startsWith('ckeditor-'))) {
      assert.equal(markdownToNote(noteToMarkdown(html).markdown, html), html.trim(), name);
    }
  });
});
