// Every text note opens as Markdown: what Markdown cannot say stays as HTML, so HTML → Markdown → HTML is exact.
import * as assert from 'assert';
import { htmlToMarkdown, markdownToHtml, normalizeHtml, roundTripsAsMarkdown } from '../../../src/editor/htmlMarkdown';

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

  it('normalizing does not hide real differences', () => {
    assert.notStrictEqual(normalizeHtml('<p>a  b</p>'), normalizeHtml('<p>a b</p><p>c</p>'));
    assert.notStrictEqual(normalizeHtml('<pre><code>a  b</code></pre>'), normalizeHtml('<pre><code>a b</code></pre>'));
  });
});
