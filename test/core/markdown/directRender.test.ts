// The proof's fast path (directRender.ts) must read Markdown exactly as the slow path does (markdown-it, parsed
// alone, in CKEditor's form) wherever it answers: on the corpus, on adversarial snippets and on random notes.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ckeditorKeepsTree, noteToMarkdown, renderAlone, renderMarkdown, renderRawIslandLine } from '../../../src/markdown/convert';
import { ckeditorTree } from '../../../src/markdown/ckeditorForm';
import { triliumMarkdownIt } from '../../../src/markdown/markdownIt';
import { renderDirect } from '../../../src/markdown/directRender';
import { parseHtml, serializeChildren } from '../../../src/markdown/htmlTree';
import { parseStrictHtml } from '../../../src/markdown/strictHtml';
import { normalizeNodes, normalizeNoteHtml } from '../../../src/markdown/normalize';
import { seededRandom } from '../../shared/seededRandom';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');

/** Whether the fast path answered; fails when its answer differs from the slow path's. */
function agrees(markdown: string): boolean {
  const direct = renderDirect(markdown);
  if (!direct) return false;
  const slow = renderAlone(markdown);
  assert.ok(slow, `the fast path read one block where markdown-it does not: ${JSON.stringify(markdown)}`);
  assert.deepEqual(
    { html: direct.html, firstList: direct.firstList, lastList: direct.lastList },
    { html: slow.html, firstList: slow.firstList, lastList: slow.lastList },
    JSON.stringify(markdown),
  );
  // Blocks whose HTML is not byte for byte CKEditor's are compared in comparison form, from a parse of the fast
  // path's HTML instead of markdown-it's tree: the two must not differ there either.
  assert.equal(normalizeNodes(parseHtml(direct.html).childNodes), normalizeNodes(slow.tree.childNodes), JSON.stringify(markdown));
  return true;
}

const RISKY = ['*', '_', '[', ']', '(', ')', '<', '>', '#', '!', '|', '\\', '`', '~', '$', '&', '&amp;', '&nbsp;', '&lt;', '&#42;', '\u00a0', ' ', '  ', '-', '+', '1.', '2)', ':', '{', '}', '^', '"', "'", '=', 'é', '—', '😀', '\u2003', '.', ','];
const WORDS = ['a', 'word', 'Text', '42', 'x1', 'ü'];

describe('Markdown proof: the fast path agrees with markdown-it', function () {
  this.timeout(120_000);

  it('on every block of the corpus (and answers for most of them)', () => {
    let blocks = 0;
    let answered = 0;
    for (const f of readdirSync(DIR).filter((n) => n.endsWith('.html'))) {
      for (const b of noteToMarkdown(readFileSync(join(DIR, f), 'utf8')).blocks) {
        blocks++;
        if (agrees(b.markdown)) answered++;
      }
    }
    console.log(`      fast path answered for ${answered} of ${blocks} corpus blocks`);
    assert.ok(answered / blocks > 0.75, `${answered} of ${blocks}`);
  });

  it('reads a one-line raw island as markdown-it does: one HTML block, rendered as written', () => {
    const islands = readdirSync(DIR).filter((n) => n.endsWith('.html')).flatMap((f) => noteToMarkdown(readFileSync(join(DIR, f), 'utf8')).blocks)
      .filter((b) => b.island).map((b) => b.markdown);
    const cases = [
      ...islands, '<p style="text-align:center;">x</p>', '<P CLASS="a">x</P>', '<div>', '</div>', '<hr/>', '<hr>x', '<p\tid="a">x</p>',
      '<pre>x</pre>', '<pres>x</pres>', '<script>x</script>', '<!-- c -->', '<span>x</span>', '<p>a\rb</p>', '<p>a\0b</p>', '<p>a\nb</p>',
      '<p>a</p>\n\n<p>b</p>', '<table><tr><td>a|b</td></tr></table>', '<h7>x</h7>', '<h6>x</h6>', '<li>x', '<figure class="image"><img src="a"></figure>',
    ];
    const md = triliumMarkdownIt();
    let answered = 0;
    for (const markdown of cases) {
      const fast = renderRawIslandLine(markdown);
      if (fast === undefined) continue;
      answered++;
      const source = `${markdown}\n\ntrilium-proof-sentinel\n`;
      const tokens = md.parse(source, {});
      assert.equal(tokens[0].type, 'html_block', markdown);
      assert.deepEqual(tokens[0].map, [0, 1], markdown);
      assert.equal(md.renderer.render(tokens.slice(0, 1), md.options, {}), fast, markdown);
      assert.equal(tokens[1].type, 'paragraph_open', markdown);
    }
    console.log(`      one-line raw islands read directly: ${answered} of ${cases.length}`);
    assert.ok(answered >= islands.length / 2, `${answered}`);
  });

  it('proves a raw island by its own tree only where CKEditor\'s form leaves that tree as it is', () => {
    const islands = readdirSync(DIR).filter((n) => n.endsWith('.html')).flatMap((f) => noteToMarkdown(readFileSync(join(DIR, f), 'utf8')).blocks)
      .filter((b) => b.island && b.markdown === b.html && !b.html.includes('\n')).map((b) => b.html);
    const reshaped = [
      '<p class="a">a<br> b</p>', '<div><p>a</p> </div>', '<p class="a"><img src="a"></p>',
      '<table><tbody><tr><td>a</td></tr></tbody></table>', '<ul><li>[ ] a</li></ul>', '<ul class="a"><li><p>[x] b</p></li></ul>',
      '<blockquote><p>[!NOTE] a</p></blockquote>', '<p><span class="math-tex">\\[x\\]</span></p>', '<DIV><P>a</P>\t</DIV>',
      '<div><img src="a" data-trilium-figure-class="x"></div>',
    ];
    const kept = ['<p style="text-align:center;">x</p>', '<div class="a"><p>a</p><p>b&amp;c</p></div>', '<P CLASS="a">x</P>', '<h2 id="b">a<br>b</h2>'];
    let accepted = 0;
    let changed = 0;
    for (const html of [...islands, ...reshaped, ...kept]) {
      const tree = parseStrictHtml(html, false);
      if (!tree) continue;
      const same = serializeChildren(ckeditorTree(`${html}\n`)) === serializeChildren(tree);
      if (!same) changed++;
      if (!ckeditorKeepsTree(html)) continue;
      accepted++;
      assert.ok(same, `CKEditor's form reshapes ${JSON.stringify(html)}`);
    }
    assert.equal(changed, reshaped.length, 'the reshaped cases are reshaped');
    assert.equal(accepted, islands.length + kept.length, `${islands.length} one-line corpus islands and ${kept.length} kept`);
  });

  it('answers for the common constructs, as CKEditor writes them', () => {
    for (const md of [
      'Plain **bold** *italic* ~~struck~~ `code` [link](https://e.com/?a=1&b=2) and [ref](#root/abc){.reference-link}.',
      '# Title', '### Sub *title*', '---', '&nbsp;', 'Line one\\\nline two', 'Math $x^2$ inline', '$$\\sum_k k$$',
      '- a\n- b\n  - c', '1. one\n2. two', '| a | b |\n| --- | --- |\n| 1 | **2** |', '3) three', '- [x] done\n- [ ] open\n  - [ ] nested',
      '> quoted\n>\n> - item', '> [!NOTE]\n> A note.', '```js\nlet a = 1;\n```', '````\n```\n````',
      'Text with <u>under</u>, <sup>sup</sup> and <span style="color:hsl(0,75%,60%);">colour</span>.',
      '![A photo](api/attachments/a/image/p.jpg){.image-style-align-center .image_resized style="width:50%;" width=640 height=480 img-style="aspect-ratio:640/480;"}',
    ]) assert.ok(agrees(md), md);
  });

  it('on adversarial snippets: Markdown-special characters, line starts, entities, spaces, breaks', () => {
    const snippets = [
      '\\*not em\\*', '2\\*3\\*4', 'a*b*c', 'a**b**c', '**a**b', '*a *b* c*', '***x***', '**(x)**y', 'x**(y)**', '*[a](b)*', '**`c`**d',
      '\\_u\\_', '_u_', '\\[x\\]', '[x]', '[x] y', '\\[ \\] task', '- \\[ \\] a\n- \\[x\\] b', '- [ ] a\n- b', '[a](b c)', '[a](<b c>)',
      '[a](javascript:alert(1))', '[a](\\(x\\))', '[a]()', '[*a*](u)', '[a](u){.x}', '[a](u){.reference-link}', '[a](u&amp;v)', '[a](u&v)',
      '\\<tag\\>', '<u>x</u>', '<u>x', 'x</u>', '<u>', '<div>x</div>', '<span class="math-tex">\\[x\\]</span> t', '<span a="1" a="2">x</span>',
      '<span title="a &amp; &quot;b&quot;">x</span>', '<span title="&lt;">x</span>', '<u>*x</u>*', '\\# not heading', '# heading #', '# C#', '#no',
      '1\\. not a list', '1. a list', '\\- dash', '- ', '\\+ plus', '\\> quote', '> [!NOTE]', '> [!NOTE]\n> ---', '> [!NOTE]\n> 2. x', '> \\[!NOTE\\] x',
      '&amp;', '\\&amp;', '&copy;', '&#42;', '& a', 'a&nbsp;b', '&nbsp;a', 'a&nbsp;', '\u00a0a', 'a\u00a0', ' lead', 'trail ', 'trail  ',
      'hard\\\nbreak', 'hard\\\n  indented', 'soft\nbreak', 'a\\\\\nb', 'end\\', 'a\\\n\\- b', 'a\\\n1\\. b', 'a\\\n:--', 'a \\| b\\\n:--',
      '`a`b`', '``a`b``', '` a `', '`  `', '` `` `', '`x', '$x$', '$x', '$$x$$ y', '$x\\$', '$a$$', 'a $ b $ c', '`code` *em*',
      '```\nx\n```', '```js\n  ```\n```', '```\n\n\n```', '```\ta\n```', '``` js\nx\n```', '```a&b\nx\n```', '```\nx', '````\n```\n````',
      '- a\n* b', '- a\n  - b\n- c', '- a\n   - b', '1. a\n2. b\n  - c', '10. a\n    - b', '- a\\\n  b', '- a\\\nb', '* a', '+ a', '- # h',
      '> a\n> b', '> a\n>\n> b', '> - a\n>\n> - b', '> - a\n>\n> * b', '>a', '---', '***', '- - -', 'x\n---', '| a |', '| a |\n| --- |',
      '| a | b |\n| --- | --- |\n| 1 | 2 \\| 3 |', '|   |   |\n| --- | --- |\n| x | y |', '| a |\n| --- |', '|   |\n| --- |', '| a | b |\n| :-- | --: |\n| 1 | 2 |',
      '| a | b |\n| --- | --- |\n| 1 |', '| `a|b` |\n| --- |\n| c |', '| a\\\\ |\n| --- |\n| \\\\| |', '| *a* | **b** |\n| --- | --- |\n|  | $x$ |', '|a|\n|---|',
      '| a |\n| --- |\n| $$x$$ |', '| - a |\n| --- |\n| # b |',
      '![](a.png)', '![alt](a.png){.image-style-side width=10 height="20" style="width:5%;" img-style="aspect-ratio:1/2;"}', '![a\\]b](x.png)', '![a](x.png "t")',
      '![*a*](x.png)', '![a](x.png){foo=1}', '![a](x.png){.a .b}', '![a](x.png){width=1 width=2}', '![a](<x y.png>)', '![a](x.png) t', 't ![a](x.png)',
      '![](#root/abc_123){.include-note}', '![T](#root/a/b){.include-note size=small}', '> ![](#root/abc){.include-note}', '![a](javascript:x)', '![a&amp;b](x.png)', '![a](x.png){style="a&quot;b"}', '![[a]](x.png)', '![a](x.png){.a}{.b}', '![](x.png){ .a }',
      'é*ü*', '😀**x**😀', '—*x*—', '\u2003x', 'x\u2003', '"*x*"', 'a_b_c', '~~x~~', '~x~', '~~~x', 'x~~y~~z', '!\\[x\\]', '![x](y)',
    ];
    let answered = 0;
    for (const s of snippets) if (agrees(s)) answered++;
    console.log(`      fast path answered for ${answered} of ${snippets.length} snippets`);
    assert.ok(answered > 50, `${answered} of ${snippets.length}`);
  });

  it('on random text made of Markdown-special characters, as toMarkdown writes it and as typed', () => {
    const next = seededRandom(Number(process.env.FUZZ_SEED ?? 13));
    const pick = <T>(a: T[]): T => a[Math.floor(next() * a.length)];
    const text = (): string => Array.from({ length: 1 + Math.floor(next() * 6) }, () => (next() < 0.5 ? pick(WORDS) : pick(RISKY))).join('');
    const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const inlineHtml = (depth: number): string => Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      const r = next();
      if (depth > 2 || r < 0.4) return escapeHtml(text());
      if (r < 0.5) return `<strong>${inlineHtml(depth + 1)}</strong>`;
      if (r < 0.6) return `<i>${inlineHtml(depth + 1)}</i>`;
      if (r < 0.65) return `<s>${inlineHtml(depth + 1)}</s>`;
      if (r < 0.72) return `<code>${escapeHtml(text())}</code>`;
      if (r < 0.8) return `<a href="${escapeHtml(pick(['https://e.com/a?b=1&c=2', '#root/x', 'a b', '(x)', 'javascript:x', '']))}">${inlineHtml(depth + 1)}</a>`;
      if (r < 0.85) return `<u>${inlineHtml(depth + 1)}</u>`;
      if (r < 0.9) return '<br>';
      return `<span class="math-tex">\\(${escapeHtml(text())}\\)</span>`;
    }).join('');
    const block = (): string => {
      const r = next();
      if (r < 0.4) return `<p>${inlineHtml(0)}</p>`;
      if (r < 0.5) {
        const n = 1 + Math.floor(next() * 6);
        return `<h${n}>${inlineHtml(0)}</h${n}>`;
      }
      if (r < 0.65) return `<ul>${Array.from({ length: 1 + Math.floor(next() * 3) }, () => `<li>${inlineHtml(0)}${next() < 0.3 ? `<ul><li>${inlineHtml(0)}</li></ul>` : ''}</li>`).join('')}</ul>`;
      if (r < 0.72) return `<ol start="${Math.floor(next() * 3)}"><li>${inlineHtml(0)}</li><li>${inlineHtml(0)}</li></ol>`;
      if (r < 0.8) return `<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">${inlineHtml(0)}</span></label></li></ul>`;
      if (r < 0.88) return `<blockquote><p>${inlineHtml(0)}</p><p>${inlineHtml(0)}</p></blockquote>`;
      if (r < 0.91) return `<aside class="admonition tip"><p>${inlineHtml(0)}</p></aside>`;
      if (r < 0.93) {
        const cls = pick(['', ' image-style-side', ' image-style-align-center image_resized']);
        const size = next() < 0.5 ? '' : ` width="${Math.floor(next() * 900)}" height="${pick(['10', '5%', 'a b'])}"`;
        return `<figure class="image${cls}"${next() < 0.3 ? ' style="width:50%;"' : ''}><img src="${escapeHtml(pick(['a.png', 'api/attachments/x/image/a b.png', '(x).png', 'data:image/png;base64,AA']))}"${next() < 0.7 ? ` alt="${escapeHtml(text())}"` : ''}${size}></figure>`;
      }
      if (r < 0.95) {
        const row = (tag: string): string => `<tr><${tag}>${escapeHtml(text())}</${tag}><${tag}>${next() < 0.2 ? '' : inlineHtml(2)}</${tag}></tr>`;
        return `<figure class="table"><table>${next() < 0.3 ? '' : `<thead>${row('th')}</thead>`}<tbody>${row('td')}${row('td')}</tbody></table></figure>`;
      }
      return `<pre><code class="language-${pick(['js', 'text-x-sh', 'a&b'])}">${escapeHtml(`${text()}\n${pick(['```', '````', '  ```', 'x'])}\n${text()}`)}</code></pre>`;
    };
    let answered = 0;
    let typedAnswered = 0;
    const N = 3000;
    for (let i = 0; i < N; i++) {
      const html = Array.from({ length: 1 + Math.floor(next() * 3) }, block).join('');
      const { markdown, blocks } = noteToMarkdown(html);
      for (const b of blocks) if (!b.island && agrees(b.markdown)) answered++;
      assert.equal(normalizeNoteHtml(renderMarkdown(markdown)), normalizeNoteHtml(html), markdown);
      // Markdown as a user might type it, not as toMarkdown escapes it.
      const typed = `${pick(['', '', '# ', '- ', '1. ', '> ', '- [ ] '])}${text()}${pick(['', '\\\n', '\n'])}${text()}`;
      if (agrees(typed)) typedAnswered++;
    }
    console.log(`      fast path answered for ${answered} random blocks as toMarkdown wrote them, ${typedAnswered} of ${N} typed`);
    // a floor with room for any seed (seed 1234 answers exactly N / 10 typed): the fuzz must reach the fast path
    assert.ok(answered > N / 2 && typedAnswered > N / 20, `${answered} blocks as written, ${typedAnswered} of ${N} typed`);
  });
});
