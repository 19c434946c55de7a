// Every text note opens as Markdown: what Markdown cannot say stays as HTML, so HTML → Markdown → HTML is exact.
import * as assert from 'assert';
import { htmlToMarkdown, includeTitles, markdownToHtml, normalizeHtml, roundTripsAsMarkdown } from '../../../src/editor/htmlMarkdown';
import type { NoteRow } from '../../../src/storage/types';

describe('text notes: HTML ↔ Markdown', () => {
  const lossless = [
    '<p>Hello <strong>world</strong></p>',
    '<h2>Title</h2><p>a <i>b</i>&nbsp;c</p><ul><li>one</li><li>two</li></ul>',
    '<pre><code class="language-javascript">const a = 1;\nfoo();</code></pre>',
    '<p><a href="#root/abc">link</a></p>',
    '<p>a<br>b</p>',
    '<ol><li>x</li></ol><blockquote><p>q</p></blockquote>',
    '<p>He said "hi" &amp; left</p>',
    '',
  ];
  const withIslands = [
    '<p style="color:red">x</p>',
    '<figure class="table"><table><tbody><tr><td>a</td></tr></tbody></table></figure>',
    '<p><span class="math-tex">x</span></p>',
    '<p><u>underlined</u></p>',
    '<ul class="todo-list"><li><label><input type="checkbox">task</label></li></ul>',
  ];

  for (const html of lossless) {
    it(`opens as Markdown: ${JSON.stringify(html).slice(0, 60)}`, () => {
      assert.strictEqual(roundTripsAsMarkdown(html), true);
      assert.strictEqual(normalizeHtml(markdownToHtml(htmlToMarkdown(html))), normalizeHtml(html));
    });
  }
  for (const html of withIslands) {
    it(`opens as Markdown with HTML islands: ${JSON.stringify(html).slice(0, 60)}`, () => {
      assert.strictEqual(roundTripsAsMarkdown(html), true);
      assert.strictEqual(normalizeHtml(markdownToHtml(htmlToMarkdown(html))), normalizeHtml(html));
    });
  }

  it('keeps the code block language as the fence info string', () => {
    assert.strictEqual(htmlToMarkdown('<pre><code class="language-python">print(1)</code></pre>'), '```python\nprint(1)\n```\n');
  });

  it('included notes open with their titles, except deleted and protected ones', async () => {
    const html = ['Shown', 'Secret', 'Gone', 'Missing'].map((id) => `<section class="include-note" data-note-id="${id}">&nbsp;</section>`).join('');
    const rows: Record<string, Partial<NoteRow>> = {
      Shown: { title: 'A [title]', isDeleted: 0, isProtected: 0 },
      Secret: { title: 'Payroll', isDeleted: 0, isProtected: 1 },
      Gone: { title: 'Old', isDeleted: 1, isProtected: 0 },
    };
    const titles = await includeTitles(html, async (id) => (rows[id] as NoteRow | undefined) ?? null);
    assert.deepStrictEqual([...titles], [['Shown', 'A [title]']]);
    assert.strictEqual(htmlToMarkdown(html, titles),
      '![A \\[title\\]](#root/Shown){.include-note}\n\n![](#root/Secret){.include-note}\n\n![](#root/Gone){.include-note}\n\n![](#root/Missing){.include-note}\n');
    assert.strictEqual(markdownToHtml(htmlToMarkdown(html, titles), html, titles), html);
  });

  it('normalizing does not hide real differences', () => {
    assert.notStrictEqual(normalizeHtml('<p>a  b</p>'), normalizeHtml('<p>a b</p><p>c</p>'));
    assert.notStrictEqual(normalizeHtml('<pre><code>a  b</code></pre>'), normalizeHtml('<pre><code>a b</code></pre>'));
  });
});
