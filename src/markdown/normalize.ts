// The comparison form of note HTML. Two notes with the same form look the same in CKEditor: it only erases
// differences CKEditor itself erases when it loads HTML (entity spelling, attribute order and quoting, collapsible
// whitespace, comments, <b>/<i> vs <strong>/<em>, wrapper divs, top-level text that CKEditor puts in a paragraph).
import {
  BLOCK_TAGS, isBlockNode, isDisplayMath, isElement, isText, isTransparentDiv, parseHtml,
  type HtmlElement, type HtmlNode,
} from './htmlTree';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RENAME: Record<string, string> = { b: 'strong', i: 'em', strike: 's' };
const BOOLEAN_ATTRS = new Set(['checked', 'disabled', 'readonly', 'selected', 'open', 'hidden']);

function escapeText(s: string): string {
  if (!/[&<>]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function normalizeAttrs(el: HtmlElement): string {
  const out: string[] = [];
  for (const { name, value } of [...el.attrs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let v = value;
    if (name === 'class') {
      v = [...new Set(value.split(/\s+/).filter(Boolean))].sort().join(' ');
      if (!v) continue;
    } else if (name === 'style') {
      v = value.split(';').map((d) => d.trim().replace(/\s*:\s*/, ':')).filter(Boolean).join(';');
      if (!v) continue;
    } else if (BOOLEAN_ATTRS.has(name)) {
      v = '';
    }
    out.push(` ${name}="${escapeText(v).replace(/"/g, '&quot;')}"`);
  }
  return out.join('');
}

/** Serializes inline content, collapsing whitespace the way a browser lays it out. */
class InlineWriter {
  out = '';
  private lastWasSpace = true;
  text(value: string): void {
    let t = /[\t\n\r\f]| {2}/.test(value) ? value.replace(/[ \t\n\r\f]+/g, ' ') : value;
    if (this.lastWasSpace) t = t.replace(/^ /, '');
    if (t === '') return;
    this.lastWasSpace = t.endsWith(' ');
    this.out += escapeText(t);
  }
  raw(html: string, resetsSpace: boolean): void {
    this.out += html;
    if (resetsSpace) this.lastWasSpace = true;
  }
  markNonSpace(): void {
    this.lastWasSpace = false;
  }
}

function isEmptyContent(html: string): boolean {
  return /^(?:\s|&nbsp;|\u00a0)*$/.test(html);
}

function trimEnd(html: string): string {
  return html.replace(/ ((?:<\/[a-z0-9]+>)*)$/, '$1').replace(/ ((?:<\/[a-z0-9]+>)*)<br>/g, '$1<br>');
}

function children(el: { childNodes: HtmlNode[] }): HtmlNode[] {
  const out: HtmlNode[] = [];
  for (const c of el.childNodes) {
    if (isTransparentDiv(c)) out.push(...children(c));
    else out.push(c);
  }
  return out;
}

function writeInline(node: HtmlNode, w: InlineWriter, pre: boolean): void {
  if (isText(node)) {
    if (pre) {
      w.raw(escapeText(node.value), false);
      w.markNonSpace();
    } else {
      w.text(node.value);
    }
    return;
  }
  if (!isElement(node)) return; // comments
  const tag = RENAME[node.tagName] ?? node.tagName;
  if (isBlockNode(node)) {
    w.out = trimEnd(w.out);
    w.raw(block(node), true);
    return;
  }
  const open = `<${tag}${normalizeAttrs(node)}>`;
  if (VOID.has(tag)) {
    if (tag === 'br') w.out = trimEnd(w.out);
    w.raw(open, tag === 'br');
    if (tag !== 'br') w.markNonSpace();
    return;
  }
  w.raw(open, false);
  for (const c of children(node)) writeInline(c, w, pre);
  w.raw(`</${tag}>`, false);
  if (tag === 'math') w.markNonSpace();
}

/** A block element and its content in comparison form. */
function block(el: HtmlElement): string {
  const tag = RENAME[el.tagName] ?? el.tagName;
  const open = `<${tag}${normalizeAttrs(el)}>`;
  if (VOID.has(tag)) return open;
  if (tag === 'pre') {
    const w = new InlineWriter();
    for (const c of el.childNodes) writeInline(c, w, true);
    return `${open}${w.out}</${tag}>`;
  }
  let inner = flow(children(el), false);
  if (isEmptyContent(inner)) inner = '';
  return `${open}${inner}</${tag}>`;
}

/** A sequence of block and inline nodes: runs of inline content are trimmed at block edges. */
function flow(nodes: HtmlNode[], topLevel: boolean): string {
  let out = '';
  let run: HtmlNode[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const w = new InlineWriter();
    for (const n of run) writeInline(n, w, false);
    const text = trimEnd(w.out);
    run = [];
    if (text === '' || (topLevel && isEmptyContent(text))) return;
    out += topLevel ? `<p>${text}</p>` : text;
  };
  for (const n of nodes) {
    if (isBlockNode(n)) {
      flush();
      out += isDisplayMath(n) ? inlineOf(n as HtmlElement) : block(n as HtmlElement);
    } else {
      run.push(n);
    }
  }
  flush();
  return out;
}

function inlineOf(n: HtmlElement): string {
  const w = new InlineWriter();
  w.raw(`<${n.tagName}${normalizeAttrs(n)}>`, false);
  for (const c of n.childNodes) writeInline(c, w, false);
  return trimEnd(w.out) + `</${n.tagName}>`;
}

/** Comparison form: equal forms show the same note in CKEditor. */
export function normalizeNoteHtml(html: string): string {
  return normalizeNodes(parseHtml(html).childNodes);
}

/** Comparison form of top-level nodes of a note. */
export function normalizeNodes(nodes: HtmlNode[]): string {
  return flow(children({ childNodes: nodes }), true);
}

export { BLOCK_TAGS };
