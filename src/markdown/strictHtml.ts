// A fast parser for the well-formed HTML that CKEditor and markdown-it write. It builds the same tree as parse5 (the
// HTML standard's parser; source offsets as parse5 gives them, but for text in <pre>) but only for a strict subset where that tree follows from the tags alone: every element
// closed by its own end tag, known tags in places where the standard's parser neither closes, moves nor inserts
// anything, plain comments, no carriage returns or NULs. Anything else returns undefined and the caller uses parse5.
import { Tokenizer } from 'htmlparser2';
import type { HtmlComment, HtmlElement, HtmlNode, HtmlParent, HtmlText } from './htmlTree';

class OutsideSubset extends Error {}
const outside = (): never => {
  throw new OutsideSubset();
};

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const VOID = new Set(['br', 'hr', 'img', 'input', 'col', 'wbr']);
/** Tags the standard's parser treats as ordinary elements when well nested (under the rules below). */
const ORDINARY = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'aside', 'pre', 'code', 'figure',
  'figcaption', 'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'img', 'br', 'hr', 'a', 'span',
  'strong', 'em', 'b', 'i', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'mark', 'small', 'big', 'kbd', 'label', 'input', 'div',
  'section', 'details', 'summary', 'address', 'article', 'header', 'footer', 'nav', 'main', 'cite', 'q', 'abbr', 'dfn', 'time',
  'var', 'samp', 'bdi', 'bdo', 'font', 'tt', 'wbr',
]);
/** Start tags that close an open <p> (the standard's "close a p element"); never allowed inside one. */
const CLOSES_P = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'figcaption', 'figure', 'footer', 'header', 'main', 'nav',
  'ol', 'p', 'section', 'summary', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'table', 'hr', 'li', 'dd', 'dt',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements that may only appear directly inside these parents (elsewhere the standard's parser reshapes them). */
const PARENTS: Record<string, string[]> = {
  li: ['ul', 'ol'], dt: ['dl'], dd: ['dl'], caption: ['table'], colgroup: ['table'], col: ['colgroup'],
  thead: ['table'], tbody: ['table'], tfoot: ['table'], tr: ['thead', 'tbody', 'tfoot'], td: ['tr'], th: ['tr'],
};
/** Table parts: only whitespace text, comments and their own children inside (other content is moved out). */
const TABLE_PARTS = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr', 'colgroup']);

/** Start and end tags in the plain syntax (sticky: tested in place, at the tag's start, to end at its `>`). */
const START_TAG = /<[a-zA-Z][a-zA-Z0-9-]*(?:[ \t\n\f]+[a-zA-Z_:][a-zA-Z0-9_:.-]*(?:=(?:"[^"]*"|'[^']*'|[^ \t\n\f"'=<>`/]+))?)*[ \t\n\f]*\/?>/y;
const END_TAG = /<\/[a-zA-Z][a-zA-Z0-9-]*>/y;
const isTagAt = (re: RegExp, html: string, start: number, end: number): boolean => {
  re.lastIndex = start;
  return re.test(html) && re.lastIndex === end;
};
/** Text whose `<` could start markup the tokenizers might read differently. */
const MARKUP_IN_TEXT = /<[a-zA-Z/!?]/;

/** The fragment as parse5 parses it, or undefined when the HTML is outside the strict subset. */
export function parseStrictHtml(html: string, withLocations: boolean): HtmlParent | undefined {
  return parse(html, withLocations ? 'all' : 'none', undefined);
}

/**
 * A top-level node and where its source is in the note. An element that repeats the source of an earlier repeatable
 * one comes without a node, with `repeats`: where that one starts.
 */
export interface LocatedNode { node?: HtmlNode; start: number; end: number; repeats?: number }

/** How parseStrictTopLevel reads a note's top-level nodes. */
export interface TopLevelReader {
  /** Elements (seen with their attributes, before their content) left out: their content is top-level. */
  lookThrough(element: HtmlElement): boolean;
  /**
   * Top-level elements (seen whole) whose later repeats are read (the subset is still checked) but not built: they
   * come without a node. In the subset an element's tree follows from its own source, so the caller knows it already.
   */
  repeatable(element: HtmlElement): boolean;
  /** Each top-level node, in order, once it is complete; the parser keeps no reference to it (its tree can go). */
  each(located: LocatedNode): void;
}

/**
 * Reads the top-level nodes as parseStrictHtml parses them, in one pass, handing each to `reader.each` with its
 * source offsets. False when the HTML is outside the subset: then the nodes handed over before that are void.
 */
export function parseStrictTopLevel(html: string, reader: TopLevelReader): boolean {
  return parse(html, 'top', reader) !== undefined;
}

/** Stands (at the top level, in 'top' mode) for an element whose source is that of a repeatable one read before. */
const REPEAT = '#repeat';
interface Repeat extends HtmlNode { repeats: number }
/** Top-level elements at least this long are looked up by this many first characters, to be skipped when repeated. */
const REUSE_PREFIX = 32;

/**
 * `locations`: source offsets on every node, on top-level nodes only, or none. With 'top', top-level nodes go to
 * `top.each` as they complete (see TopLevelReader) instead of staying in the returned root.
 */
function parse(html: string, locations: 'all' | 'top' | 'none', top: TopLevelReader | undefined): HtmlParent | undefined {
  if (html.includes('\r') || html.includes('\0')) return undefined;
  const root = { nodeName: '#document-fragment', childNodes: [] } as unknown as HtmlParent;
  const stack: HtmlParent[] = [root];
  let current: HtmlParent = root;
  let built = 0; // elements on the stack that are not looked through: the parent of new nodes is root while there are none
  const lookedThrough = new Set<HtmlParent>();
  let openP = 0;
  let openA = 0;
  let pos = 0; // where the next token starts
  let text: HtmlText | undefined; // the text node being extended by adjacent text and character references
  let afterPreStart = false; // parse5 drops a newline right after <pre>
  let element: HtmlElement | undefined; // the start tag being read
  let attrName = '';
  let attrValue = '';
  // Names (and short attribute values) repeat throughout a note: one string each, not one per element.
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    interned.set(s, s);
    return s;
  };
  // Lowercase names seen so far by length: a name in the source is most often one of them, found without a copy.
  const namesByLength: string[][] = [];
  const name = (start: number, end: number): string => {
    const known = namesByLength[end - start];
    if (known) for (const n of known) if (html.startsWith(n, start)) return n;
    const n = intern(html.slice(start, end).toLowerCase());
    if (!known?.includes(n)) (namesByLength[end - start] ??= []).push(n);
    return n;
  };
  const location = (startOffset: number, endOffset: number) => (locations === 'all' || (locations === 'top' && built === 0) ? { startOffset, endOffset } : undefined);
  const parent = (): HtmlParent => (built === 0 ? root : current);
  /** Hands the finished top-level nodes over: called when a new one starts (and at the end). */
  const deliver = (): void => {
    for (const node of root.childNodes) {
      const { startOffset: start, endOffset: end } = node.sourceCodeLocation!;
      top!.each(node.nodeName === REPEAT ? { start, end, repeats: (node as Repeat).repeats } : { node, start, end });
    }
    root.childNodes.length = 0;
  };
  const append = (into: HtmlParent, node: HtmlNode): void => {
    if (top && into === root) deliver();
    into.childNodes.push(node);
  };
  // Repeatable elements by a hash of their first characters, a few each: their source and where it starts.
  const reusable = top ? new Map<number, Array<{ source: string; start: number }>>() : undefined;
  let repeating: { el: HtmlParent; stand: HtmlNode } | undefined; // the top-level element being read without building
  /** Where the repeatable element whose source is at `start` again starts first; -1 if none is. */
  // Those for the first characters of the last top-level element looked up (registered under them when it closes).
  let prefix = 0;
  let candidates: Array<{ source: string; start: number }> | undefined;
  const repeated = (start: number): number => {
    if (!reusable) return -1;
    prefix = 0; // a hash of the first characters (equal hashes of different ones only add candidates)
    for (let i = start, to = Math.min(start + REUSE_PREFIX, html.length); i < to; i++) prefix = (Math.imul(prefix, 31) + html.charCodeAt(i)) | 0;
    candidates = reusable.get(prefix);
    return candidates?.find((c) => html.startsWith(c.source, start))?.start ?? -1;
  };

  const appendText = (value: string, start: number, end: number, entity: boolean): void => {
    if (afterPreStart) {
      afterPreStart = false;
      if (value.startsWith('\n')) {
        if (entity) outside();
        value = value.slice(1);
        start++;
        if (value === '') return;
      }
    }
    if (TABLE_PARTS.has((current as HtmlElement).tagName) && !/^[ \t\n\f]*$/.test(value)) outside();
    if (repeating) return;
    if (text) {
      text.value += value;
      if (text.sourceCodeLocation) text.sourceCodeLocation.endOffset = end;
    } else {
      const into = parent();
      text = { nodeName: '#text', value, parentNode: into, sourceCodeLocation: location(start, end) } as HtmlText;
      append(into, text);
    }
  };

  const openElement = (end: number): void => {
    const el = element!;
    element = undefined;
    if (!isTagAt(START_TAG, html, pos, end + 1)) outside();
    const tag = el.tagName;
    const parentTag = (current as HtmlElement).tagName;
    if (!ORDINARY.has(tag)) outside();
    if (PARENTS[tag] ? !PARENTS[tag].includes(parentTag) : TABLE_PARTS.has(parentTag)) outside();
    if ((openP > 0 && CLOSES_P.has(tag)) || (tag === 'a' && openA > 0) || (HEADINGS.has(tag) && HEADINGS.has(parentTag))) outside();
    const through = top !== undefined && built === 0 && !VOID.has(tag) && top.lookThrough(el);
    const repeats = built === 0 && !through && !VOID.has(tag) ? repeated(pos) : -1;
    if (repeats >= 0) {
      const stand: Repeat = { nodeName: REPEAT, repeats, sourceCodeLocation: location(pos, end + 1) };
      append(root, stand);
      repeating = { el, stand };
    } else if (!through && !repeating) {
      const into = parent();
      el.parentNode = into;
      el.sourceCodeLocation = location(pos, end + 1);
      append(into, el);
    }
    text = undefined;
    afterPreStart = tag === 'pre';
    if (!VOID.has(tag)) {
      stack.push(el);
      current = el;
      if (through) lookedThrough.add(el);
      else built++;
      if (tag === 'p') openP++;
      if (tag === 'a') openA++;
    }
    pos = end + 1;
  };

  const tokenizer = new Tokenizer({ decodeEntities: true }, {
    ontext(start, end) {
      const value = html.slice(start, end);
      if (MARKUP_IN_TEXT.test(value)) outside();
      appendText(value, pos, end, false);
      pos = end;
    },
    ontextentity(codePoint, end) {
      appendText(String.fromCodePoint(codePoint), pos, end, true);
      pos = end;
    },
    onopentagname(start, end) {
      const tagName = name(start, end);
      element = { nodeName: tagName, tagName, attrs: [], childNodes: [], namespaceURI: HTML_NS, parentNode: null, sourceCodeLocation: undefined } as unknown as HtmlElement;
    },
    onattribname(start, end) {
      attrName = name(start, end);
      attrValue = '';
    },
    onattribdata(start, end) {
      attrValue += html.slice(start, end);
    },
    onattribentity(codePoint) {
      attrValue += String.fromCodePoint(codePoint);
    },
    onattribend() {
      if (element!.attrs.some((a) => a.name === attrName)) outside();
      element!.attrs.push({ name: attrName, value: attrValue.length <= 32 ? intern(attrValue) : attrValue });
    },
    onopentagend(end) {
      openElement(end);
    },
    onselfclosingtag(end) {
      if (!VOID.has(element!.tagName)) outside(); // the standard ignores the slash: the element stays open
      openElement(end);
    },
    onclosetag(start, end) {
      const tag = (current as HtmlElement).tagName;
      const closeEnd = html.indexOf('>', end);
      if (closeEnd < 0 || !isTagAt(END_TAG, html, pos, closeEnd + 1) || stack.length === 1 || end - start !== tag.length) outside();
      if (!html.startsWith(tag, start) && html.slice(start, end).toLowerCase() !== tag) outside();
      if (repeating?.el === current) {
        repeating.stand.sourceCodeLocation!.endOffset = closeEnd + 1;
        repeating = undefined;
      } else if (current.sourceCodeLocation) {
        current.sourceCodeLocation.endOffset = closeEnd + 1;
        if (reusable && built === 1 && !lookedThrough.has(current) && closeEnd + 1 - current.sourceCodeLocation.startOffset >= REUSE_PREFIX
          && top!.repeatable(current as HtmlElement)) {
          const list = candidates ?? [];
          if (!candidates) reusable.set(prefix, list);
          if (list.length === 4) list.shift();
          const start = current.sourceCodeLocation.startOffset;
          list.push({ source: html.slice(start, closeEnd + 1), start });
        }
      }
      if (tag === 'p') openP--;
      if (tag === 'a') openA--;
      if (!lookedThrough.has(current)) built--;
      stack.pop();
      current = stack[stack.length - 1];
      text = undefined;
      afterPreStart = false;
      pos = closeEnd + 1;
    },
    oncomment(start, end, offset) {
      const source = html.slice(pos, end + 1);
      if (!source.startsWith('<!--') || /^<!---?>/.test(source) || source.indexOf('-->', 4) !== source.length - 3 || source.includes('--!>')) outside();
      if (!repeating) {
        const into = parent();
        const comment = { nodeName: '#comment', data: html.slice(start, end - offset), parentNode: into, sourceCodeLocation: location(pos, end + 1) } as HtmlComment;
        append(into, comment);
      }
      text = undefined;
      afterPreStart = false;
      pos = end + 1;
    },
    oncdata: outside,
    ondeclaration: outside,
    onprocessinginstruction: outside,
    onend() {
      if (stack.length !== 1 || element || pos !== html.length) outside();
    },
  });
  try {
    tokenizer.write(html);
    tokenizer.end();
    if (top) deliver();
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
  return root;
}
