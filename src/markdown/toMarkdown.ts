// CKEditor HTML → Trilium Markdown, written directly from the parse5 tree the blocks come from (one parse for the
// whole note keeps a 1 MB note fast). CommonMark and GFM for what they can say, plus our extensions: to-do lists,
// admonitions, images with their figure classes and sizes, reference links, code languages, math, included notes.
// A block with anything else throws NotExpressible, and the caller keeps it as an HTML island.
import { ADMONITION_TYPES, INCLUDE_CLASS, includeMarkdown } from './dialect';
import {
  attr, classes, hasClass, isDisplayMath, isElement, isText, isTransparentDiv, textContent,
  type HtmlElement, type HtmlNode,
} from './htmlTree';

export class NotExpressible extends Error {}

// Thrown for about one block in ten of a large note and always caught by the caller, which keeps the block as HTML:
// one instance, made once, so that no throw builds an Error or captures a stack. `why` documents each call site.
const NOT_EXPRESSIBLE = new NotExpressible('Markdown cannot say this block exactly; it stays as HTML');

const fail = (_why: string): never => {
  throw NOT_EXPRESSIBLE;
};

/**
 * The titles of the notes a note includes (noteId → title): an included note is written with its title, which its
 * HTML does not hold. Without a title the embed's text is empty; the HTML is the same either way.
 */
export type IncludeTitles = ReadonlyMap<string, string>;


/** Inline elements Markdown has no syntax for: written as inline HTML tags around Markdown content. */
const INLINE_HTML = new Set(['span', 'u', 'sup', 'sub', 'kbd', 'mark', 'small', 'ins', 'font', 'abbr', 'cite', 'q', 'big', 'var', 'samp', 'dfn', 'time', 'bdi', 'bdo']);
const EMPHASIS: Record<string, string> = { strong: '**', b: '**', em: '*', i: '*', s: '~~', del: '~~' };

function onlyAttrs(el: HtmlElement, allowed: readonly string[]): boolean {
  const attrs = el.attrs;
  for (let i = 0; i < attrs.length; i++) if (!allowed.includes(attrs[i].name)) return false;
  return true;
}
const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function openTag(el: HtmlElement): string {
  return `<${el.tagName}${el.attrs.map((a) => ` ${a.name}="${escapeAttr(a.value)}"`).join('')}>`;
}

function escapeText(s: string): string {
  if (!/[\\`*_[\]<>$~|{&]/.test(s)) return s;
  return s
    .replace(/[\\`*_[\]<>$~|{]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
}

/** Characters that would start a block construct at the beginning of a line. */
const LINE_START = /^ *(?:[#>+=-]|\d+[.)])/m;

function escapeLineStarts(md: string): string {
  if (!LINE_START.test(md)) return md;
  return md.replace(/^( *)([#>+=-])/gm, '$1\\$2').replace(/^( *)(\d+)([.)])/gm, '$1$2\\$3');
}

function codeSpan(text: string): string {
  let n = 1;
  if (text.includes('`')) {
    const runs = Array.from(text.matchAll(/`+/g), (m) => m[0].length);
    while (runs.includes(n)) n++;
  }
  const fence = '`'.repeat(n);
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function destination(url: string): string {
  return /[\s<>]/.test(url) ? `<${url.replace(/([<>])/g, '\\$1')}>` : url.replace(/([()\\])/g, '\\$1');
}

function imageMarkdown(img: HtmlElement, figureClasses: string[], figureStyle: string | undefined): string {
  if (!onlyAttrs(img, ['src', 'alt', 'width', 'height', 'style'])) fail('image attributes');
  const src = attr(img, 'src') ?? fail('image without src');
  const alt = (attr(img, 'alt') ?? '').replace(/([\\[\]])/g, '\\$1');
  const attrs: string[] = figureClasses.map((c) => `.${c}`);
  if (figureStyle !== undefined) attrs.push(`style="${figureStyle}"`);
  for (const name of ['width', 'height']) {
    const v = attr(img, name);
    if (v !== undefined) attrs.push(/^[\w.%-]+$/.test(v) ? `${name}=${v}` : `${name}="${v}"`);
  }
  const imgStyle = attr(img, 'style');
  if (imgStyle !== undefined) attrs.push(`img-style="${imgStyle}"`);
  if (attrs.some((a) => /"[^"]*"[^"]*"/.test(a))) fail('quote in an attribute');
  return `![${alt}](${destination(src)})${attrs.length ? `{${attrs.join(' ')}}` : ''}`;
}

const EDGE_SPACE = /^\s|\s$/;

/** Moves whitespace at the edges of emphasised content outside its delimiters, where Markdown needs it. */
function wrap(delimiter: string, content: string): string {
  if (content !== '' && !EDGE_SPACE.test(content)) return `${delimiter}${content}${delimiter}`;
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(content)!;
  if (m[2] === '') return content;
  return `${m[1]}${delimiter}${m[2]}${delimiter}${m[3]}`;
}

function inlineNode(n: HtmlNode): string {
  if (isText(n)) return escapeText(/[\t\n\r\f]| {2}/.test(n.value) ? n.value.replace(/[ \t\n\r\f]+/g, ' ') : n.value);
  if (!isElement(n)) return fail('comment');
  const tag = n.tagName;
  if (tag === 'br') return onlyAttrs(n, []) ? '\\\n' : fail('br attributes');
  if (tag === 'img') return imageMarkdown(n, [], undefined);
  if (tag === 'span' && hasClass(n, 'math-tex') && onlyAttrs(n, ['class']) && classes(n).length === 1) {
    const tex = textContent(n);
    const inline = /^\\\(([\s\S]*)\\\)$/.exec(tex);
    const display = /^\\\[([\s\S]*)\\\]$/.exec(tex);
    const body = inline?.[1] ?? display?.[1];
    if (body !== undefined && body !== '' && !body.includes('$')) return inline ? `$${body}$` : `$$${body}$$`;
    return fail('math');
  }
  if (tag in EMPHASIS && onlyAttrs(n, [])) return wrap(EMPHASIS[tag], inline(n.childNodes));
  if (tag === 'code' && onlyAttrs(n, [])) {
    if (!n.childNodes.every(isText)) return fail('formatted code');
    return codeSpan(textContent(n).replace(/[\n\r]/g, ' '));
  }
  if (tag === 'a' && onlyAttrs(n, ['href', 'class']) && attr(n, 'href') !== undefined) {
    const cls = attr(n, 'class');
    if (cls !== undefined && cls !== 'reference-link') return fail('link class');
    const text = inline(n.childNodes).trim();
    if (text === '') return fail('empty link');
    return `[${text}](${destination(attr(n, 'href')!)})${cls ? '{.reference-link}' : ''}`;
  }
  if (tag === 'span' && hasClass(n, 'footnote-reference')) return `[^${footnoteId(n)}]`;
  if (INLINE_HTML.has(tag) || tag in EMPHASIS || tag === 'a') return `${openTag(n)}${inline(n.childNodes)}</${tag}>`;
  return fail('element without Markdown syntax');
}

function inline(nodes: HtmlNode[]): string {
  let out = '';
  for (let i = 0; i < nodes.length; i++) out += inlineNode(nodes[i]);
  return out;
}

const isSpaceOrTab = (c: number): boolean => c === 0x20 || c === 0x09;

function trimSpacesAndTabs(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && isSpaceOrTab(s.charCodeAt(from))) from++;
  while (to > from && isSpaceOrTab(s.charCodeAt(to - 1))) to--;
  return from === 0 && to === s.length ? s : s.slice(from, to);
}

/** A paragraph's worth of inline content, trimmed the way markdown-it trims a paragraph. */
function paragraph(nodes: HtmlNode[]): string {
  let md = trimSpacesAndTabs(inline(nodes));
  if (md.includes('\n')) md = md.replace(/[ \t]*\\\n[ \t]*/g, '\\\n');
  return protectEdgeSpaces(escapeLineStarts(md));
}

/** markdown-it trims a paragraph's lines with String.trim, which eats no-break spaces: those become entities. */
function protectEdgeSpaces(md: string): string {
  if (!md.includes('\u00a0')) return md;
  return md.replace(/^\u00a0+|\u00a0+$/gm, (m) => '&nbsp;'.repeat(m.length));
}

function indent(md: string, width: number): string {
  return md.replace(/\n(?!\n|$)/g, `\n${' '.repeat(width)}`);
}

function quote(md: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const to = md.indexOf('\n', from);
    const end = to < 0 ? md.length : to;
    out += end === from ? '>' : `> ${md.slice(from, end)}`;
    if (to < 0) return out;
    out += '\n';
    from = to + 1;
  }
}

const BLANK = /^[ \t\r\n]*$/;

function isBlankText(n: HtmlNode): boolean {
  return isText(n) && BLANK.test(n.value);
}

function nonBlank(nodes: HtmlNode[]): HtmlNode[] {
  const kept: HtmlNode[] = [];
  for (let i = 0; i < nodes.length; i++) if (!isBlankText(nodes[i])) kept.push(nodes[i]);
  return kept;
}

/** Splits mixed content into runs of inline nodes and block elements. */
function flowParts(nodes: HtmlNode[]): Array<{ inline: HtmlNode[] } | { block: HtmlElement }> {
  const parts: Array<{ inline: HtmlNode[] } | { block: HtmlElement }> = [];
  let from = 0;
  let blank = true;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (isElement(n) && (isBlockTag(n) || isTransparentDiv(n))) {
      if (!blank) parts.push({ inline: nodes.slice(from, i) });
      parts.push({ block: n });
      from = i + 1;
      blank = true;
    } else if (blank && !isBlankText(n)) {
      blank = false;
    }
  }
  if (!blank) parts.push({ inline: from === 0 ? nodes : nodes.slice(from) });
  return parts;
}

const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'aside', 'pre', 'figure', 'table', 'hr', 'section', 'div', 'dl', 'details', 'figcaption', 'address', 'article', 'header', 'footer', 'nav', 'main', 'form', 'thead', 'tbody', 'tr', 'td', 'th']);
const isNotBlank = (n: HtmlNode): boolean => !isBlankText(n);
const isBlockTag = (el: HtmlElement): boolean => BLOCKS.has(el.tagName) || isDisplayMath(el);

function flowMarkdown(nodes: HtmlNode[], separator: string, titles: IncludeTitles | undefined): string {
  return flowParts(nodes).map((p) => ('inline' in p ? paragraph(p.inline) : blockMarkdown(p.block, titles))).join(separator);
}

function listItems(list: HtmlElement, marker: (i: number) => string, todo: boolean, titles: IncludeTitles | undefined): string {
  let out = '';
  let i = 0;
  const children = list.childNodes;
  for (let c = 0; c < children.length; c++) {
    const li = children[c];
    if (isBlankText(li)) continue;
    if (!isElement(li) || li.tagName !== 'li' || li.attrs.length) return fail('list child');
    let nodes = li.childNodes;
    let prefix = marker(i);
    let width = prefix.length;
    if (todo) {
      const label = nodes.find(isNotBlank);
      if (!label || !isElement(label) || label.tagName !== 'label' || attr(label, 'class') !== 'todo-list__label' || label.attrs.length !== 1) return fail('todo label');
      const parts = nonBlank(label.childNodes);
      const [box, description] = parts;
      if (parts.length !== 2 || !isElement(box) || box.tagName !== 'input' || attr(box, 'type') !== 'checkbox') return fail('todo checkbox');
      if (!onlyAttrs(box, ['type', 'checked', 'disabled'])) return fail('todo checkbox attributes');
      if (!isElement(description) || description.tagName !== 'span' || attr(description, 'class') !== 'todo-list__label__description' || description.attrs.length !== 1) return fail('todo description');
      prefix = `${prefix}${attr(box, 'checked') !== undefined ? '[x]' : '[ ]'} `;
      width = 2;
      nodes = [...description.childNodes, ...nodes.slice(nodes.indexOf(label) + 1)];
    }
    const parts = flowParts(nodes);
    let tight = true;
    for (let k = 1; k < parts.length && tight; k++) {
      const p = parts[k];
      tight = 'block' in p && (p.block.tagName === 'ul' || p.block.tagName === 'ol');
    }
    let text = '';
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (k > 0) text += tight ? '\n' : '\n\n';
      text += 'inline' in p ? paragraph(p.inline) : blockMarkdown(p.block, titles);
    }
    if (i > 0) out += '\n';
    out += prefix + indent(text, width);
    i++;
  }
  return out;
}

function tableMarkdown(figure: HtmlElement): string {
  if (!onlyAttrs(figure, ['class']) || classes(figure).join(' ') !== 'table') return fail('table figure');
  const kids = nonBlank(figure.childNodes);
  const table = kids[0];
  if (kids.length !== 1 || !isElement(table) || table.tagName !== 'table' || table.attrs.length) return fail('table');
  const rows: HtmlElement[][] = [];
  let headerRows = 0;
  for (const section of nonBlank(table.childNodes)) {
    if (!isElement(section) || !['thead', 'tbody'].includes(section.tagName) || section.attrs.length) return fail('table section');
    for (const tr of nonBlank(section.childNodes)) {
      if (!isElement(tr) || tr.tagName !== 'tr' || tr.attrs.length) return fail('table row');
      const cells = nonBlank(tr.childNodes) as HtmlElement[];
      const cellTag = section.tagName === 'thead' ? 'th' : 'td';
      if (cells.some((c) => !isElement(c) || c.tagName !== cellTag || c.attrs.length)) return fail('table cell');
      if (section.tagName === 'thead') headerRows++;
      rows.push(cells);
    }
  }
  if (headerRows > 1 || rows.length === 0) return fail('table header');
  const width = rows[0].length;
  if (width === 0 || rows.some((r) => r.length !== width)) return fail('ragged table');
  const lines: string[] = [];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  if (headerRows === 0) lines.push(line(new Array<string>(width).fill(' ')), `|${' --- |'.repeat(width)}`);
  rows.forEach((r, i) => {
    lines.push(line(r.map((c) => {
      if (c.childNodes.some((n) => isElement(n) && (isBlockTag(n) || n.tagName === 'br'))) return fail('block in a cell');
      return paragraph(c.childNodes) || ' ';
    })));
    if (i === 0 && headerRows === 1) lines.push(`|${' --- |'.repeat(width)}`);
  });
  return lines.join('\n');
}

function codeBlock(pre: HtmlElement): string {
  const kids = pre.childNodes;
  const code = kids[0];
  if (kids.length !== 1 || pre.attrs.length || !isElement(code) || code.tagName !== 'code' || !code.childNodes.every(isText)) return fail('pre');
  const cls = attr(code, 'class');
  if (!onlyAttrs(code, ['class']) || (cls !== undefined && !/^language-\S+$/.test(cls))) return fail('code class');
  const text = textContent(code);
  const longest = text.includes('```') ? Math.max(2, ...Array.from(text.matchAll(/^ *(`{3,})/gm), (m) => m[1].length)) : 2;
  const fence = '`'.repeat(longest + 1);
  return `${fence}${cls ? cls.slice('language-'.length) : ''}\n${text}\n${fence}`;
}

/** A footnote id that works as a Markdown footnote label. The proof checks the rest of the footnote's markup. */
function footnoteId(el: HtmlElement): string {
  const id = attr(el, 'data-footnote-id');
  return id !== undefined && /^[\w-]+$/.test(id) ? id : fail('footnote id');
}

/** CKEditor's footnote section as Markdown footnote definitions (`[^id]: …`), one per item, in its order. */
function footnoteSection(ol: HtmlElement, titles: IncludeTitles | undefined): string {
  const items = nonBlank(ol.childNodes);
  if (items.length === 0) return fail('empty footnote section');
  return items.map((li) => {
    if (!isElement(li) || li.tagName !== 'li' || !hasClass(li, 'footnote-item')) return fail('footnote item');
    const kids = nonBlank(li.childNodes);
    const content = kids[kids.length - 1];
    if (kids.length !== 2 || !isElement(content) || content.tagName !== 'div' || !hasClass(content, 'footnote-content')) return fail('footnote content');
    const body = flowMarkdown(content.childNodes, '\n\n', titles);
    if (body.trim() === '') return fail('empty footnote');
    return `[^${footnoteId(li)}]: ${indent(body, 4)}`;
  }).join('\n\n');
}

const NOTE_ID = /^[A-Za-z0-9_]+$/;

/** CKEditor's included note, `section.include-note[data-note-id][data-box-size]` holding nothing but a (no-break) space. */
function includedNote(el: HtmlElement, titles: IncludeTitles | undefined): string {
  if (classes(el).join(' ') !== INCLUDE_CLASS || !onlyAttrs(el, ['class', 'data-note-id', 'data-box-size'])) return fail('section');
  const noteId = attr(el, 'data-note-id');
  if (noteId === undefined || !NOTE_ID.test(noteId)) return fail('included note id');
  const size = attr(el, 'data-box-size');
  if (size !== undefined && !/^[\w-]+$/.test(size)) return fail('included note size');
  if (!el.childNodes.every((c) => isText(c) && /^[ \t\r\n\u00a0]*$/.test(c.value))) return fail('content in an included note');
  const title = escapeText((titles?.get(noteId) ?? '').replace(/\s+/g, ' ').trim());
  return includeMarkdown(title, noteId, size);
}

/** One block element as Markdown; throws NotExpressible when Markdown cannot say it exactly. */
export function blockMarkdown(el: HtmlElement, titles?: IncludeTitles): string {
  const tag = el.tagName;
  switch (tag) {
    case 'p': {
      if (el.attrs.length) return fail('p attributes');
      if (el.childNodes.some((c) => isElement(c) && isBlockTag(c))) return fail('block in p');
      const md = paragraph(el.childNodes);
      return /^(?:\s|&nbsp;)*$/.test(md) ? '&nbsp;' : md;
    }
    case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': {
      const md = el.attrs.length ? '' : paragraph(el.childNodes);
      if (md === '' || md.includes('\n')) return fail('heading');
      return `${'#'.repeat(Number(tag[1]))} ${md.replace(/^#/, '\\#')}`;
    }
    case 'ul': {
      const todo = attr(el, 'class') === 'todo-list';
      if (!(el.attrs.length === 0 || (todo && el.attrs.length === 1))) return fail('ul attributes');
      return listItems(el, () => '- ', todo, titles);
    }
    case 'ol': {
      if (attr(el, 'data-footnote-section') !== undefined) return footnoteSection(el, titles);
      if (!onlyAttrs(el, ['start'])) return fail('ol attributes');
      const start = Number(attr(el, 'start') ?? '1');
      if (!Number.isInteger(start) || start < 0 || start > 999999999) return fail('ol start');
      return listItems(el, (i) => `${start + i}. `, false, titles);
    }
    case 'blockquote':
      if (el.attrs.length) return fail('blockquote attributes');
      return quote(flowMarkdown(el.childNodes, '\n\n', titles));
    case 'aside': {
      const type = classes(el).find((c) => ADMONITION_TYPES.includes(c));
      if (!type || classes(el).length !== 2 || !hasClass(el, 'admonition') || el.attrs.length !== 1) return fail('aside');
      if (!el.childNodes.every((c) => isBlankText(c) || (isElement(c) && isBlockTag(c)))) return fail('inline in aside');
      return quote(`[!${type.toUpperCase()}]\n${flowMarkdown(el.childNodes, '\n\n', titles)}`);
    }
    case 'pre':
      return codeBlock(el);
    case 'hr':
      return el.attrs.length ? fail('hr attributes') : '---';
    case 'figure': {
      if (hasClass(el, 'table')) return tableMarkdown(el);
      const kids = nonBlank(el.childNodes);
      const img = kids[0];
      if (kids.length !== 1 || !isElement(img) || img.tagName !== 'img' || !hasClass(el, 'image') || !onlyAttrs(el, ['class', 'style'])) return fail('figure');
      return imageMarkdown(img, classes(el).filter((c) => c !== 'image'), attr(el, 'style'));
    }
    case 'section':
      return includedNote(el, titles);
    case 'span':
      if (isDisplayMath(el)) return inlineNode(el);
      return fail('span block');
    default:
      return fail('element without Markdown syntax');
  }
}

/** A run of top-level inline content (CKEditor wraps it in a paragraph). */
export function inlineRunMarkdown(nodes: HtmlNode[]): string {
  return paragraph(nodes);
}
