// CKEditor HTML → Trilium Markdown with turndown: CommonMark and GFM for what they can say, plus our extensions
// (to-do lists, admonitions, images, reference links, code languages, math). Whether the result is exact is
// checked by the caller; anything that is not becomes an HTML island there.
import TurndownService from 'turndown';
import { ADMONITION_TYPES } from './dialect';

interface DomEl {
  nodeName: string;
  parentNode: DomEl | null;
  firstChild: DomEl | null;
  childNodes: ArrayLike<DomEl>;
  textContent: string | null;
  outerHTML: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(sel: string): DomEl | null;
  isBlock?: boolean;
}

const el = (n: unknown): DomEl => n as DomEl;
const classesOf = (n: DomEl): string[] => (n.getAttribute?.('class') ?? '').split(/\s+/).filter(Boolean);
const hasClass = (n: DomEl, c: string): boolean => classesOf(n).includes(c);
const onlyAttrs = (n: DomEl, allowed: string[]): boolean =>
  Array.from((n as unknown as { attributes: ArrayLike<{ name: string }> }).attributes).every((a) => allowed.includes(a.name));

const INLINE_HTML = new Set(['SPAN', 'U', 'SUP', 'SUB', 'KBD', 'MARK', 'SMALL', 'INS', 'FONT', 'ABBR', 'CITE', 'Q', 'BIG', 'VAR', 'SAMP', 'DFN', 'TIME', 'BDI', 'BDO']);
/** Inline elements with Markdown syntax, and the attributes that syntax can carry. */
const MARKDOWN_ATTRS: Record<string, string[]> = { A: ['href', 'title'], STRONG: [], B: [], EM: [], I: [], CODE: [], S: [], DEL: [] };

function openTag(n: DomEl): string {
  const attrs = Array.from((n as unknown as { attributes: ArrayLike<{ name: string; value: string }> }).attributes)
    .map((a) => ` ${a.name}="${a.value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
    .join('');
  return `<${n.nodeName.toLowerCase()}${attrs}>`;
}

/** markdown-it trims a paragraph's edges, so no-break spaces there are written as entities. */
function protectEdgeSpaces(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return line;
      return line.replace(/^\u00a0+|\u00a0+$/g, (m) => '&nbsp;'.repeat(m.length));
    })
    .join('\n');
}

function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function listItem(content: string, node: DomEl, marker: string): string {
  const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n/gm, `\n${' '.repeat(marker.length)}`);
  const next = (node as unknown as { nextSibling: unknown }).nextSibling;
  return marker + body + (next && !/\n$/.test(body) ? '\n' : '');
}

function createTurndown(): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
    strongDelimiter: '**',
    hr: '---',
    br: '\\',
    linkStyle: 'inlined',
    blankReplacement: (_content, node) => {
      const n = el(node);
      if (n.nodeName === 'P') return '\n\n&nbsp;\n\n';
      if (n.nodeName === 'SECTION' || n.nodeName === 'TD' || n.nodeName === 'TH') return `\n\n${n.outerHTML}\n\n`;
      return n.isBlock ? '\n\n' : '';
    },
  });
  const baseEscape = td.escape.bind(td);
  td.escape = (s: string) =>
    baseEscape(s)
      .replace(/[<$~|{]/g, '\\$&')
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');

  td.keep((node) => ['SECTION', 'FIGCAPTION'].includes(el(node).nodeName));

  // Inline formatting Markdown has no syntax for stays as inline HTML tags around Markdown content.
  td.addRule('inlineHtml', {
    filter: (node) => {
      const n = el(node);
      const name = n.nodeName;
      if (INLINE_HTML.has(name)) return true;
      const markdownAttrs = MARKDOWN_ATTRS[name];
      return markdownAttrs !== undefined && !onlyAttrs(n, markdownAttrs);
    },
    replacement: (content, node) => {
      const n = el(node);
      const tag = n.nodeName.toLowerCase();
      return `${openTag(n)}${content}</${tag}>`;
    },
  });

  td.addRule('todoLabel', {
    filter: (node) => {
      const n = el(node);
      return (n.nodeName === 'LABEL' && hasClass(n, 'todo-list__label') && onlyAttrs(n, ['class']))
        || (n.nodeName === 'SPAN' && hasClass(n, 'todo-list__label__description') && onlyAttrs(n, ['class']) && n.parentNode?.nodeName === 'LABEL');
    },
    replacement: (content) => content,
  });

  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node) => {
      const n = el(node);
      const parent = n.parentNode!;
      if (parent.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? '1');
        const index = Array.prototype.indexOf.call(parent.childNodes, n);
        const siblings = Array.prototype.filter.call(parent.childNodes, (c: DomEl) => c.nodeName === 'LI') as DomEl[];
        return listItem(content, n, `${start + siblings.indexOf(n) + (index < 0 ? 0 : 0)}. `);
      }
      if (hasClass(parent, 'todo-list')) {
        const box = n.querySelector('input[type=checkbox]');
        const mark = box?.hasAttribute('checked') ? '[x] ' : '[ ] ';
        return listItem(content.replace(/^\s+/, ''), n, `- ${mark}`);
      }
      return listItem(content, n, '- ');
    },
  });

  td.addRule('codeBlock', {
    filter: (node) => node.nodeName === 'PRE' && el(node).firstChild?.nodeName === 'CODE' && el(node).childNodes.length === 1,
    replacement: (_content, node) => {
      const code = el(node).firstChild!;
      const lang = /(?:^|\s)language-(\S+)/.exec(code.getAttribute('class') ?? '')?.[1] ?? '';
      const text = code.textContent ?? '';
      const fence = fenceFor(text);
      return `\n\n${fence}${lang}\n${text}\n${fence}\n\n`;
    },
  });

  td.addRule('admonition', {
    filter: (node) => node.nodeName === 'ASIDE' && hasClass(el(node), 'admonition'),
    replacement: (content, node) => {
      const type = classesOf(el(node)).find((c) => ADMONITION_TYPES.includes(c)) ?? 'note';
      const body = content.replace(/^\n+|\n+$/g, '').replace(/^/gm, '> ').replace(/^> $/gm, '>');
      return `\n\n> [!${type.toUpperCase()}]\n${body}\n\n`;
    },
  });

  td.addRule('math', {
    filter: (node) => node.nodeName === 'SPAN' && hasClass(el(node), 'math-tex'),
    replacement: (_content, node) => {
      const tex = el(node).textContent ?? '';
      const display = /^\\\[([\s\S]*)\\\]$/.exec(tex);
      if (display) return `$$${display[1]}$$`;
      const inline = /^\\\(([\s\S]*)\\\)$/.exec(tex);
      return inline ? `$${inline[1]}$` : el(node).outerHTML;
    },
  });

  td.addRule('figureImage', {
    filter: (node) => {
      const n = el(node);
      if (n.nodeName !== 'FIGURE' || !hasClass(n, 'image')) return false;
      const kids = Array.from(n.childNodes).filter((c) => !(c.nodeName === '#text' && /^\s*$/.test(c.textContent ?? '')));
      return kids.length === 1 && kids[0].nodeName === 'IMG';
    },
    replacement: (_content, node) => {
      const n = el(node);
      const img = n.querySelector('img')!;
      return `\n\n${imageMarkdown(img, classesOf(n).filter((c) => c !== 'image'), n.getAttribute('style'))}\n\n`;
    },
  });

  td.addRule('inlineImage', {
    filter: 'img',
    replacement: (_content, node) => imageMarkdown(el(node), [], null),
  });

  td.addRule('referenceLink', {
    filter: (node) => node.nodeName === 'A' && hasClass(el(node), 'reference-link') && onlyAttrs(el(node), ['class', 'href']),
    replacement: (content, node) => `[${content}](${el(node).getAttribute('href') ?? ''}){.reference-link}`,
  });

  td.addRule('strikethrough', {
    filter: ['del', 's'],
    replacement: (content) => `~~${content}~~`,
  });

  td.addRule('table', {
    filter: (node) => node.nodeName === 'FIGURE' && hasClass(el(node), 'table') && el(node).querySelector('table') !== null,
    replacement: (_content, node) => tableMarkdown(td, el(node)) ?? `\n\n${el(node).outerHTML}\n\n`,
  });
  return td;
}

function imageMarkdown(img: DomEl, figureClasses: string[], figureStyle: string | null): string {
  const alt = (img.getAttribute('alt') ?? '').replace(/([\\[\]])/g, '\\$1');
  const rawSrc = img.getAttribute('src') ?? '';
  const src = /\s/.test(rawSrc) ? `<${rawSrc.replace(/([<>])/g, '\\$1')}>` : rawSrc.replace(/([<>()])/g, '\\$1');
  const attrs: string[] = figureClasses.map((c) => `.${c}`);
  if (figureStyle) attrs.push(`style="${figureStyle}"`);
  for (const name of ['width', 'height']) {
    const v = img.getAttribute(name);
    if (v !== null) attrs.push(`${name}=${v}`);
  }
  const imgStyle = img.getAttribute('style');
  if (imgStyle) attrs.push(`img-style="${imgStyle}"`);
  return `![${alt}](${src})${attrs.length ? `{${attrs.join(' ')}}` : ''}`;
}

/** A GFM table, when the table is a plain grid of inline cells with at most one header row. */
function tableMarkdown(td: TurndownService, figure: DomEl): string | null {
  if (!onlyAttrs(figure, ['class']) || classesOf(figure).length !== 1) return null;
  const table = figure.querySelector('table')!;
  const rows: DomEl[][] = [];
  let headerRows = 0;
  for (const section of Array.from(table.childNodes)) {
    if (section.nodeName === '#text') continue;
    if (!['THEAD', 'TBODY'].includes(section.nodeName) || !onlyAttrs(section, [])) return null;
    for (const tr of Array.from(section.childNodes)) {
      if (tr.nodeName === '#text') continue;
      if (tr.nodeName !== 'TR' || !onlyAttrs(tr, [])) return null;
      const cells = Array.from(tr.childNodes).filter((c) => c.nodeName !== '#text');
      if (cells.some((c) => !['TD', 'TH'].includes(c.nodeName) || !onlyAttrs(c, []))) return null;
      if (section.nodeName === 'THEAD') headerRows++;
      rows.push(cells);
    }
  }
  if (headerRows !== 1 || rows.length === 0 || !onlyAttrs(table, [])) return null;
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) return null;
  const cellText = (c: DomEl): string | null => {
    if (c.querySelector('p,ul,ol,pre,figure,table,blockquote,h1,h2,h3,h4,h5,h6,aside,br')) return null;
    const md = td.turndown(c.outerHTML.replace(/^<t[dh][^>]*>|<\/t[dh]>$/g, ''));
    return md.includes('\n') ? null : md || ' ';
  };
  const lines: string[] = [];
  for (const [i, r] of rows.entries()) {
    const cells = r.map(cellText);
    if (cells.some((c) => c === null)) return null;
    lines.push(`| ${cells.join(' | ')} |`);
    if (i === 0) lines.push(`|${' --- |'.repeat(width)}`);
  }
  return `\n\n${lines.join('\n')}\n\n`;
}

const SENTINEL = '\uE000';
let shared: TurndownService | undefined;

/** One HTML block as Trilium Markdown (not yet checked for exactness). */
export function blockToMarkdown(html: string): string {
  shared ??= createTurndown();
  // turndown trims all whitespace, no-break spaces included, off its output's end: a sentinel paragraph keeps them.
  const out = shared.turndown(`${html}<p>${SENTINEL}</p>`);
  return protectEdgeSpaces(out.slice(0, out.lastIndexOf(SENTINEL)).replace(/^\n+|[ \t\r\n]+$/g, ''));
}
