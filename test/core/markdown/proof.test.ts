// The proof on open: blocks proven one by one must still make an exact note when they stand together.
import { strict as assert } from 'node:assert';
import { noteToMarkdown, renderMarkdown } from '../../../src/markdown/convert';
import { normalizeNoteHtml } from '../../../src/markdown/normalize';

function assertExact(html: string): string {
  const { markdown } = noteToMarkdown(html);
  assert.equal(normalizeNoteHtml(renderMarkdown(markdown)), normalizeNoteHtml(html), markdown);
  return markdown;
}

describe('Markdown proof, block by block', () => {
  it('lists in a row stay apart', () => {
    const md = assertExact('<ul><li>a</li></ul><ul><li>b</li></ul><ul><li>c</li></ul><ol><li>d</li></ol><ol start="2"><li>e</li></ol><ul><li>f</li></ul>');
    assert.ok(!md.startsWith('<'), md);
  });

  it('repeated blocks are converted once and come out the same', () => {
    const block = '<p>Some <strong>bold</strong> text</p><ul><li>x</li></ul><pre><code class="language-js">let a = 1;</code></pre>';
    const { blocks } = noteToMarkdown(block.repeat(50));
    assert.equal(blocks.length, 150);
    assert.equal(new Set(blocks.filter((_, i) => i % 3 === 0).map((b) => b.markdown)).size, 1);
    assertExact(block.repeat(50));
  });

  it('footnotes between lists, and a note whose footnote section is not last', () => {
    const footnote = '<p>x<span class="footnote-reference" data-footnote-reference="" data-footnote-id="a1" data-footnote-index="1" role="doc-noteref" id="fnrefa1"><sup><a href="#fna1">[1]</a></sup></span></p>';
    const section = '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes"><li class="footnote-item" data-footnote-item="" data-footnote-id="a1" data-footnote-index="1" role="doc-endnote" id="fna1"><span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="a1"><sup><strong><a href="#fnrefa1">^</a></strong></sup></span><div class="footnote-content" data-footnote-content=""><p>note</p></div></li></ol>';
    assertExact(`<ul><li>a</li></ul>${footnote}<ul><li>b</li></ul>${section}`);
    assertExact(`${footnote}${section}<p>after</p>`);
  });

  it('blocks that reach into the next, and notes outside the strict parser\'s subset, are still exact', () => {
    assertExact('<p>&nbsp; lead</p><pre><code>```\nfence</code></pre><p>after</p>');
    assertExact('<ul><li>a<li>b</ul><ul><li>a<li>b</ul><p>x</p>');
    assertExact('<b>x<p>y</p>z<p>y</p>');
  });

  it('a note that leaves the strict parser\'s subset part way is read again from its start, each block once', () => {
    const long = '<p>A paragraph long enough to be <strong>read once</strong> when it repeats.</p>';
    const html = `${long}\n${long}<p>short</p><p>short</p><p>x<div>y</div></p>${long}`;
    const { blocks } = noteToMarkdown(html);
    // parse5 reads the paragraph with a div in it as `<p>x</p><div>y</div><p></p>`.
    assert.deepEqual(blocks.map((b) => [b.gap, b.html]), [['', long], ['\n', long], ['', '<p>short</p>'], ['', '<p>short</p>'], ['', '<p>x'], ['', 'y'], ['', long]]);
    assert.deepEqual(blocks.map((b) => b.markdown), [
      'A paragraph long enough to be **read once** when it repeats.', 'A paragraph long enough to be **read once** when it repeats.',
      'short', 'short', 'x', 'y', 'A paragraph long enough to be **read once** when it repeats.',
    ]);
  });
});
