// Saving Markdown back to a note: unchanged blocks keep their stored bytes, and an edited word changes only
// that word in the stored HTML.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownToNote, noteToMarkdown } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

/** The one differing stretch of two strings: what was removed and what was inserted. */
function difference(a: string, b: string): { removed: string; inserted: string } {
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return { removed: a.slice(start, a.length - end), inserted: b.slice(start, b.length - end) };
}

function editWord(markdown: string, from: string, to: string): string {
  const i = markdown.indexOf(from);
  assert.ok(i >= 0, `"${from}" is in the Markdown`);
  return markdown.slice(0, i) + to + markdown.slice(i + from.length);
}

describe('saving Markdown', () => {
  const words: Array<[string, string, string]> = [
    ['ckeditor-toolbar.html', 'Plain', 'Simple'], // paragraph
    ['ckeditor-toolbar.html', 'Nested', 'Inner'], // nested list item
    ['ckeditor-toolbar.html', 'Open task', 'Open chore'], // to-do item
    ['ckeditor-toolbar.html', 'A tip.', 'A hint.'], // admonition
    ['ckeditor-toolbar.html', 'alpha', 'gamma'], // table cell
    ['ckeditor-toolbar.html', 'A photo', 'A picture'], // image alt
    ['ckeditor-toolbar.html', 'Reference target', 'Other target'], // reference link text
    ['ckeditor-toolbar.html', 'print("hi")', 'print("ho")'], // code block
    ['ckeditor-toolbar.html', 'e^{i\\pi}', 'e^{i\\tau}'], // math
    ['ckeditor-journal.html', 'Book the room', 'Book the hall'],
    ['ckeditor-code-and-math.html', 'energy', 'power'],
  ];
  for (const [file, from, to] of words) {
    it(`${file}: changing "${from}" to "${to}" changes only that in the HTML`, () => {
      const html = read(file).trim();
      const edited = editWord(noteToMarkdown(html).markdown, from, to);
      const saved = markdownToNote(edited, html);
      const diff = difference(html, saved);
      assert.ok(diff.removed.length <= from.length && diff.inserted.length <= to.length, JSON.stringify(diff));
      assert.equal(saved, html.replace(from, to));
    });
  }

  it('pretty-printed notes: an edit re-renders only the edited block; the others keep their bytes', () => {
    const html = read('trilium-doc-image-references.html');
    const { markdown, blocks } = noteToMarkdown(html);
    const saved = markdownToNote(editWord(markdown, 'Supported note types', 'Supported types'), html);
    const edited = blocks.findIndex((b) => b.html.includes('Supported note types'));
    for (const [i, b] of blocks.entries()) if (i !== edited) assert.ok(saved.includes(b.html), `block ${i} kept`);
    assert.ok(saved.includes('<h2>Supported types</h2>'));
    assert.equal(normalizeNoteHtml(saved), normalizeNoteHtml(html.replace('Supported note types', 'Supported types')));
  });

  it('new blocks are written in CKEditor form, and a removed block disappears', () => {
    const html = '<p>one</p><p>two</p>';
    assert.equal(markdownToNote('one\n\n- [ ] new task\n\n> [!TIP]\n> tip\n', html),
      '<p>one</p><ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">new task</span></label></li></ul><aside class="admonition tip"><p>tip</p></aside>');
  });

  it('an edited HTML island keeps the rest of the island as written', () => {
    const html = '<p style="text-align:center;">Centered words</p><p>x</p>';
    const { markdown } = noteToMarkdown(html);
    assert.equal(markdownToNote(editWord(markdown, 'words', 'text'), html), '<p style="text-align:center;">Centered text</p><p>x</p>');
  });
});
