// markdown-it's HTML → the HTML CKEditor writes for the same content: no whitespace between blocks, tables in
// figure.table, lone images in figure.image, `[ ]` lists as ul.todo-list, `> [!NOTE]` quotes as aside.admonition,
// lone display math outside a paragraph.
import { ADMONITION_TYPES } from './dialect';
import {
  attr, isBlockNode, isDisplayMath, isElement, isText, parseHtml, serializeChildren,
  type HtmlElement, type HtmlNode, type HtmlParent, type HtmlText,
} from './htmlTree';

function element(tagName: string, attrs: Array<[string, string]>, childNodes: HtmlNode[], parentNode: HtmlParent): HtmlElement {
  const el: HtmlElement = {
    nodeName: tagName, tagName, attrs: attrs.map(([name, value]) => ({ name, value })), childNodes, parentNode,
    namespaceURI: 'http://www.w3.org/1999/xhtml',
  } as HtmlElement;
  for (const c of childNodes) c.parentNode = el;
  return el;
}

function text(value: string, parentNode: HtmlParent): HtmlText {
  return { nodeName: '#text', value, parentNode } as HtmlText;
}

function removeAttr(el: HtmlElement, name: string): string | undefined {
  const v = attr(el, name);
  el.attrs = el.attrs.filter((a) => a.name !== name);
  return v;
}

const CONTAINERS = new Set(['ul', 'ol', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'blockquote', 'aside', 'figure', 'section']);

function visit(parent: HtmlParent, inPre: boolean): void {
  const isRoot = !isElement(parent);
  const kids = parent.childNodes;
  const kept: HtmlNode[] = [];
  for (let i = 0; i < kids.length; i++) {
    const n = kids[i];
    if (isText(n)) {
      const blank = /^[ \t\r\n]*$/.test(n.value);
      const nextToBlock = (kids[i - 1] && isBlockNode(kids[i - 1])) || (kids[i + 1] && isBlockNode(kids[i + 1]));
      if (blank && !inPre && (isRoot || CONTAINERS.has((parent as HtmlElement).tagName) || nextToBlock)) continue;
      if (!inPre) {
        let v = n.value.replace(/\n/g, ' ');
        const prev = kids[i - 1];
        if ((prev && isElement(prev) && prev.tagName === 'br') || (prev && isBlockNode(prev))) v = v.replace(/^ +/, '');
        if (kids[i + 1] && isBlockNode(kids[i + 1])) v = v.replace(/ +$/, '');
        n.value = v;
      }
      kept.push(n);
      continue;
    }
    if (isElement(n)) {
      visit(n, inPre || n.tagName === 'pre');
      kept.push(transform(n, parent));
    } else {
      kept.push(n);
    }
  }
  parent.childNodes = kept;
}

function transform(el: HtmlElement, parent: HtmlParent): HtmlNode {
  switch (el.tagName) {
    case 'table':
      dropEmptyHeader(el);
      if (!(isElement(parent) && parent.tagName === 'figure')) return element('figure', [['class', 'table']], [el], parent);
      return el;
    case 'p': {
      const only = el.childNodes.length === 1 ? el.childNodes[0] : undefined;
      if (only && isElement(only) && only.tagName === 'img') return figureFor(only, parent);
      if (only && isDisplayMath(only)) {
        only.parentNode = parent;
        return only;
      }
      return el;
    }
    case 'img':
      if (isElement(parent) && parent.tagName === 'p' && parent.childNodes.length === 1) return el; // becomes a figure
      removeAttr(el, 'data-trilium-figure-class');
      removeAttr(el, 'data-trilium-figure-style');
      return el;
    case 'ul':
      todoList(el);
      return el;
    case 'blockquote':
      return admonition(el, parent) ?? el;
    default:
      return el;
  }
}

/** The empty header row a header-less table gets in Markdown. */
function dropEmptyHeader(table: HtmlElement): void {
  const thead = table.childNodes.find((c) => isElement(c) && c.tagName === 'thead') as HtmlElement | undefined;
  const rows = thead?.childNodes.filter(isElement) ?? [];
  if (rows.length !== 1) return;
  const empty = rows[0].childNodes.every((c) => !isElement(c) || (c.childNodes.length === 0 && c.attrs.length === 0));
  if (empty) table.childNodes = table.childNodes.filter((c) => c !== thead);
}

function figureFor(img: HtmlElement, parent: HtmlParent): HtmlElement {
  const extra = removeAttr(img, 'data-trilium-figure-class');
  const style = removeAttr(img, 'data-trilium-figure-style');
  const attrs: Array<[string, string]> = [['class', extra ? `image ${extra}` : 'image']];
  if (style !== undefined) attrs.push(['style', style]);
  return element('figure', attrs, [img], parent);
}

const TASK = /^\[([ xX])\] /;

function todoList(ul: HtmlElement): void {
  const items = ul.childNodes.filter(isElement);
  if (items.length === 0 || items.length !== ul.childNodes.length) return;
  const firstTexts = items.map((li) => {
    const first = li.childNodes[0];
    const holder = first && isElement(first) && first.tagName === 'p' ? first : li;
    const t = holder.childNodes[0];
    return t && isText(t) && TASK.test(t.value) ? { holder, t } : undefined;
  });
  if (firstTexts.some((x) => !x)) return;
  ul.attrs = [{ name: 'class', value: 'todo-list' }];
  items.forEach((li, k) => {
    const { holder, t } = firstTexts[k]!;
    const checked = TASK.exec(t.value)![1] !== ' ';
    t.value = t.value.replace(TASK, '');
    if (t.value === '') holder.childNodes.splice(0, 1);
    const inline = holder === li ? li.childNodes.filter((c) => !isBlockNode(c)) : holder.childNodes;
    const rest = holder === li ? li.childNodes.filter((c) => isBlockNode(c)) : li.childNodes.slice(1);
    const input = element('input', checked ? [['type', 'checkbox'], ['checked', 'checked'], ['disabled', 'disabled']] : [['type', 'checkbox'], ['disabled', 'disabled']], [], li);
    const description = element('span', [['class', 'todo-list__label__description']], inline, li);
    const label = element('label', [['class', 'todo-list__label']], [input, description], li);
    li.childNodes = [label, ...rest];
    for (const c of rest) c.parentNode = li;
  });
}

const ALERT = /^\[!([A-Za-z]+)\]/;

function admonition(quote: HtmlElement, parent: HtmlParent): HtmlElement | undefined {
  const first = quote.childNodes[0];
  if (!first || !isElement(first) || first.tagName !== 'p') return undefined;
  const t = first.childNodes[0];
  const m = t && isText(t) ? ALERT.exec(t.value) : null;
  if (!m || !ADMONITION_TYPES.includes(m[1].toLowerCase())) return undefined;
  (t as HtmlText).value = (t as HtmlText).value.slice(m[0].length).replace(/^ +/, '');
  if ((t as HtmlText).value === '') first.childNodes.splice(0, 1);
  if (first.childNodes.length === 0) quote.childNodes.splice(0, 1);
  return element('aside', [['class', `admonition ${m[1].toLowerCase()}`]], quote.childNodes, parent);
}

/** markdown-it output → CKEditor's form of the same content, as a tree. */
export function ckeditorTree(html: string, onParseError?: (error: { startOffset: number }) => void): HtmlParent {
  return toCkeditorTree(parseHtml(html, false, onParseError));
}

/** A parsed fragment of markdown-it output → CKEditor's form, in place. */
export function toCkeditorTree(root: HtmlParent): HtmlParent {
  visit(root, false);
  return root;
}

/** markdown-it output → CKEditor's form of the same content. */
export function toCkeditorForm(html: string): string {
  return serializeChildren(ckeditorTree(html));
}

export { text as textNode };
