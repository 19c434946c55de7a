// A small typed view of parse5's default tree, with the helpers the Markdown converter needs.
import * as parse5 from 'parse5';
import { parseFragment, serialize } from 'parse5';
import { parseStrictHtml } from './strictHtml';

export interface HtmlNode {
  nodeName: string;
  parentNode?: HtmlParent | null;
  sourceCodeLocation?: { startOffset: number; endOffset: number } | null;
}
export interface HtmlText extends HtmlNode { nodeName: '#text'; value: string }
export interface HtmlComment extends HtmlNode { nodeName: '#comment'; data: string }
export interface HtmlElement extends HtmlNode {
  tagName: string;
  attrs: Array<{ name: string; value: string }>;
  childNodes: HtmlNode[];
  content?: HtmlParent; // <template>
}
export interface HtmlParent extends HtmlNode { childNodes: HtmlNode[] }

/** The parts of parse5's fragment parser that parseHtml drives itself (exported by parse5, marked internal). */
interface FragmentParser {
  tokenizer: { write(html: string, last: boolean): void };
  document: HtmlParent;
}
const fragmentParser = (parse5 as unknown as {
  Parser?: { getFragmentParser?(context: null, options: object): FragmentParser };
}).Parser?.getFragmentParser?.bind((parse5 as unknown as { Parser: unknown }).Parser);

/**
 * A fragment as parse5 parses it (in a <template> context): well-formed HTML by the fast strict parser, the rest
 * by parse5. onParseError hears of parse5's errors, so only outside the strict subset: HTML in it is balanced
 * (every element closed by its own end tag), whatever else (a character reference without `;`, say) it has.
 * parse5's own parseFragment moves the top-level nodes into the fragment one splice at a time, which is quadratic
 * in their number (seconds for a 1 MB note); this takes the whole child list over at once.
 */
export function parseHtml(html: string, withLocations = false, onParseError?: (error: { startOffset: number }) => void): HtmlParent {
  const strict = parseStrictHtml(html, withLocations);
  if (strict) return strict;
  const options = { sourceCodeLocationInfo: withLocations, onParseError };
  if (!fragmentParser) return parseFragment(html, options) as unknown as HtmlParent;
  const parser = fragmentParser(null, options);
  parser.tokenizer.write(html, true);
  const root = parser.document.childNodes[0] as HtmlParent;
  const fragment = { nodeName: '#document-fragment', childNodes: root.childNodes } as HtmlParent;
  root.childNodes = [];
  for (const child of fragment.childNodes) child.parentNode = fragment;
  return fragment;
}

export function serializeChildren(parent: HtmlParent): string {
  return serialize(parent as never);
}

export const isText = (n: HtmlNode): n is HtmlText => n.nodeName === '#text';
export const isElement = (n: HtmlNode): n is HtmlElement => 'tagName' in n;

export function attr(el: HtmlElement, name: string): string | undefined {
  const attrs = el.attrs;
  for (let i = 0; i < attrs.length; i++) if (attrs[i].name === name) return attrs[i].value;
  return undefined;
}

/** Whitespace in a class attribute other than single spaces between names. */
const IRREGULAR_SPACE = /[^\S ]| {2}|^ | $/;

export function classes(el: HtmlElement): string[] {
  const value = attr(el, 'class') ?? '';
  if (value === '') return [];
  // CKEditor writes names separated by single spaces: split without a regular expression and a filtered copy.
  if (!IRREGULAR_SPACE.test(value)) return value.split(' ');
  return value.split(/\s+/).filter(Boolean);
}

export function hasClass(el: HtmlElement, name: string): boolean {
  const value = attr(el, 'class');
  // Most class attributes hold the one class looked for, or not its name at all: neither is split.
  if (value === name) return true;
  return value?.includes(name) === true && classes(el).includes(name);
}

export function textContent(n: HtmlNode): string {
  if (isText(n)) return n.value;
  if (!isElement(n)) return '';
  let text = '';
  const children = n.childNodes;
  for (let i = 0; i < children.length; i++) text += textContent(children[i]);
  return text;
}

/** Elements CKEditor lays out as blocks; everything else flows inline. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table',
  'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'caption', 'colgroup', 'col',
]);

/** Display math (`\[…\]`) is a block widget in CKEditor even though it is written as a span. */
export function isDisplayMath(n: HtmlNode): boolean {
  return isElement(n) && n.tagName === 'span' && hasClass(n, 'math-tex') && /^\s*\\\[/.test(textContent(n));
}

export function isBlockNode(n: HtmlNode): boolean {
  return isElement(n) && (BLOCK_TAGS.has(n.tagName) || isDisplayMath(n));
}

/** Wrapper divs that CKEditor drops when it loads a note (no attributes, or only export wrapper classes). */
export function isTransparentDiv(n: HtmlNode): n is HtmlElement {
  if (!isElement(n) || n.tagName !== 'div') return false;
  return n.attrs.every((a) => a.name === 'class' && a.value.split(/\s+/).every((c) => c === '' || c === 'content' || c === 'ck-content'));
}
