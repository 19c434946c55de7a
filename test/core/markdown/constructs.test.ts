// Each construct of the Trilium Markdown dialect, both ways: CKEditor HTML → Markdown, and Markdown → the exact
// HTML CKEditor writes.
import { strict as assert } from 'node:assert';
import { markdownToNote, noteToMarkdown, renderMarkdown } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';

interface Case { name: string; html: string; markdown: string }

const cases: Case[] = [
  { name: 'paragraphs and emphasis', html: '<p>Hello <strong>bold</strong> and <i>italic</i> <s>gone</s> <code>x()</code></p>', markdown: 'Hello **bold** and *italic* ~~gone~~ `x()`' },
  { name: 'headings', html: '<h2>Two</h2><h3>Three</h3>', markdown: '## Two\n\n### Three' },
  { name: 'bullet and numbered lists, nested', html: '<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol start="3"><li>three</li><li>four</li></ol>', markdown: '- a\n- b\n  - c\n\n3. three\n4. four' },
  { name: 'two lists in a row stay two lists', html: '<ul><li>a</li></ul><ul><li>b</li></ul>', markdown: '- a\n\n* b' },
  {
    name: 'to-do list',
    html: '<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">open</span></label></li>'
      + '<li><label class="todo-list__label"><input type="checkbox" checked="checked" disabled="disabled"><span class="todo-list__label__description">done <strong>now</strong></span></label>'
      + '<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">sub</span></label></li></ul></li></ul>',
    markdown: '- [ ] open\n- [x] done **now**\n  - [ ] sub',
  },
  { name: 'admonition', html: '<aside class="admonition warning"><p>Careful.</p><p>Really.</p></aside>', markdown: '> [!WARNING]\n> Careful.\n>\n> Really.' },
  { name: 'block quote', html: '<blockquote><p>Quoted</p></blockquote>', markdown: '> Quoted' },
  {
    name: 'block image with alignment and width',
    html: '<figure class="image image-style-align-center image_resized" style="width:50%;"><img style="aspect-ratio:640/480;" src="api/attachments/aB3dE5gH7jK9/image/photo.jpg" alt="A photo" width="640" height="480"></figure>',
    markdown: '![A photo](api/attachments/aB3dE5gH7jK9/image/photo.jpg){.image-style-align-center .image_resized style="width:50%;" width=640 height=480 img-style="aspect-ratio:640/480;"}',
  },
  { name: 'plain block image', html: '<figure class="image"><img src="api/images/abc123/a b.png"></figure>', markdown: '![](<api/images/abc123/a b.png>)' },
  { name: 'inline image', html: '<p>Icon <img src="api/images/abc123/i.png" width="20" height="15"> here</p>', markdown: 'Icon ![](api/images/abc123/i.png){width=20 height=15} here' },
  { name: 'reference link', html: '<p>See <a class="reference-link" href="#root/pOsGYCXsbNQG/KSiXkBbBtHDC">Target</a>&nbsp;now</p>', markdown: 'See [Target](#root/pOsGYCXsbNQG/KSiXkBbBtHDC){.reference-link}\u00a0now' },
  { name: 'ordinary links', html: '<p><a href="https://example.com/a?b=1&amp;c=2">site</a> and <a href="#root/KSiXkBbBtHDC">note</a></p>', markdown: '[site](https://example.com/a?b=1&c=2) and [note](#root/KSiXkBbBtHDC)' },
  { name: 'code block with Trilium language', html: '<pre><code class="language-application-javascript-env-frontend">const a = 1;\n\nfoo(`x`);</code></pre>', markdown: '```application-javascript-env-frontend\nconst a = 1;\n\nfoo(`x`);\n```' },
  { name: 'code block holding a fence', html: '<pre><code class="language-text-x-markdown">```js\nx\n```</code></pre>', markdown: '````text-x-markdown\n```js\nx\n```\n````' },
  { name: 'inline math', html: '<p>So <span class="math-tex">\\(e^{i\\pi} + 1 = 0\\)</span>, and $5.</p>', markdown: 'So $e^{i\\pi} + 1 = 0$, and \\$5.' },
  { name: 'display math', html: '<span class="math-tex">\\[\\sum_k k\\]</span>', markdown: '$$\\sum_k k$$' },
  {
    name: 'table with a header row',
    html: '<figure class="table"><table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>a</td><td><strong>1</strong> | 2</td></tr></tbody></table></figure>',
    markdown: '| Name | Value |\n| --- | --- |\n| a | **1** \\| 2 |',
  },
  {
    name: 'table without a header row',
    html: '<figure class="table"><table><tbody><tr><td>a</td><td>b</td></tr></tbody></table></figure>',
    markdown: '|   |   |\n| --- | --- |\n| a | b |',
  },
  { name: 'included note', html: '<section class="include-note" data-note-id="KSiXkBbBtHDC" data-box-size="medium">&nbsp;</section>', markdown: '![](#root/KSiXkBbBtHDC){.include-note size=medium}' },
  { name: 'included note without a box size, in a quote', html: '<blockquote><p>See:</p><section class="include-note" data-note-id="abc_123">&nbsp;</section></blockquote>', markdown: '> See:\n>\n> ![](#root/abc_123){.include-note}' },
  { name: 'inline formatting without Markdown syntax stays inline HTML', html: '<p><u>u</u> <kbd>Ctrl</kbd> x<sup>2</sup> <span style="color:hsl(0,75%,60%);">red *not em*</span></p>', markdown: '<u>u</u> <kbd>Ctrl</kbd> x<sup>2</sup> <span style="color:hsl(0,75%,60%);">red \\*not em\\*</span>' },
  { name: 'empty paragraph, line break, rule', html: '<p>a<br>b</p><p>&nbsp;</p><hr>', markdown: 'a\\\nb\n\n&nbsp;\n\n---' },
  { name: 'Markdown characters in text are escaped', html: '<p>2*3*4 _x_ [y] &lt;b&gt; `t` # h ~s~ {.c}</p>', markdown: '2\\*3\\*4 \\_x\\_ \\[y\\] \\<b\\> \\`t\\` # h \\~s\\~ \\{.c}' },
];

describe('Trilium Markdown dialect: each construct both ways', () => {
  for (const c of cases) {
    it(`${c.name}: HTML → Markdown`, () => {
      const { markdown, blocks } = noteToMarkdown(c.html);
      assert.equal(markdown, `${c.markdown}\n`);
      if (!c.name.includes('island')) assert.ok(blocks.every((b) => !b.island), 'no block fell back to an island');
    });
    it(`${c.name}: Markdown → CKEditor HTML`, () => {
      assert.equal(renderMarkdown(c.markdown), c.html);
    });
  }

  it('a paragraph with a style stays an HTML island and round-trips exactly', () => {
    const html = '<p style="text-align:center;">Centered</p><p>next</p>';
    const { markdown, blocks } = noteToMarkdown(html);
    assert.equal(markdown, '<p style="text-align:center;">Centered</p>\n\nnext\n');
    assert.deepEqual(blocks.map((b) => b.island), [true, false]);
    assert.equal(renderMarkdown(markdown), html);
  });

  it('an island with blank lines inside <pre> still renders exactly', () => {
    const html = '<div class="custom"><pre>a\n\nb</pre></div><p>x</p>';
    const { markdown } = noteToMarkdown(html);
    assert.equal(renderMarkdown(markdown).replace('&#10;', '\n'), html);
  });
});

describe('Trilium Markdown dialect: included notes', () => {
  const section = '<section class="include-note" data-note-id="KSiXkBbBtHDC" data-box-size="small">&nbsp;</section>';

  it('shows the included note\'s title, escaped, and renders the same section whatever the title', () => {
    const titles = new Map([['KSiXkBbBtHDC', 'The *Last*  [Question] <b>']]);
    const { markdown, blocks } = noteToMarkdown(`<p>a</p>${section}`, titles);
    assert.equal(markdown, 'a\n\n![The \\*Last\\* \\[Question\\] \\<b\\>](#root/KSiXkBbBtHDC){.include-note size=small}\n');
    assert.ok(blocks.every((b) => !b.island));
    assert.equal(renderMarkdown(markdown), `<p>a</p>${section}`);
    assert.equal(renderMarkdown('![Renamed since](#root/KSiXkBbBtHDC){.include-note size=small}'), section);
  });

  it('saves byte for byte with the titles it opened with, and an edited word elsewhere changes only that word', () => {
    const html = `<p>one word</p>${section}<p>two</p>`;
    const titles = new Map([['KSiXkBbBtHDC', 'Included']]);
    const { markdown } = noteToMarkdown(html, titles);
    assert.equal(markdownToNote(markdown, html, titles), html);
    assert.equal(markdownToNote(markdown.replace('word', 'verb'), html, titles), html.replace('word', 'verb'));
  });

  it('Trilium\'s older form (no box size, a plain space, attributes on their own line) is Markdown too', () => {
    const old = '<section\n  class="include-note" data-note-id="SwUPk8UkwOx5"> </section>';
    const { markdown, blocks } = noteToMarkdown(old);
    assert.equal(markdown, '![](#root/SwUPk8UkwOx5){.include-note}\n');
    assert.ok(!blocks[0].island);
    assert.equal(normalizeNoteHtml(renderMarkdown(markdown)), normalizeNoteHtml(old));
    assert.equal(markdownToNote(markdown, old), old);
  });

  it('an embed written inside text splits the paragraph, as CKEditor does', () => {
    assert.equal(renderMarkdown('Before ![T](#root/a/KSiXkBbBtHDC){.include-note size=small} after\nmore'),
      `<p>Before</p>${section}<p>after more</p>`);
    assert.equal(renderMarkdown('- ![T](#root/x){.include-note}\n- y'), '<ul><li><section class="include-note" data-note-id="x">&nbsp;</section></li><li>y</li></ul>');
  });

  it('an image with other attributes, or not linking a note, stays an image', () => {
    assert.equal(renderMarkdown('![T](#root/x){.include-note width=3}'), '<figure class="image include-note"><img src="#root/x" alt="T" width="3"></figure>');
    assert.equal(renderMarkdown('![T](https://x.org/a.png){.include-note}'), '<figure class="image include-note"><img src="https://x.org/a.png" alt="T"></figure>');
  });

  it('sections it cannot say exactly stay HTML islands', () => {
    for (const html of [
      '<section class="include-note" data-note-id="abc">text</section>',
      '<section class="include-note box-size-small" data-note-id="abc">&nbsp;</section>',
      '<section class="include-note" data-note-id="abc" data-hide-title="true">&nbsp;</section>',
      '<section class="include-note" data-note-id="a/b">&nbsp;</section>',
    ]) {
      const { markdown, blocks } = noteToMarkdown(html);
      assert.ok(blocks[0].island, html);
      assert.equal(normalizeNoteHtml(renderMarkdown(markdown)), normalizeNoteHtml(html));
    }
  });
});
