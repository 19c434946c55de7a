// The strict parser builds parse5's tree, or declines.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFragment } from 'parse5';
import type { HtmlElement, HtmlNode, HtmlParent } from '../../../src/markdown/htmlTree';
import { parseStrictHtml, parseStrictTopLevel, type LocatedNode } from '../../../src/markdown/strictHtml';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');
const corpus = readdirSync(DIR).filter((f) => f.endsWith('.html')).sort().map((f) => ({ name: f, html: readFileSync(join(DIR, f), 'utf8') }));

/** A tree as plain data: names, attributes, text, comments, and the source offsets of top-level nodes and of nodes in divs (what splitNote uses). */
function shape(nodes: HtmlNode[], withLocations: boolean): unknown[] {
  return nodes.map((n) => {
    const loc = withLocations && n.sourceCodeLocation ? [n.sourceCodeLocation.startOffset, n.sourceCodeLocation.endOffset] : undefined;
    const any = n as unknown as { value?: string; data?: string; attrs?: unknown; childNodes?: HtmlNode[] };
    return [n.nodeName, any.value ?? any.data ?? any.attrs, loc, any.childNodes ? shape(any.childNodes, withLocations && n.nodeName === 'div') : undefined];
  });
}

function parse5Shape(html: string): unknown[] {
  return shape((parseFragment(html, { sourceCodeLocationInfo: true }) as unknown as HtmlParent).childNodes, true);
}

function assertSameOrDeclined(html: string, mustAccept = false): void {
  const strict = parseStrictHtml(html, true);
  if (!strict) {
    assert.ok(!mustAccept, `declined: ${html.slice(0, 80)}`);
    return;
  }
  assert.deepEqual(shape(strict.childNodes, true), parse5Shape(html), html.slice(0, 200));
}

describe('strict HTML parser', () => {
  it('builds parse5\'s tree for every CKEditor-form corpus note', () => {
    for (const { name, html } of corpus.filter((n) => n.name.startsWith('ckeditor-'))) {
      assert.ok(parseStrictHtml(html, true), name);
      assertSameOrDeclined(html, true);
    }
  });

  it('builds parse5\'s tree or declines for the rest of the corpus', () => {
    for (const { html } of corpus) assertSameOrDeclined(html);
  });

  it('builds parse5\'s tree or declines for HTML the standard parser reshapes', () => {
    const cases = [
      '<p>a<div>b</div></p>', '<p>a</p></p>', '<b><i>x</b></i>', '<table><tr><td>x</td></tr></table>', '<table>x<tbody></tbody></table>',
      '<li>a</li>', '<ul><li>a<li>b</li></ul>', '<ul><li><div><li>x</li></div></li></ul>', '<h1><h2>x</h2></h1>', '<a href="x"><a>y</a></a>',
      '<pre>\nx</pre>', '<pre>\n\nx</pre>', '<pre>&#10;x</pre>', '<pre><code>\nx</code></pre>', '<span/>x', '<br/><br></br>', '<img src=a/>',
      '<p>a &amp b &notit; c &#x80; &#0; &unknown; &lt</p>', '<p title="a &amp b &notit; &lt">x</p>', '<!-->x', '<!--->x', '<!-- a --!> b -->',
      '<!-- a --->', '<![CDATA[x]]>', '<?x?>', '<!DOCTYPE html>', 'a\r\nb', 'x < y', 'x </ y', 'x <3', '<p class="a" class="b">x</p>',
      '<P CLASS="A">x</P>', '<p>x', 'x</p>', '<script>a</script>', '<textarea>\nx</textarea>', '<svg viewBox="0 0 1 1"></svg>',
      '<table><colgroup><col></colgroup><tbody><tr><th>x</th></tr></tbody></table>', '<dl><dt>a</dt><dd>b</dd></dl>', '<p>a<!-- c -->b</p>',
      '<div>\n  <p>a</p>\n</div>\n', '<p>a</p >', '<p\ttitle=x>y</p>', '<p title=\'x"\'>y</p>', '<my-el>x</my-el>', '<figure class="table"><table><thead><tr><th>a</th></tr></thead></table></figure>',
      '<p>&copy; &#169; &#xA9; &#x1F600; &amp;x &nbsp;&hellip; &lt;b&gt;</p>', '<p>&constructor; &toString; &#xD800; &#x110000; &#127; &#9;</p>',
      '<p title="&quot;a&quot; &amp; &copy;" class=x/>y</p>', '<a href=x/>y</a>', '<br class=a/>', '<p>a<!-- x --!-- y -->b</p>', '<p>a<!---->b</p>',
      '<p>a < b <= c <3 </p>', '<p>x</p><!-- a <!-- b -->', '<pre>\n</pre>', '<pre>&#10;</pre>', '<pre><!--c-->\nx</pre>',
      '<input type=checkbox checked disabled>', '<p\n  class="a b"\f\tid=c  data-x=\'d "e"\'  >x</p>', '<p a="x"b="y">z</p>', '<p a =x>y</p>',
      '<span A=1 a=2>x</span>', '<span data-v="a=b" title=\'\' hidden>x</span>', '<img alt="" src=a.png width=10 height="20"/>',
    ];
    for (const html of cases) assertSameOrDeclined(html);
  });

  /** parseStrictTopLevel's nodes as it hands them over (every element repeatable), or undefined when it declines. */
  function topLevel(html: string, lookThrough: (el: HtmlElement) => boolean): LocatedNode[] | undefined {
    const out: LocatedNode[] = [];
    return parseStrictTopLevel(html, { lookThrough, repeatable: () => true, each: (l) => out.push(l) }) ? out : undefined;
  }

  it('hands over top-level nodes with their offsets, each once complete', () => {
    const html = '<p>a<b>b</b></p>\n<p>a<b>b</b></p>x<!--c--><ul><li>y</li></ul>';
    const seen: string[] = [];
    const located = parseStrictTopLevel(html, {
      lookThrough: () => false,
      repeatable: () => true,
      each: (l) => seen.push(shape([l.node!], false).flat(9).join()),
    });
    assert.ok(located);
    // Shapes taken when each node was handed over are the finished nodes' shapes.
    assert.deepEqual(seen, shape(parseStrictHtml(html, false)!.childNodes, false).map((n) => [n].flat(9).join()));
    assert.deepEqual(topLevel(html, () => false)!.map((l) => html.slice(l.start, l.end)), ['<p>a<b>b</b></p>', '\n', '<p>a<b>b</b></p>', 'x', '<!--c-->', '<ul><li>y</li></ul>']);
    assert.equal(topLevel('<p>a<div>b</div></p>', () => false), undefined);
    // Long repeatable elements that repeat are read without being built again; the offsets are still each occurrence's.
    const long = '<p>a paragraph long enough <b>to</b> be reused</p>';
    const longer = '<p>a paragraph long enough <b>to</b> be reused, and more</p>';
    const repeating = `${long}${longer}<div>${long}</div>${long}`;
    const reread = topLevel(repeating, (el) => el.tagName === 'div')!;
    assert.deepEqual(reread.map((l) => repeating.slice(l.start, l.end)), [long, longer, long, long]);
    assert.deepEqual(reread.map((l) => l.node !== undefined), [true, true, false, false]);
    assert.deepEqual(reread.map((l) => l.repeats), [undefined, undefined, 0, 0]);
    assert.deepEqual(shape([reread[0].node!, reread[1].node!], false), shape(parseStrictHtml(`${long}${longer}`, false)!.childNodes, false));
    const notRepeatable: LocatedNode[] = [];
    assert.ok(parseStrictTopLevel(`${long}${long}`, { lookThrough: () => false, repeatable: () => false, each: (l) => notRepeatable.push(l) }));
    assert.deepEqual(notRepeatable.map((l) => l.node !== undefined), [true, true]);
    assert.equal(topLevel(`${long}${long.replace('</b>', '</b><div>x</div>')}`, () => false), undefined);
    // A note where few long elements repeat is not looked at for repeats after its first 2048 of them.
    const distinct = Array.from({ length: 2048 }, (_, i) => `<p>paragraph number ${i} of a long note</p>`).join('');
    assert.equal(topLevel(`${distinct}${long}${long}`, () => false)!.at(-1)!.repeats, undefined);
    const repeatedOften = Array.from({ length: 2048 }, (_, i) => `<p>paragraph number ${i % 1000} of a long note</p>`).join('');
    assert.equal(topLevel(`${repeatedOften}${long}${long}`, () => false)!.at(-1)!.repeats, repeatedOften.length);
    const wrapped = '<div><div>a<p>b</p></div><p>c</p></div>';
    const through = topLevel(wrapped, (el) => el.tagName === 'div')!;
    assert.deepEqual(through.map((l) => wrapped.slice(l.start, l.end)), ['a', '<p>b</p>', '<p>c</p>']);
  });
});
