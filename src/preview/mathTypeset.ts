// CKEditor's math (span.math-tex holding TeX in `\(…\)` or `\[…\]`) typeset by KaTeX, for the note preview and
// VS Code's Markdown preview. The page needs KaTeX's stylesheet and fonts (dist/katex, copied there by esbuild.mjs).
import type Katex from 'katex';

let katex: typeof Katex | undefined;
/** KaTeX is loaded when the first formula is typeset, not while the extension activates. */
const loadKatex = (): typeof Katex => (katex ??= require('katex') as typeof Katex);

/** Where the build puts KaTeX's stylesheet (and its fonts next to it), relative to the extension's folder. */
export const KATEX_DIR = ['dist', 'katex'] as const;
export const KATEX_STYLESHEET = [...KATEX_DIR, 'katex.min.css'] as const;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of serialized HTML (entities decoded; a no-break space is a space to TeX). */
export function decodeHtmlText(html: string): string {
  return html.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code === 0xa0 ? ' ' : code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** KaTeX's HTML (with MathML for screen readers) for one formula; TeX KaTeX cannot read shows as its source in red. */
export function typesetTex(tex: string, displayMode: boolean): string {
  try {
    return loadKatex().renderToString(tex, { displayMode, throwOnError: false, strict: 'ignore', output: 'htmlAndMathml' });
  } catch {
    return `<span class="katex-error">${escapeHtml(tex)}</span>`;
  }
}

const MATH_TEX_SPAN = /<span class="math-tex">\\([([])([^<]*?)\\([)\]])<\/span>/g;

/** Serialized HTML with each span.math-tex's TeX replaced by KaTeX's rendering of it (the span stays). */
export function typesetMathSpans(html: string): string {
  return html.replace(MATH_TEX_SPAN, (whole, open: string, tex: string, close: string) => {
    const display = open === '[';
    if (display !== (close === ']')) return whole;
    return `<span class="math-tex">${typesetTex(decodeHtmlText(tex), display)}</span>`;
  });
}
