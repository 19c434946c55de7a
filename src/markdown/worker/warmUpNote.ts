// A note the conversion worker converts once before any real note, so that a user's first large note meets compiled
// code: every construct of the dialect in the form CKEditor writes it, islands included, numbered so that no block
// repeats another (the converter converts a repeated block once).

const SECTION = (n: number): string =>
  `<h2>Section ${n}</h2><p>Text ${n} with <strong>bold</strong>, <i>italic</i>, <u>underline</u>, <s>struck</s>, <code>code ${n}</code>, ` +
  `<sup>up</sup>, <sub>down</sub> and <kbd>Ctrl</kbd>+<kbd>${n}</kbd>; <span style="color:hsl(0,75%,60%);">colour</span>, ` +
  `<mark class="marker-yellow">marker</mark>, <span class="text-big">big</span>.</p>` +
  `<p>Links ${n}: <a href="https://example.com/${n}?a=1&amp;b=2">a site</a>, <a class="reference-link" href="#root/warmUpNote${n % 10}">a note</a>` +
  `&nbsp;and <a href="#root/warmUpLink${n % 10}">an internal link</a>.</p>` +
  `<ul><li>Item ${n}</li><li>Second<ul><li>Nested ${n}</li></ul></li></ul><ol start="${n + 1}"><li>One ${n}</li><li>Two</li></ol>` +
  `<ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">Open ${n}</span></label></li>` +
  `<li><label class="todo-list__label"><input type="checkbox" checked="checked" disabled="disabled"><span class="todo-list__label__description">Done <strong>${n}</strong></span></label></li></ul>` +
  `<blockquote><p>Quoted ${n}.</p></blockquote><aside class="admonition note"><p>Note ${n}.</p></aside>` +
  `<aside class="admonition warning"><p>Warning ${n}.</p><p>Second paragraph.</p></aside>` +
  `<pre><code class="language-text-x-python">def f${n}():\n    return ${n}</code></pre><pre><code>plain ${n}</code></pre><hr>` +
  `<p>Line ${n}<br>after a break.</p><p>&nbsp;</p>` +
  `<figure class="table"><table><thead><tr><th>Name ${n}</th><th>Value</th></tr></thead><tbody><tr><td>a</td><td><strong>${n}</strong></td></tr>` +
  `<tr><td>b</td><td>2 | 3</td></tr></tbody></table></figure>` +
  `<figure class="table"><table><tbody><tr><td><p>cell ${n}</p><p>two paragraphs</p></td></tr></tbody></table></figure>` +
  `<figure class="image"><img src="api/attachments/warmUpImg${n % 10}/image/a.png"></figure>` +
  `<figure class="image image-style-align-center image_resized" style="width:${20 + (n % 60)}%;"><img style="aspect-ratio:640/480;" ` +
  `src="api/attachments/warmUpImg${n % 10}/image/b.jpg" alt="Photo ${n}" width="640" height="480"></figure>` +
  `<p>Math <span class="math-tex">\\(x_${n} + 1\\)</span> inline.</p><span class="math-tex">\\[\\sum_{k=1}^{${n}} k\\]</span>` +
  `<section class="include-note" data-note-id="warmUpIncl${n % 10}" data-box-size="medium">&nbsp;</section>` +
  `<p style="text-align:center;">Centred ${n}.</p><p style="margin-left:40px;">Indented ${n}.</p><h4>Heading ${n}</h4>` +
  `<p>Characters ${n}: © → ½, $5, 2*3*4, _under_, [brackets], &lt;tags&gt;, \`ticks\`.</p>` +
  `<div class="unknown-${n}"><p>An island ${n}</p></div>`;

const FOOTNOTES =
  '<p>Claim<span class="footnote-reference" data-footnote-reference="" data-footnote-id="warmupfn01" data-footnote-index="1" role="doc-noteref" ' +
  'id="fnrefwarmupfn01"><sup><a href="#fnwarmupfn01">[1]</a></sup></span>.</p>' +
  '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes"><li class="footnote-item" data-footnote-item="" ' +
  'data-footnote-id="warmupfn01" data-footnote-index="1" role="doc-endnote" id="fnwarmupfn01"><span class="footnote-back-link" ' +
  'data-footnote-back-link="" data-footnote-id="warmupfn01"><sup><strong><a href="#fnrefwarmupfn01">^</a></strong></sup></span>' +
  '<div class="footnote-content" data-footnote-content=""><p>The source.</p></div></li></ol>';

/** The warm-up note: `sections` numbered sections (about 3.5 kB each), then one footnote section. */
export function warmUpNote(sections: number): string {
  let html = '';
  for (let n = 1; n <= sections; n++) html += SECTION(n);
  return html + FOOTNOTES;
}

/** The Markdown with its first word of text changed, as a user's save would change it. */
export function withOneWordEdited(markdown: string): string {
  const at = markdown.indexOf('Text 1 ');
  return at < 0 ? `${markdown}\nEdited\n` : `${markdown.slice(0, at)}Edited${markdown.slice(at + 4)}`;
}
