// The proof's fast path: Markdown in the shapes toMarkdown writes for common blocks (paragraphs, headings, lists and
// to-do lists, quotes and admonitions, fenced code, rules; text with escapes, emphasis, strikethrough, code spans,
// links, math, hard breaks) rendered straight to the HTML that markdown-it + toCkeditorForm would give, without
// either. Anything outside those shapes, or where markdown-it's reading could differ (a delimiter run that could
// both open and close, a line that could start another block, an entity other than &nbsp;, …) gives undefined and
// the caller takes the slow path. Tests hold it to markdown-it on the corpus and on adversarial and random Markdown.
import { ADMONITION_TYPES, HTML_FENCE, INCLUDE_CLASS } from './dialect';
import { triliumMarkdownIt } from './markdownIt';

/** One top-level block rendered in CKEditor's form, with the lists it starts and ends with (lists in a row merge). */
export interface DirectRendering {
  html: string;
  firstList?: string;
  lastList?: string;
}

/** Thrown (not an Error: no stack to capture) when the Markdown leaves the shapes this module reads. */
const OUTSIDE = Symbol('outside');
const outside = (): never => {
  throw OUTSIDE;
};

/** markdown-it's own character classes and link check, from the dialect's instance (so they cannot drift from it). */
interface MarkdownItParts {
  isWhiteSpace(code: number): boolean;
  isMdAsciiPunct(code: number): boolean;
  isPunctCharCode(code: number): boolean;
  validateLink(url: string): boolean;
}
/** Set by renderDirect before any reading. */
let parts: MarkdownItParts | undefined;
function markdownItParts(): MarkdownItParts {
  if (parts) return parts;
  const md = triliumMarkdownIt();
  const utils = md.utils as unknown as Omit<MarkdownItParts, 'validateLink'>;
  return (parts = { isWhiteSpace: utils.isWhiteSpace, isMdAsciiPunct: utils.isMdAsciiPunct, isPunctCharCode: utils.isPunctCharCode, validateLink: (url) => md.validateLink(url) });
}

/** Text and attribute values as parse5 serializes them. */
const escapeText = (s: string): string => (/[&<>\u00a0]/.test(s) ? s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s);
const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/"/g, '&quot;');

/** The code point before `pos` and at `pos`, as markdown-it's scanDelims reads them (`max` and the start read as a space). */
function codePointBefore(s: string, pos: number): number {
  if (pos === 0) return 32;
  const c = s.charCodeAt(pos - 1);
  if ((c & 0xfc00) === 0xdc00 && pos >= 2) {
    const h = s.charCodeAt(pos - 2);
    return (h & 0xfc00) === 0xd800 ? 0x10000 + ((h - 0xd800) << 10) + (c - 0xdc00) : 0xfffd;
  }
  return (c & 0xf800) === 0xd800 ? 0xfffd : c;
}
function codePointAt(s: string, pos: number, max: number): number {
  if (pos >= max) return 32;
  const c = s.charCodeAt(pos);
  if ((c & 0xfc00) === 0xd800) {
    const l = s.charCodeAt(pos + 1);
    return (l & 0xfc00) === 0xdc00 ? 0x10000 + ((c - 0xd800) << 10) + (l - 0xdc00) : 0xfffd;
  }
  return (c & 0xfc00) === 0xdc00 ? 0xfffd : c;
}
const isPunct = (c: number): boolean => parts!.isMdAsciiPunct(c) || parts!.isPunctCharCode(c);

interface Delimiter { marker: number; length: number; open: boolean }

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
/** The characters `inline` looks at; text runs to the next of them. */
const SPECIAL = /[\\*~`$&[<\n\]_{!]/g;
const TAG: Record<number, [string, string]> = { 0x2a: ['<i>', '</i>'], 0x7e: ['<s>', '</s>'] };

/**
 * Inline Markdown from `pos` to `max` as HTML. Delimiter runs must each either only open or only close, and nest
 * (a closer matches the last opener, same marker and length): then markdown-it pairs them the same way.
 */
function inline(s: string, pos: number, max: number, inLink: boolean): string {
  let out = '';
  const stack: Array<Delimiter & { at: number; tag?: string }> = [];
  let text = '';
  while (pos < max) {
    const c = s.charCodeAt(pos);
    switch (c) {
      case 0x5c: { // backslash
        const n = s.charCodeAt(pos + 1);
        if (n === 0x0a) {
          if (inLink || pos + 2 >= max) outside();
          if (text !== '') out += escapeText(text);
          text = '';
          out += '<br>';
          pos += 2;
          continue;
        }
        if (pos + 1 < max && ASCII_PUNCT.test(s[pos + 1])) {
          text += s[pos + 1];
          pos += 2;
        } else {
          text += '\\';
          pos++;
        }
        continue;
      }
      case 0x2a: case 0x7e: { // * ~
        let end = pos;
        while (end < max && s.charCodeAt(end) === c) end++;
        const length = end - pos;
        if (length > 2 || (c === 0x7e && length !== 2)) outside();
        const last = codePointBefore(s, pos);
        const next = codePointAt(s, end, max);
        const lastWs = parts!.isWhiteSpace(last);
        const nextWs = parts!.isWhiteSpace(next);
        const left = !nextWs && (!isPunct(next) || lastWs || isPunct(last));
        const right = !lastWs && (!isPunct(last) || nextWs || isPunct(next));
        if (left === right) outside();
        if (text !== '') out += escapeText(text);
        text = '';
        if (left) {
          stack.push({ marker: c, length, open: true, at: out.length });
          out += c === 0x2a && length === 2 ? '<strong>' : TAG[c][0];
        } else {
          const top = stack.pop();
          if (!top || top.marker !== c || top.length !== length) outside();
          out += c === 0x2a && length === 2 ? '</strong>' : TAG[c][1];
        }
        pos = end;
        continue;
      }
      case 0x60: { // `
        let end = pos;
        while (end < max && s.charCodeAt(end) === 0x60) end++;
        const fence = end - pos;
        let close = end;
        for (;;) {
          close = s.indexOf('`', close);
          if (close < 0 || close >= max) outside();
          let e = close;
          while (e < max && s.charCodeAt(e) === 0x60) e++;
          if (e - close === fence) break;
          close = e;
        }
        let code = s.slice(end, close);
        if (code.includes('\n')) outside();
        if (code.startsWith(' ') && code.endsWith(' ') && /[^ ]/.test(code)) code = code.slice(1, -1);
        if (text !== '') out += escapeText(text);
        text = '';
        out += `<code>${escapeText(code)}</code>`;
        pos = close + fence;
        continue;
      }
      case 0x24: { // $
        if (inLink) outside();
        const display = s.charCodeAt(pos + 1) === 0x24;
        const open = display ? 2 : 1;
        const end = s.indexOf(display ? '$$' : '$', pos + open);
        if (end < 0 || end + open > max) outside();
        const tex = s.slice(pos + open, end);
        if (tex === '' || tex.includes('\n') || tex.endsWith('\\') || (!display && s.charCodeAt(end + 1) === 0x24)) outside();
        if (text !== '') out += escapeText(text);
        text = '';
        out += display ? `<span class="math-tex">\\[${escapeText(tex)}\\]</span>` : `<span class="math-tex">\\(${escapeText(tex)}\\)</span>`;
        pos = end + open;
        continue;
      }
      case 0x26: { // &
        if (/^&#?[A-Za-z0-9]+;/.test(s.slice(pos, pos + 34))) {
          if (!s.startsWith('&nbsp;', pos) || pos + 6 > max) outside();
          text += '\u00a0';
          pos += 6;
        } else {
          text += '&';
          pos++;
        }
        continue;
      }
      case 0x5b: { // [
        if (inLink || s.charCodeAt(pos + 1) === 0x5e /* ^ */) outside();
        const labelEnd = linkLabelEnd(s, pos + 1, max);
        if (s.charCodeAt(labelEnd + 1) !== 0x28 /* ( */) outside();
        const { href, end } = destination(s, labelEnd + 2, max);
        let close = end;
        let cls = '';
        if (s.startsWith('{.reference-link}', end)) {
          cls = ' class="reference-link"';
          close += '{.reference-link}'.length;
        } else if (s.charCodeAt(end) === 0x7b /* { */) outside();
        if (close > max) outside();
        if (text !== '') out += escapeText(text);
        text = '';
        const label = inline(s, pos + 1, labelEnd, true);
        if (label === '') outside();
        out += `<a${cls} href="${escapeAttr(href)}">${label}</a>`;
        pos = close;
        continue;
      }
      case 0x3c: { // <: a tag as toMarkdown writes inline HTML, nested in order
        const tag = inlineTag(s, pos, max);
        if (tag.close) {
          const top = stack.pop();
          if (!top || top.marker !== 0x3c || top.tag !== tag.name) outside();
        } else {
          stack.push({ marker: 0x3c, length: 0, open: true, at: out.length, tag: tag.name });
        }
        if (text !== '') out += escapeText(text);
        text = '';
        out += tag.html;
        pos = tag.end;
        continue;
      }
      case 0x0a: case 0x5d: case 0x5f: case 0x7b: // newline (soft break), ] _ {
        outside();
        break;
      case 0x21: // ! before [ is an image
        if (s.charCodeAt(pos + 1) === 0x5b) outside();
        text += '!';
        pos++;
        continue;
      default: {
        SPECIAL.lastIndex = pos + 1;
        const next = SPECIAL.test(s) ? Math.min(SPECIAL.lastIndex - 1, max) : max;
        text += s.slice(pos, next);
        pos = next;
      }
    }
  }
  if (stack.length) outside();
  if (text !== '') out += escapeText(text);
  text = '';
  return out;
}

/** Phrasing elements the HTML parser keeps as written when they nest in order (toMarkdown writes them as inline HTML). */
const PHRASING = new Set(['span', 'u', 'sup', 'sub', 'kbd', 'mark', 'ins', 'abbr', 'cite', 'q', 'var', 'samp', 'dfn', 'time', 'bdi', 'bdo']);
const OPEN_TAG = /<([a-z]+)((?: [a-z][a-z-]*="[^"<>]*")*)>/y;
const CLOSE_TAG = /<\/([a-z]+)>/y;
/** One attribute of OPEN_TAG's attribute part (read by exec in a loop: matchAll's iterator allocates per step until optimized). */
const TAG_ATTRIBUTE = / ([a-z-]+)="([^"]*)"/g;

/** An inline HTML tag in toMarkdown's form (`<tag name="value">`, values with `&amp;` and `&quot;` only), as parse5 writes it. */
function inlineTag(s: string, pos: number, max: number): { name: string; close: boolean; html: string; end: number } {
  CLOSE_TAG.lastIndex = pos;
  const close = CLOSE_TAG.exec(s);
  if (close) {
    if (!PHRASING.has(close[1]) || CLOSE_TAG.lastIndex > max) outside();
    return { name: close[1], close: true, html: close[0], end: CLOSE_TAG.lastIndex };
  }
  OPEN_TAG.lastIndex = pos;
  const open = OPEN_TAG.exec(s) ?? outside();
  if (!PHRASING.has(open[1]) || OPEN_TAG.lastIndex > max) outside();
  const names = new Set<string>();
  let html = `<${open[1]}`;
  TAG_ATTRIBUTE.lastIndex = 0;
  for (let a = TAG_ATTRIBUTE.exec(open[2]); a; a = TAG_ATTRIBUTE.exec(open[2])) {
    const name = a[1];
    const raw = a[2];
    if (names.has(name) || /&(?!amp;|quot;)/.test(raw) || /math-tex|footnote/.test(raw)) outside();
    names.add(name);
    html += ` ${name}="${escapeAttr(raw.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))}"`;
  }
  return { name: open[1], close: false, html: `${html}>`, end: OPEN_TAG.lastIndex };
}

/** A run of a link label's characters that need no look (sticky). */
const PLAIN_LABEL = /[^[\]\n$\\`]+/y;

/** Where a link's label ends (its `]`): code spans and escapes are skipped; a nested `[` is left to markdown-it. */
function linkLabelEnd(s: string, pos: number, max: number): number {
  while (pos < max) {
    PLAIN_LABEL.lastIndex = pos;
    if (PLAIN_LABEL.test(s)) {
      pos = PLAIN_LABEL.lastIndex;
      if (pos >= max) break;
    }
    const c = s.charCodeAt(pos);
    if (c === 0x5d) return pos;
    if (c === 0x5b || c === 0x0a || c === 0x24) outside();
    if (c === 0x5c) pos += 2;
    else if (c === 0x60) {
      let end = pos;
      while (s.charCodeAt(end) === 0x60) end++;
      const fence = s.slice(pos, end);
      const close = s.indexOf(fence, end);
      if (close < 0 || s.charCodeAt(close + fence.length) === 0x60 || close >= max) outside();
      pos = close + fence.length;
    } else pos++;
  }
  return outside();
}

/** A run of a link destination's characters that need no look (sticky). */
const PLAIN_DESTINATION = /[^\x00-\x20\x7f&\\()<>]+/y;

/** A link destination (`<…>` or plain, escapes only) up to its `)`: the href and where the link ends. */
function destination(s: string, pos: number, max: number): { href: string; end: number } {
  let href = '';
  const angle = s.charCodeAt(pos) === 0x3c;
  if (angle) pos++;
  for (; pos < max; pos++) {
    PLAIN_DESTINATION.lastIndex = pos;
    if (PLAIN_DESTINATION.test(s)) {
      const to = Math.min(PLAIN_DESTINATION.lastIndex, max);
      href += s.slice(pos, to);
      pos = to;
      if (pos === max) break;
    }
    const c = s.charCodeAt(pos);
    if (c < 0x20 || c === 0x7f || (c === 0x26 && /^&[a-z#][a-z0-9]{1,31};/i.test(s.slice(pos, pos + 34)))) outside();
    if (c === 0x5c && ASCII_PUNCT.test(s[pos + 1] ?? '')) {
      href += s[++pos];
      continue;
    }
    if (angle) {
      if (c === 0x3c) outside();
      if (c === 0x3e) {
        if (s.charCodeAt(pos + 1) !== 0x29) outside();
        break;
      }
    } else {
      if (c === 0x20 || c === 0x28) outside();
      if (c === 0x29) break;
    }
    href += s[pos];
  }
  if (pos >= max) outside();
  if (!parts!.validateLink(href)) outside();
  return { href, end: pos + (angle ? 2 : 1) };
}

/**
 * A line that continues or starts a paragraph and could not start any other block: markdown-it reads it as text.
 * Whitespace at its edges would be trimmed, so it is left to the slow path too.
 */
const OTHER_BLOCK_START = /^(?:[\s>#+=\-:|]|\d{1,9}[.)]|\*+(?:\s|$)|\*{3}|`{3}|~{3}|\[\^)/;

function textLine(line: string): void {
  if (line === '' || OTHER_BLOCK_START.test(line) || /\s$/.test(line)) outside();
  if (line.startsWith('<')) { // a line that is a tag and nothing else starts an HTML block; a phrasing tag and text do not
    const m = /^<\/?([a-z]+)(?: [^>]*)?>\S/.exec(line);
    if (!m || !PHRASING.has(m[1])) outside();
  }
}

/** A paragraph's lines (each but the last ends in a hard break), from `from` in the first. */
function paragraphInline(lines: string[], from = 0, loneMath = false): string {
  lines.forEach(textLine);
  if (lines.length > 1 && lines.some((l) => l.includes('|'))) outside(); // could be a table
  const src = lines.join('\n');
  const html = inline(src, from, src.length, false);
  if (html.includes(DISPLAY_MATH) && !(loneMath && LONE_DISPLAY_MATH.test(html))) outside(); // a block in CKEditor: text around it changes
  return html;
}

const DISPLAY_MATH = '<span class="math-tex">\\[';
const LONE_DISPLAY_MATH = /^<span class="math-tex">\\\[[^<]*<\/span>$/;

const TASK = /^\[[ xX]\] /;

const LIST_ITEM = /^(?:([-*])|(\d{1,9})([.)])) /;

interface Block { html: string; firstList?: string; lastList?: string }

/** A list: items with one paragraph each and, after it, lists nested in the item (a tight list, as toMarkdown writes it). */
function list(lines: string[]): Block {
  const first = LIST_ITEM.exec(lines[0])!;
  const kind = first[1] ? `ul${first[1]}` : `ol${first[3]}`;
  const items: Array<{ inline: string; nested: string }> = [];
  let i = 0;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]) ?? outside();
    if ((m[1] ? `ul${m[1]}` : `ol${m[3]}`) !== kind) outside();
    const width = m[0].length;
    const indent = ' '.repeat(width);
    const para = [lines[i].slice(width)];
    let j = i + 1;
    for (; j < lines.length && para[para.length - 1].endsWith('\\') && lines[j].startsWith(indent); j++) para.push(lines[j].slice(width));
    const nestedLines: string[] = [];
    for (; j < lines.length && lines[j].startsWith(indent); j++) nestedLines.push(lines[j].slice(width));
    let nested = '';
    if (nestedLines.length) {
      if (!LIST_ITEM.test(nestedLines[0])) outside();
      nested = list(nestedLines).html;
    }
    // `[ ] ` starting an item is text to markdown-it (no link follows, no reference is defined).
    const task = TASK.exec(para[0])?.[0] ?? '';
    items.push({ inline: task + paragraphInline(para, task.length), nested });
    i = j;
  }
  let html: string;
  if (kind.startsWith('ol')) {
    const start = Number(first[2]);
    html = `<ol${start === 1 ? '' : ` start="${start}"`}>${items.map((it) => `<li>${it.inline}${it.nested}</li>`).join('')}</ol>`;
  } else if (items.every((it) => /^\[[ xX]\] ./.test(it.inline))) {
    html = `<ul class="todo-list">${items.map((it) => {
      const box = it.inline[1] === ' ' ? '<input type="checkbox" disabled="disabled">' : '<input type="checkbox" checked="checked" disabled="disabled">';
      return `<li><label class="todo-list__label">${box}<span class="todo-list__label__description">${it.inline.slice(4)}</span></label>${it.nested}</li>`;
    }).join('')}</ul>`;
  } else {
    if (items.some((it) => it.inline.startsWith('['))) outside();
    html = `<ul>${items.map((it) => `<li>${it.inline}${it.nested}</li>`).join('')}</ul>`;
  }
  return { html, firstList: kind, lastList: kind };
}

/** A quote or an admonition: `> ` lines holding blocks separated by `>` lines. */
function quote(lines: string[]): Block {
  const inner = lines.map((l) => (l === '>' ? '' : l.startsWith('> ') ? l.slice(2) : outside()));
  let tag = 'blockquote';
  let cls = '';
  const alert = /^\[!([A-Z]+)\]$/.exec(inner[0]);
  if (alert && ADMONITION_TYPES.includes(alert[1].toLowerCase())) {
    tag = 'aside';
    cls = ` class="admonition ${alert[1].toLowerCase()}"`;
    inner.shift();
    // The first block continues the `[!KIND]` paragraph unless it interrupts it.
    if (inner.length === 0 || inner[0] === '' || inner[0] === '---' || /^\d+[.)] /.test(inner[0])) outside();
  } else if (inner[0].startsWith('[!')) outside();
  let html = '';
  let prevList: string | undefined;
  for (let from = 0; from < inner.length;) {
    let to = from;
    while (to < inner.length && inner[to] !== '') to++;
    if (to === from) outside();
    const b = blockOf(inner.slice(from, to), true);
    if (b.firstList !== undefined && b.firstList === prevList) outside();
    prevList = b.lastList;
    html += b.html;
    from = to + 1;
  }
  if (tag === 'blockquote' && html.startsWith('<p>[!')) outside(); // text that reads as an admonition
  return { html: `<${tag}${cls}>${html}</${tag}>` };
}

/** A fenced code block whose fence no line inside could close. */
function fence(lines: string[]): Block {
  const open = /^(`{3,})([^`\s&\\]*)$/.exec(lines[0]) ?? outside();
  const [, marks, lang] = open;
  if (lines.length < 2 || lines[lines.length - 1] !== marks || lang === HTML_FENCE) outside();
  const body = lines.slice(1, -1);
  if (body.some((l) => (/^ {0,3}(`+)[ \t]*$/.exec(l)?.[1].length ?? 0) >= marks.length)) outside();
  return { html: `<pre><code${lang ? ` class="language-${escapeAttr(lang)}"` : ''}>${escapeText(body.join('\n'))}</code></pre>` };
}

/** A row's cells as markdown-it's table rule splits them (an escaped pipe is a pipe in the cell), trimmed. */
function cells(line: string): string[] {
  if (!line.startsWith('| ') || !line.endsWith(' |')) outside();
  const out: string[] = [];
  let current = '';
  let last = 0;
  for (let pos = line.indexOf('|'); pos >= 0; pos = line.indexOf('|', pos + 1)) {
    if (line.charCodeAt(pos - 1) === 0x5c) {
      current += line.slice(last, pos - 1);
      last = pos;
    } else {
      out.push(current + line.slice(last, pos));
      current = '';
      last = pos + 1;
    }
  }
  if (current !== '' || last !== line.length) outside();
  return out.slice(1).map((c) => c.trim());
}

function cellHtml(tag: string, content: string): string {
  const html = inline(content, 0, content.length, false);
  if (html.includes(DISPLAY_MATH)) outside();
  return `<${tag}>${html}</${tag}>`;
}

/** A GFM table as toMarkdown writes it (`| a | b |`, a `| --- |` row, no alignment); an empty header row is dropped. */
function table(lines: string[]): Block {
  if (lines.length < 2) outside();
  const head = cells(lines[0]);
  const delimiter = cells(lines[1]);
  if (delimiter.length !== head.length || delimiter.some((c) => c !== '---')) outside();
  const body = lines.slice(2).map(cells);
  if (body.some((r) => r.length !== head.length)) outside();
  const row = (r: string[], tag: string): string => `<tr>${r.map((c) => cellHtml(tag, c)).join('')}</tr>`;
  const thead = head.every((c) => c === '') ? '' : `<thead>${row(head, 'th')}</thead>`;
  const tbody = body.length ? `<tbody>${body.map((r) => row(r, 'td')).join('')}</tbody>` : '';
  if (!thead && !tbody) outside();
  return { html: `<figure class="table"><table>${thead}${tbody}</table></figure>` };
}

const ATTR = /\s*(?:\.([\w-]+)|([\w-]+)=(?:"([^"]*)"|([^\s}"]+)))/y;
const IMAGE_ATTRS = new Set(['style', 'width', 'height', 'img-style']);

/** A paragraph that is one image with its `{…}` attributes: CKEditor's figure.image. */
function figure(line: string): Block {
  const altEnd = line.indexOf('](');
  if (altEnd < 0) outside();
  const rawAlt = line.slice(2, altEnd);
  if (/[*_`<&$~!{}\n]|\\(?![\\[\]])/.test(rawAlt) || /(?<!\\)[[\]]/.test(rawAlt.replace(/\\\\/g, ''))) outside();
  const alt = rawAlt.replace(/\\([\\[\]])/g, '$1');
  const { href, end } = destination(line, altEnd + 2, line.length);
  const classes: string[] = [];
  const named = new Map<string, string>();
  if (end < line.length) {
    if (line[end] !== '{' || !line.endsWith('}')) outside();
    ATTR.lastIndex = end + 1;
    while (ATTR.lastIndex < line.length - 1) {
      const m = ATTR.exec(line) ?? outside();
      if (m[1] === INCLUDE_CLASS) outside(); // an included note (see includedNoteOf), not an image
      if (m[1]) classes.push(m[1]);
      else if (!IMAGE_ATTRS.has(m[2]) || named.has(m[2])) outside();
      else named.set(m[2], m[3] ?? m[4]);
    }
    if (ATTR.lastIndex !== line.length - 1) outside();
  }
  let img = '<img';
  if (named.has('img-style')) img += ` style="${escapeAttr(named.get('img-style')!)}"`;
  img += ` src="${escapeAttr(href)}"`;
  if (alt) img += ` alt="${escapeAttr(alt)}"`;
  for (const [k, v] of named) if (k === 'width' || k === 'height') img += ` ${k}="${escapeAttr(v)}"`;
  const style = named.has('style') ? ` style="${escapeAttr(named.get('style')!)}"` : '';
  return { html: `<figure class="${escapeAttr(['image', ...classes].join(' '))}"${style}>${img}></figure>` };
}

/** An included note as toMarkdown writes it, alone in its block: `![Title](#root/…/ID){.include-note size=SIZE}`, a plain title. */
const INCLUDED_NOTE = /^!\[[^[\]\\`<>*_&$~!{}]*\]\(#root(?:\/[A-Za-z0-9_]+)*\/([A-Za-z0-9_]+)\)\{\.include-note(?: size=([\w-]+))?\}$/;

function blockOf(lines: string[], nested: boolean): Block {
  const first = lines[0];
  if (first.startsWith('```')) {
    if (nested) outside();
    return fence(lines);
  }
  if (lines.some((l) => l === '')) outside();
  if (first === '---' && lines.length === 1) return { html: '<hr>' };
  const heading = /^(#{1,6}) (.*)$/.exec(first);
  if (heading) {
    if (lines.length > 1 || heading[2].endsWith('#')) outside();
    const n = heading[1].length;
    return { html: `<h${n}>${paragraphInline([heading[2]])}</h${n}>` };
  }
  if (LIST_ITEM.test(first)) return list(lines);
  if (first.startsWith('>')) return quote(lines);
  if (first.startsWith('|')) {
    if (nested) outside();
    return table(lines);
  }
  if (first.startsWith('![') && lines.length === 1) {
    const included = nested ? null : INCLUDED_NOTE.exec(first);
    if (included) return { html: `<section class="include-note" data-note-id="${included[1]}"${included[2] === undefined ? '' : ` data-box-size="${included[2]}"`}>&nbsp;</section>` };
    return figure(first);
  }
  const inner = paragraphInline(lines, 0, true);
  if (LONE_DISPLAY_MATH.test(inner)) return { html: inner }; // lone display math leaves its paragraph
  return { html: `<p>${inner}</p>` };
}

/** A block's Markdown rendered as markdown-it and toCkeditorForm would, or undefined when not sure. */
export function renderDirect(markdown: string): DirectRendering | undefined {
  if (markdown.includes('\r') || markdown.includes('\0')) return undefined;
  markdownItParts();
  try {
    return blockOf(markdown.split('\n'), false);
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}
