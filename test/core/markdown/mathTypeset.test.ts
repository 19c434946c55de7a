// CKEditor's span.math-tex typeset by KaTeX, as both previews show it.
import { strict as assert } from 'node:assert';
import { sanitizeNoteHtml } from '../../../src/preview/sanitize';
import { decodeHtmlText, typesetMathSpans, typesetTex } from '../../../src/preview/mathTypeset';

describe('Math typesetting (KaTeX)', () => {
  it('typesets inline \\(…\\) and display \\[…\\] math-tex spans, keeping the span and the TeX as MathML annotation', () => {
    const html = typesetMathSpans('<p>Euler: <span class="math-tex">\\(e^{i\\pi} + 1 = 0\\)</span> is neat.</p><span class="math-tex">\\[\\sum_k k\\]</span>');
    assert.match(html, /^<p>Euler: <span class="math-tex"><span class="katex"><span class="katex-mathml"><math [^>]*>/);
    assert.match(html, /<annotation encoding="application\/x-tex">e\^\{i\\pi\} \+ 1 = 0<\/annotation>/);
    assert.match(html, /<\/span><\/span> is neat\.<\/p><span class="math-tex"><span class="katex-display"><span class="katex">/);
    assert.ok(!html.includes('\\('), html);
  });

  it('reads the TeX of serialized HTML: entities decoded, a no-break space is a space', () => {
    assert.equal(decodeHtmlText('a &lt; b &amp;&amp; c&nbsp;&gt; d &#92; &#x3c; &unknown;'), 'a < b && c > d \\ < &unknown;');
    const html = typesetMathSpans('<span class="math-tex">\\(a &lt; b\\)</span>');
    assert.match(html, /<annotation encoding="application\/x-tex">a &lt; b<\/annotation>/);
  });

  it('shows TeX KaTeX cannot read as its source in an error span; leaves other spans and mismatched delimiters alone', () => {
    assert.match(typesetTex('\\frac{1}{', false), /class="katex-error"[^>]*>\\frac\{1\}\{<\/span>/);
    const other = '<span class="math-tex">\\(x\\]</span><span class="other">\\(x\\)</span>';
    assert.equal(typesetMathSpans(other), other);
  });

  it('typesets what the note preview sanitizes, with no script or link KaTeX would otherwise make', () => {
    const { html } = sanitizeNoteHtml('<p><span class="math-tex" onclick="x()">\\(\\href{javascript:alert(1)}{x} + y\\)</span></p>', () => undefined);
    const typeset = typesetMathSpans(html);
    assert.match(typeset, /class="katex"/);
    assert.ok(!/<a |onclick|<script/.test(typeset), typeset);
  });
});
