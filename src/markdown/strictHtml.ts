// A fast parser for the well-formed HTML that CKEditor and markdown-it write. It builds the same tree as parse5 (the
// HTML standard's parser; source offsets as parse5 gives them, but for text in <pre>) but only for a strict subset where that tree follows from the tags alone: every element
// closed by its own end tag, known tags in places where the standard's parser neither closes, moves nor inserts
// anything, plain comments, no carriage returns or NULs. Anything else returns undefined and the caller uses parse5.
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

/**
 * A start tag in the plain syntax, read in place (sticky): its name, its attributes, and the slash of `/>`. An
 * unquoted value takes a `/` before `>` as the standard does (`<img src=a/>` is `src="a/"`).
 */
const START_TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n\f]+[a-zA-Z_:][a-zA-Z0-9_:.-]*(?:=(?:"[^"]*"|'[^']*'|[^ \t\n\f"'=<>`]+))?)*)[ \t\n\f]*(\/?)>/y;
/** One attribute of a start tag's attribute part: name, then the value double-quoted, single-quoted or unquoted. */
const ATTRIBUTE = /[ \t\n\f]+([a-zA-Z_:][a-zA-Z0-9_:.-]*)(?:=(?:"([^"]*)"|'([^']*)'|([^ \t\n\f"'=<>`]+)))?/g;
const END_TAG = /<\/([a-zA-Z][a-zA-Z0-9-]*)>/y;
/** Character references the subset reads (with their `;`); any other `&` followed by a name or `#` is left to parse5. */
const REFERENCE = /&(?:([a-zA-Z][a-zA-Z0-9]*)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));|&(?=[a-zA-Z0-9#])/g;
const NAMED = new Map<string, string>([
  ['nbsp', '\u00a0'], ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['copy', '\u00a9'],
  ['reg', '\u00ae'], ['hellip', '\u2026'], ['mdash', '\u2014'], ['ndash', '\u2013'], ['lsquo', '\u2018'],
  ['rsquo', '\u2019'], ['ldquo', '\u201c'], ['rdquo', '\u201d'], ['laquo', '\u00ab'], ['raquo', '\u00bb'],
  ['middot', '\u00b7'], ['times', '\u00d7'], ['deg', '\u00b0'], ['shy', '\u00ad'], ['zwj', '\u200d'],
  ['zwnj', '\u200c'], ['ensp', '\u2002'], ['emsp', '\u2003'], ['thinsp', '\u2009'],
]);

/** A code point a numeric reference stands for as itself (the standard replaces or remaps the others). */
const plainCodePoint = (c: number): boolean =>
  c === 0x09 || c === 0x0a || (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c < 0xd800) || (c >= 0xe000 && c < 0xfdd0) || (c > 0xfdef && c < 0xfffe)
  || (c >= 0x10000 && c <= 0x10ffff && (c & 0xfffe) !== 0xfffe);

/** Text or an attribute value with its character references decoded as the standard does, for those the subset reads. */
function decode(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (_reference: string, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return NAMED.get(name) ?? outside();
    if (dec === undefined && hex === undefined) return outside(); // `&` before a name without `;`, or a malformed `&#`
    const c = dec !== undefined ? parseInt(dec, 10) : parseInt(hex!, 16);
    return plainCodePoint(c) ? String.fromCodePoint(c) : outside();
  });
}

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
 * After this many repeatable elements, a note where fewer than one in REUSE_RATE repeats an earlier one is not looked
 * at for repeats any more: registering an element costs about as much as reading it (a first conversion of 1 MB
 * spends tens of milliseconds on it), and long blocks seldom repeat in real notes.
 */
const REUSE_PROBE = 2048;
const REUSE_RATE = 4;
/** Each tag name of the subset as one string, by its spelling in lowercase. */
const TAG_NAMES = new Map([...ORDINARY].map((t) => [t, t]));
/** A tag written with attributes is not looked up whole (a long key costs its hashing). */
const LONGEST_TAG = Math.max(...[...ORDINARY].map((t) => t.length));
const tagName = (written: string): string => TAG_NAMES.get(written) ?? TAG_NAMES.get(written.toLowerCase()) ?? outside();

/** After `<`: a letter, `/`, `!` or `?` starts markup (a tag, a comment, or what the subset leaves to parse5). */
const startsMarkup = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2f || c === 0x21 || c === 0x3f;

/**
 * `locations`: source offsets on every node, on top-level nodes only, or none. With 'top', top-level nodes go to
 * `top.each` as they complete (see TopLevelReader) instead of staying in the returned root.
 * Native scans find each tag, comment and text run (indexOf, sticky regular expressions): the JavaScript here runs
 * once per node, not per character, which is what makes a note's first conversion in a process fast.
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
  let afterPreStart = false; // parse5 drops a newline right after <pre>
  const location = (startOffset: number, endOffset: number) => (locations === 'all' || (locations === 'top' && built === 0) ? { startOffset, endOffset } : undefined);
  const parent = (): HtmlParent => (built === 0 ? root : current);
  /** Hands the finished top-level nodes over: called when a new one starts (and at the end). */
  const deliver = (): void => {
    const nodes = root.childNodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const { startOffset: start, endOffset: end } = node.sourceCodeLocation!;
      top!.each(node.nodeName === REPEAT ? { start, end, repeats: (node as Repeat).repeats } : { node, start, end });
    }
    root.childNodes.length = 0;
  };
  const append = (into: HtmlParent, node: HtmlNode): void => {
    if (top && into === root) deliver();
    // Most elements have one child: an array of one, not the 17 places the first push gives an empty array.
    if (into.childNodes.length === 0) into.childNodes = [node];
    else into.childNodes.push(node);
  };
  // Repeatable elements by their first characters, a few each: their source and where it starts.
  let reusable = top ? new Map<string, Array<{ source: string; start: number }>>() : undefined;
  let registered = 0;
  let repeats = 0;
  let prefix = ''; // the first characters of the last top-level element looked up (registered under them when it closes)

  const text = (start: number, end: number): void => {
    let value = decode(html.slice(start, end));
    if (afterPreStart) {
      afterPreStart = false;
      if (value.startsWith('\n')) {
        if (html.charCodeAt(start) !== 0x0a) outside(); // a character reference
        value = value.slice(1);
        start++;
        if (value === '') return;
      }
    }
    if (TABLE_PARTS.has((current as HtmlElement).tagName) && !/^[ \t\n\f]*$/.test(value)) outside();
    const into = parent();
    append(into, { nodeName: '#text', value, parentNode: into, sourceCodeLocation: location(start, end) } as HtmlText);
  };

  const openElement = (at: number): void => {
    // Most tags are a lowercase name alone (`<p>`): looked up whole, without the regular expression's match.
    const gt = html.indexOf('>', at);
    let name = gt > at && gt - at <= LONGEST_TAG + 1 ? TAG_NAMES.get(html.slice(at + 1, gt)) : undefined;
    let tag: RegExpExecArray | undefined;
    let end = gt + 1;
    if (name === undefined) {
      START_TAG.lastIndex = at;
      tag = START_TAG.exec(html) ?? outside();
      end = START_TAG.lastIndex;
      name = tagName(tag[1]);
    }
    const parentTag = (current as HtmlElement).tagName;
    if (PARENTS[name] ? !PARENTS[name].includes(parentTag) : TABLE_PARTS.has(parentTag)) outside();
    if ((openP > 0 && CLOSES_P.has(name)) || (name === 'a' && openA > 0) || (HEADINGS.has(name) && HEADINGS.has(parentTag))) outside();
    const isVoid = VOID.has(name);
    if (tag?.[3] && !isVoid) outside(); // the standard ignores the slash: the element stays open
    let attrs: Array<{ name: string; value: string }> = [];
    if (tag?.[2]) {
      ATTRIBUTE.lastIndex = 0;
      for (let a = ATTRIBUTE.exec(tag[2]); a; a = ATTRIBUTE.exec(tag[2])) {
        const attrName = a[1].toLowerCase();
        for (let i = 0; i < attrs.length; i++) if (attrs[i].name === attrName) outside();
        const attribute = { name: attrName, value: decode(a[2] ?? a[3] ?? a[4] ?? '') };
        // As childNodes: an array of one, not the 17 places the first push gives an empty array.
        if (attrs.length === 0) attrs = [attribute];
        else attrs.push(attribute);
      }
    }
    const el = { nodeName: name, tagName: name, attrs, childNodes: [], namespaceURI: HTML_NS, parentNode: null, sourceCodeLocation: undefined } as unknown as HtmlElement;
    afterPreStart = name === 'pre';
    const through = top !== undefined && built === 0 && !isVoid && top.lookThrough(el);
    if (reusable && built === 0 && !through && !isVoid) {
      prefix = html.slice(at, at + REUSE_PREFIX);
      const candidates = reusable.get(prefix);
      let again: { source: string; start: number } | undefined;
      // A loop, not find: no closure made per top-level element.
      for (let i = 0; candidates !== undefined && i < candidates.length && again === undefined; i++) {
        if (html.startsWith(candidates[i].source, at)) again = candidates[i];
      }
      // Its tree follows from its source, and a context no stricter than the first one's (no open <p> or <a>) accepts it.
      if (again && openP === 0 && openA === 0) {
        repeats++;
        pos = at + again.source.length;
        const stand: Repeat = { nodeName: REPEAT, repeats: again.start, sourceCodeLocation: location(at, pos) };
        append(root, stand);
        afterPreStart = false;
        return;
      }
    }
    if (!through) {
      const into = parent();
      el.parentNode = into;
      el.sourceCodeLocation = location(at, end);
      append(into, el);
    }
    if (!isVoid) {
      stack.push(el);
      current = el;
      if (through) lookedThrough.add(el);
      else built++;
      if (name === 'p') openP++;
      if (name === 'a') openA++;
    }
    pos = end;
  };

  const closeElement = (at: number): void => {
    const name = (current as HtmlElement).tagName;
    let end = stack.length === 1 ? -1 : at + 3 + name.length;
    // Most end tags close their element as written (`</p>`): compared in place.
    if (end < 0 || !html.startsWith(name, at + 2) || html.charCodeAt(end - 1) !== 0x3e) {
      END_TAG.lastIndex = at;
      const tag = END_TAG.exec(html) ?? outside();
      if (stack.length === 1 || tag[1].toLowerCase() !== name) outside();
      end = END_TAG.lastIndex;
    }
    const loc = current.sourceCodeLocation;
    if (loc) {
      loc.endOffset = end;
      if (reusable && built === 1 && !lookedThrough.has(current) && end - loc.startOffset >= REUSE_PREFIX && top!.repeatable(current as HtmlElement)) {
        let list = reusable.get(prefix);
        if (!list) reusable.set(prefix, (list = []));
        if (list.length === 4) list.shift();
        list.push({ source: html.slice(loc.startOffset, end), start: loc.startOffset });
        if (++registered === REUSE_PROBE && repeats * REUSE_RATE < registered) reusable = undefined;
      }
    }
    if (name === 'p') openP--;
    if (name === 'a') openA--;
    if (!lookedThrough.has(current)) built--;
    stack.pop();
    current = stack[stack.length - 1];
    afterPreStart = false;
    pos = end;
  };

  const comment = (at: number): void => {
    // `<!-->` and `<!--->` are empty comments, `--!>` also ends one: the subset leaves them to parse5.
    if (!html.startsWith('<!--', at) || html.startsWith('>', at + 4) || html.startsWith('->', at + 4)) outside();
    const close = html.indexOf('-->', at + 4);
    if (close < 0) outside();
    const data = html.slice(at + 4, close);
    if (data.includes('--!')) outside();
    const into = parent();
    append(into, { nodeName: '#comment', data, parentNode: into, sourceCodeLocation: location(at, close + 3) } as HtmlComment);
    afterPreStart = false;
    pos = close + 3;
  };

  try {
    const length = html.length;
    while (pos < length) {
      let at = html.indexOf('<', pos);
      while (at >= 0 && !startsMarkup(html.charCodeAt(at + 1))) at = html.indexOf('<', at + 1);
      if (at < 0) at = length;
      if (at > pos) text(pos, at);
      if (at === length) break;
      const c = html.charCodeAt(at + 1);
      if (c === 0x2f) closeElement(at);
      else if (c === 0x21) comment(at);
      else if (c === 0x3f) outside();
      else openElement(at);
    }
    if (stack.length !== 1) outside();
    if (top) deliver();
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
  return root;
}
