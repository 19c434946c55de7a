// The markdown-it instance of the Trilium dialect: CommonMark + GFM tables and strikethrough, with raw HTML
// allowed (HTML islands), footnotes (markdown-it-footnote: `[^id]` and `[^id]: text`, written as CKEditor's
// footnotes plugin writes them), plus three small inline rules: `$…$` / `$$…$$` math, and `{…}` attributes after an
// image or a link (figure classes and sizes, `.reference-link`, `.include-note`). Fenced code renders as CKEditor
// writes it; an image that embeds a note (dialect.ts) becomes a block of its own, the included note's section.
import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';

type StateInline = MarkdownIt.StateInline;
type StateCore = MarkdownIt.StateCore;
type Token = MarkdownIt.Token;
type RenderRule = NonNullable<MarkdownIt.Renderer["rules"]["image"]>;
type Markdown = MarkdownIt.MarkdownIt;
type Attrs = Array<[string, string]>;
const attrsOf = (token: Token): Attrs => ((token.meta as { attrs?: Attrs } | null)?.attrs ?? []);
import { HTML_FENCE, includedNoteOf, type IncludedNote } from './dialect';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function mathRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  let end = start + open;
  for (;;) {
    end = src.indexOf(display ? '$$' : '$', end);
    if (end < 0 || end >= state.posMax) return false;
    if (src.charCodeAt(end - 1) !== 0x5c /* \ */) break;
    end++;
  }
  const content = src.slice(start + open, end);
  if (content === '' || end + open > state.posMax) return false;
  if (!silent) {
    const token = state.push(display ? 'trilium_math_display' : 'trilium_math_inline', 'span', 0);
    token.content = content;
    token.markup = display ? '$$' : '$';
  }
  state.pos = end + open;
  return true;
}

/** `{.class name=value name="value"}` right after an image or a link. */
const ATTR_LIST = /^\{((?:\s*(?:\.[\w-]+|[\w-]+=(?:"[^"]*"|[^\s}"]+)))+)\s*\}/;

export function attrsRule(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x7b /* { */ || state.pending !== '') return false;
  const prev = state.tokens[state.tokens.length - 1];
  if (!prev || (prev.type !== 'image' && prev.type !== 'link_close')) return false;
  const m = ATTR_LIST.exec(state.src.slice(state.pos, state.posMax));
  if (!m) return false;
  if (!silent) {
    const target = prev.type === 'image' ? prev : findLinkOpen(state.tokens);
    if (!target) return false;
    const list: Array<[string, string]> = [];
    for (const a of m[1].matchAll(/\.([\w-]+)|([\w-]+)=(?:"([^"]*)"|([^\s}"]+))/g)) {
      if (a[1]) list.push(['class', a[1]]);
      else list.push([a[2], a[3] ?? a[4]]);
    }
    target.meta = { ...(target.meta ?? {}), attrs: list };
  }
  state.pos += m[0].length;
  return true;
}

function findLinkOpen(tokens: Token[]): Token | undefined {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].type === 'link_close') depth++;
    else if (tokens[i].type === 'link_open' && --depth === 0) return tokens[i];
  }
  return undefined;
}

/** Math as CKEditor's math plugin writes it: TeX in `\\(…\\)` or `\\[…\\]` inside span.math-tex. */
export const renderMath: RenderRule = (tokens, i) => {
  const t = tokens[i];
  return t.type === 'trilium_math_display' ? `<span class="math-tex">\\[${escapeHtml(t.content)}\\]</span>` : `<span class="math-tex">\\(${escapeHtml(t.content)}\\)</span>`;
};

/** An image with its `{…}` attributes; figure classes and style travel on data attributes to toCkeditorForm. */
export const renderImage: RenderRule = (tokens, i, options, env, self) => {
  const token = tokens[i];
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const attrs: Array<[string, string]> = [];
  const extra = attrsOf(token);
  const imgStyle = extra.find(([k]) => k === 'img-style');
  if (imgStyle) attrs.push(['style', imgStyle[1]]);
  attrs.push(['src', String(token.attrGet('src') ?? '')]);
  if (alt) attrs.push(['alt', alt]);
  const title = token.attrGet('title') as string | null;
  if (title) attrs.push(['title', title]);
  for (const [k, v] of extra) if (k === 'width' || k === 'height') attrs.push([k, v]);
  const figureClasses = extra.filter(([k]) => k === 'class').map(([, v]) => v).join(' ');
  if (figureClasses) attrs.push(['data-trilium-figure-class', figureClasses]);
  const figureStyle = extra.find(([k]) => k === 'style');
  if (figureStyle) attrs.push(['data-trilium-figure-style', figureStyle[1]]);
  return `<img${attrs.map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('')}>`;
};

/** The included note an inline token (an image with `{.include-note}`) stands for. */
export function includedNoteToken(token: Token): IncludedNote | undefined {
  return token.type === 'image' ? includedNoteOf(String(token.attrGet('src') ?? ''), attrsOf(token)) : undefined;
}

const isBlankInline = (t: Token): boolean => t.type === 'softbreak' || t.type === 'hardbreak' || (t.type === 'text' && t.content.trim() === '');

/**
 * Included notes are blocks: a paragraph's embeds leave it as `trilium_include` tokens (meta: IncludedNote and the
 * title), and the text around them stays in paragraphs of its own, as CKEditor splits it.
 */
export function includeRule(state: StateCore): void {
  const tokens = state.tokens;
  if (!tokens.some((t) => t.type === 'inline' && t.children?.some((c) => includedNoteToken(c)))) return;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const inline = tokens[i];
    const open = tokens[i - 1];
    const close = tokens[i + 1];
    if (inline.type !== 'inline' || open?.type !== 'paragraph_open' || close?.type !== 'paragraph_close' || !inline.children?.some((c) => includedNoteToken(c))) {
      out.push(inline);
      continue;
    }
    out.pop(); // the paragraph_open, written again (a copy) around each run of text
    const copy = (t: Token): Token => Object.assign(new state.Token(t.type, t.tag, t.nesting), t, { attrs: t.attrs?.map(([k, v]) => [k, v]) ?? null });
    let run: Token[] = [];
    const flush = (): void => {
      while (run.length && isBlankInline(run[0])) run.shift();
      while (run.length && isBlankInline(run[run.length - 1])) run.pop();
      if (run.length === 0) return;
      if (run[0].type === 'text') run[0].content = run[0].content.replace(/^[ \t]+/, '');
      const end = run[run.length - 1];
      if (end.type === 'text') end.content = end.content.replace(/[ \t]+$/, '');
      const text = Object.assign(new state.Token('inline', '', 0), { map: inline.map, level: inline.level, children: run, content: '' });
      out.push(copy(open), text, copy(close));
      run = [];
    };
    for (const child of inline.children) {
      const included = includedNoteToken(child);
      if (!included) {
        run.push(child);
        continue;
      }
      flush();
      const token = new state.Token('trilium_include', 'section', 0);
      Object.assign(token, { block: true, map: open.map, level: open.level, meta: { ...included, title: (child.children ?? []).map((c) => c.content).join('') } });
      out.push(token);
    }
    flush();
    i++; // the paragraph_close
  }
  state.tokens = out;
}

/** The section CKEditor's include-note widget writes. */
export function includeSectionOpen(included: IncludedNote): string {
  return `<section class="include-note" data-note-id="${escapeHtml(included.noteId)}"${included.size === undefined ? '' : ` data-box-size="${escapeHtml(included.size)}"`}>`;
}

export const renderInclude: RenderRule = (tokens, i) => `${includeSectionOpen(tokens[i].meta as unknown as IncludedNote)}&nbsp;</section>`;

/** The lines of each footnote definition (`[^id]: …`), which markdown-it-footnote moves to the end of the tokens. */
export interface FootnoteEnv { [key: string | symbol]: unknown; triliumFootnoteLines?: Array<[number, number]>; footnotes?: { list?: unknown[] } }

/**
 * Footnotes in the form CKEditor's footnotes plugin stores them: the label is the footnote's id, the number is its
 * place in the order of first references (as the plugin numbers them).
 * Reference: span.footnote-reference > sup > a[href="#fnID"] "[N]". Section: ol.footnote-section >
 * li.footnote-item > span.footnote-back-link (sup > strong > a "^") + div.footnote-content (the blocks).
 */
export function useFootnotes(md: Markdown): void {
  md.use(footnote);
  md.inline.ruler.disable('footnote_inline'); // `^[…]` has no id to keep; only labelled footnotes
  md.core.ruler.before('footnote_tail', 'trilium_footnote_lines', (state) => {
    const lines: Array<[number, number]> = [];
    let depth = 0;
    let range: [number, number] | undefined;
    for (const t of state.tokens) {
      if (t.type === 'footnote_reference_open') {
        if (depth++ === 0) range = undefined;
      } else if (t.type === 'footnote_reference_close') {
        if (--depth === 0 && range) lines.push(range);
      } else if (depth > 0 && t.map) {
        range = range ? [Math.min(range[0], t.map[0]), Math.max(range[1], t.map[1])] : [t.map[0], t.map[1]];
      }
    }
    (state.env as FootnoteEnv).triliumFootnoteLines = lines;
  });
  Object.assign(md.renderer.rules, footnoteRenderRules);
}

const footnoteLabel = (t: Token): string => escapeHtml(String((t.meta as { label?: string }).label ?? ''));
const footnoteNumber = (t: Token): number => (t.meta as { id: number }).id + 1;

/** markdown-it-footnote's tokens rendered as CKEditor's footnotes plugin writes them. */
export const footnoteRenderRules: Record<string, RenderRule> = {
  footnote_ref: (tokens, i) => {
    const id = footnoteLabel(tokens[i]);
    const n = footnoteNumber(tokens[i]);
    return `<span class="footnote-reference" data-footnote-reference="" data-footnote-id="${id}" data-footnote-index="${n}" role="doc-noteref" id="fnref${id}"><sup><a href="#fn${id}">[${n}]</a></sup></span>`;
  },
  footnote_block_open: () => '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes">',
  footnote_block_close: () => '</ol>',
  footnote_open: (tokens, i) => {
    const id = footnoteLabel(tokens[i]);
    return `<li class="footnote-item" data-footnote-item="" data-footnote-id="${id}" data-footnote-index="${footnoteNumber(tokens[i])}" role="doc-endnote" id="fn${id}">`
      + `<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="${id}"><sup><strong><a href="#fnref${id}">^</a></strong></sup></span>`
      + '<div class="footnote-content" data-footnote-content="">';
  },
  footnote_close: () => '</div></li>',
  footnote_anchor: () => '',
};

function createMarkdownIt(): Markdown {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false, breaks: false });
  md.normalizeLink = (url: string) => url;
  md.normalizeLinkText = (text: string) => text;
  md.inline.ruler.after('escape', 'trilium_math', mathRule);
  md.inline.ruler.after('trilium_math', 'trilium_attrs', attrsRule);
  md.core.ruler.after('inline', 'trilium_include', includeRule);
  useFootnotes(md);

  const rules = md.renderer.rules;
  rules.trilium_include = renderInclude;
  rules.em_open = () => '<i>'; // CKEditor 5 writes italic as <i>
  rules.em_close = () => '</i>';
  rules.trilium_math_inline = renderMath;
  rules.trilium_math_display = renderMath;
  rules.fence = (tokens, i) => {
    const token = tokens[i];
    const content = token.content.replace(/\n$/, '');
    const lang = token.info.trim().split(/\s+/)[0];
    if (lang === HTML_FENCE) return content;
    return `<pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ''}>${escapeHtml(content)}</code></pre>`;
  };
  rules.code_block = (tokens, i) => `<pre><code>${escapeHtml(tokens[i].content.replace(/\n$/, ''))}</code></pre>`;
  rules.image = renderImage;
  const defaultLinkOpen = rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  rules.link_open = (tokens, i, options, env, self) => {
    const token = tokens[i];
    const classes = attrsOf(token).filter(([k]) => k === 'class').map(([, v]) => v);
    if (classes.length) token.attrs = [['class', classes.join(' ')], ...(token.attrs ?? []).filter(([k]) => k !== 'class')];
    return defaultLinkOpen(tokens, i, options, env, self);
  };
  return md;
}

let shared: Markdown | undefined;

export function triliumMarkdownIt(): Markdown {
  return (shared ??= createMarkdownIt());
}
