// Text notes as Markdown, losslessly. Opening: each top-level HTML block becomes dialect Markdown when that renders
// back to the same note (see normalize.ts), otherwise it stays as an HTML island; each block is checked on its own
// (equal blocks once) when nothing in the Markdown reaches across blocks, else the whole note is, and islands widen
// until it holds. Saving: blocks whose Markdown did not change keep their stored HTML byte for byte;
// the others are rendered in CKEditor's form.
import { splitNote, type HtmlBlock } from './blocks';
import { ckeditorTree, toCkeditorForm, toCkeditorTree } from './ckeditorForm';
import { HTML_FENCE } from './dialect';
import { renderDirect, type DirectRendering } from './directRender';
import { isBlockNode, isElement, parseHtml, serializeChildren, type HtmlComment, type HtmlNode, type HtmlParent } from './htmlTree';
import { triliumMarkdownIt, type FootnoteEnv } from './markdownIt';
import { changedRegionToNote } from './saveRegion';
import { joinSegments, reusableBlocks, segments, type Segment, type Token } from './segments';
import { normalizeNodes } from './normalize';
import { blockMarkdown, inlineRunMarkdown, type IncludeTitles } from './toMarkdown';

export interface MarkdownBlock extends HtmlBlock {
  markdown: string;
  /** The block is kept as raw HTML (an island) in the Markdown. */
  island: boolean;
}

export interface NoteAsMarkdown {
  markdown: string;
  blocks: MarkdownBlock[];
  /** Characters of the Markdown that are raw HTML (HTML blocks, inline HTML, fenced HTML islands). */
  islandChars: number;
}

/** Markdown → note HTML in CKEditor's form. */
export function renderMarkdown(markdown: string): string {
  if (markdown.trim() === '') return '';
  return toCkeditorForm(triliumMarkdownIt().render(markdown));
}

/** Raw HTML that markdown-it passes through as one HTML block: no blank lines (they would end it). */
function rawIsland(html: string): string {
  return html
    .split(/(<pre[\s>][\s\S]*?<\/pre>)/i)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\n(?=[ \t]*\n)/g, '&#10;') : part.replace(/\n[ \t]*(?=\n)/g, '')))
    .join('')
    .trim();
}

/** The island that always holds: a fenced block whose content is written out unchanged. */
function fencedIsland(html: string): string {
  const longest = Math.max(2, ...Array.from(html.matchAll(/^[ \t]*(`{3,})/gm), (m) => m[1].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${HTML_FENCE}\n${html}\n${fence}`;
}

const BULLET = /^([-*]) /;
const ORDERED = /^(\d+)([.)]) /;

/** Whether the Markdown may start with a list marker (`-`, `*` or a digit): most blocks do not, and skip the patterns. */
const mayStartList = (s: string): boolean => {
  const c = s.charCodeAt(0);
  return c === 45 || c === 42 || (c >= 48 && c <= 57);
};

/** Two lists in a row would merge into one in Markdown: the second switches its marker. */
function separateLists(prev: string, next: string): string {
  if (!mayStartList(prev) || !mayStartList(next)) return next;
  const pb = BULLET.exec(prev);
  const nb = BULLET.exec(next);
  if (pb && nb && pb[1] === nb[1]) {
    const other = nb[1] === '-' ? '*' : '-';
    return next.replace(/^[-*] /gm, `${other} `);
  }
  const po = ORDERED.exec(prev);
  const no = ORDERED.exec(next);
  if (po && no && po[2] === no[2]) {
    const other = no[2] === '.' ? ')' : '.';
    return next.replace(/^(\d+)[.)] /gm, `$1${other} `);
  }
  return next;
}

/** What each block is written as: dialect Markdown, a raw HTML island, or a fenced island (holds always). */
const enum Form { Markdown, RawIsland, FencedIsland }

interface Working extends MarkdownBlock {
  form: Form;
  /** The block's nodes when the note is not context-free (else they follow from its HTML: parsed again if needed). */
  nodes: HtmlNode[] | undefined;
  /** Where the block starts in the note's HTML. */
  start: number;
  /** The block with the same HTML whose proofs this one shares (in a context-free note); undefined: itself. */
  origin: Working | undefined;
  /** Proofs of this block's HTML, for the Markdown each was made for (see unproven). */
  proofs: ProofEntry | undefined;
  /** The block's Markdown as written before the separation of lists (what `join` starts from). */
  own: string;
  /** The Markdown this block was last proven with, at the line it was proven at. */
  proven?: string;
  /** CKEditor's footnote section: its Markdown is footnote definitions, which render at the end of the note. */
  footnotes?: boolean;
}

function join(blocks: Working[]): string {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    b.markdown = i > 0 && b.form === Form.Markdown ? separateLists(blocks[i - 1].markdown, b.own) : b.own;
  }
  return blocks.map((b) => b.markdown).join('\n\n') + (blocks.length ? '\n' : '');
}

function demote(b: Working): void {
  if (b.form === Form.Markdown) {
    const raw = rawIsland(b.html);
    b.form = /^<[A-Za-z!]/.test(raw) ? Form.RawIsland : Form.FencedIsland;
    b.own = b.form === Form.RawIsland ? raw : fencedIsland(b.html);
  } else {
    b.form = Form.FencedIsland;
    b.own = fencedIsland(b.html);
  }
  b.island = true;
  b.proven = undefined;
}

/** Characters of raw HTML in the Markdown: HTML blocks, inline HTML and fenced HTML islands. */
export function htmlCharsIn(markdown: string): number {
  let sum = 0;
  for (const t of triliumMarkdownIt().parse(markdown, {})) {
    if (t.type === 'html_block' || (t.type === 'fence' && t.info.trim() === HTML_FENCE)) sum += t.content.length;
    for (const c of t.children ?? []) if (c.type === 'html_inline') sum += c.content.length;
  }
  return sum;
}

const INLINE_TAG = /(?<!\\)<\/?[A-Za-z][\w-]*(?:\s[^<>]*)?>/g;

function result(blocks: MarkdownBlock[], markdown: string): NoteAsMarkdown {
  let islandChars = 0;
  const out: MarkdownBlock[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    out.push({ html: b.html, gap: b.gap, markdown: b.markdown, island: b.island });
    if (b.island) islandChars += b.markdown.length;
    else if (b.markdown.includes('<')) {
      INLINE_TAG.lastIndex = 0;
      for (let m = INLINE_TAG.exec(b.markdown); m; m = INLINE_TAG.exec(b.markdown)) islandChars += m[0].length;
    }
  }
  return { markdown, blocks: out, islandChars };
}

/** Every block record with the same fields in the same order: one object shape (copied thousands of times). */
function working(block: HtmlBlock, start: number, nodes: HtmlNode[] | undefined, markdown: string, own: string, form: Form, island: boolean, footnotes: boolean, proven?: string, origin?: Working): Working {
  return { html: block.html, gap: block.gap, start, nodes, markdown, own, island, form, proven, footnotes, origin, proofs: undefined };
}

/** The block of `blocks` (in the order of the note) that starts at `start`. */
function blockAt(blocks: Working[], start: number): Working | undefined {
  let low = 0;
  let high = blocks.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = blocks[mid].start;
    if (at === start) return blocks[mid];
    if (at < start) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** `keep`: the Working holds on to the nodes (the note is not context-free). */
function blockToMarkdown(block: HtmlBlock, start: number, nodes: HtmlNode[], keep: boolean, titles: IncludeTitles | undefined): Working {
  const first = nodes[0];
  const footnotes = nodes.length === 1 && isElement(first) && first.tagName === 'ol' && first.attrs.some((a) => a.name === 'data-footnote-section');
  const b = working(block, start, keep ? nodes : undefined, '', '', Form.Markdown, false, footnotes);
  try {
    b.own = nodes.length === 1 && isElement(first) && isBlockNode(first) ? blockMarkdown(first, titles) : inlineRunMarkdown(nodes);
  } catch {
    // NotExpressible, or anything unexpected: the block stays as its HTML rather than failing the whole note.
    demote(b);
  }
  return b;
}

const lineCount = (s: string): number => {
  let n = 1;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

const RAW_HTML = new Set(['html_block', 'html_inline']);

function hasRawHtml(tokens: Token[]): boolean {
  for (const t of tokens) {
    if (RAW_HTML.has(t.type) || (t.type === 'fence' && t.info.trim() === HTML_FENCE)) return true;
    if (t.children && hasRawHtml(t.children)) return true;
  }
  return false;
}

/**
 * Proves each block of the joined Markdown against its HTML, together: the Markdown is parsed once as a whole (so whatever
 * one block does to the next shows), each top-level token run must start exactly at its block's first line and
 * end before the next block, and its rendering must be the block (same bytes, or the same comparison form). The
 * renderings of the blocks concatenate to the note's rendering: token runs render independently, and runs with raw
 * HTML must be balanced (see renderedTrees), so none reaches into the next. Returns the blocks that fail.
 */
function unprovenTogether(blocks: Working[], markdown: string): Working[] {
  const md = triliumMarkdownIt();
  const env: FootnoteEnv = {};
  const tokens = md.parse(markdown, env);
  // Footnote references are numbered across the note: with footnotes, a block proven before may render differently.
  // (and a reference whose definition became an island renders as text).
  const reprove = env.footnotes !== undefined || markdown.includes('[^');
  const starts: number[] = [];
  let line = 0;
  for (const b of blocks) {
    starts.push(line);
    line += lineCount(b.markdown) + 1;
  }
  const byStart = new Map<number, Segment>();
  const strays = new Set<number>();
  const segs = segments(markdown, tokens, env);
  const tail = segs.find((s) => s.footnotes);
  let k = 0;
  for (const seg of segs) {
    if (seg.footnotes) continue;
    const first = tokens[seg.from].map![0];
    while (k + 1 < blocks.length && starts[k + 1] <= first) k++;
    if (starts[k] === first && !byStart.has(k)) byStart.set(k, seg);
    else strays.add(k);
  }
  const failed: Working[] = [];
  const toProve: Rendering[] = [];
  const tailLines = env.triliumFootnoteLines ?? [];
  blocks.forEach((b, i) => {
    let seg = byStart.get(i);
    const end = i + 1 < blocks.length ? starts[i + 1] : Infinity;
    if (b.footnotes && b.form === Form.Markdown) {
      // The definitions leave their place and render after the last block: they must be the last block, and all of
      // the note's definitions must be in it.
      const inside = tailLines.length > 0 && tailLines.every(([from, to]) => from >= starts[i] && to <= end);
      seg = !seg && !strays.has(i) && tail && inside && i === blocks.length - 1 ? tail : undefined;
      if (!seg) {
        failed.push(b);
        return;
      }
    } else if (!seg || strays.has(i) || tokens[seg.from].map![1] > end) {
      failed.push(b);
      return;
    }
    if (b.proven === b.markdown && !(reprove && b.markdown.includes('[^'))) return;
    const run = tokens.slice(seg.from, seg.to);
    const html = md.renderer.render(run, md.options, env);
    const raw = hasRawHtml(run);
    if (!raw && triviallySame(html, b.html)) b.proven = b.markdown;
    else toProve.push({ block: b, html, raw });
  });
  for (const { block, tree, balanced } of renderedTrees(toProve)) {
    const same = balanced && (serializeChildren(tree) === block.html || sameForm(tree.childNodes, block));
    if (same) block.proven = block.markdown;
    else failed.push(block);
  }
  return failed;
}

/** A paragraph after each block shows that the block ends where it ends (an unclosed fence or HTML block eats it). */
const SENTINEL = 'trilium-proof-sentinel';
/** A first line that may start a list item, with its marker or delimiter. */
const LIST_START = /^(?:([-+*])|\d{1,9}([.)]))(?:[ \t]|$)/;

/** What is known of a block's Markdown and HTML in this conversion: a note repeats many blocks (empty paragraphs, say). */
interface Proof {
  /** Parsed alone, the Markdown is one closed top-level block (parseAlone). */
  alone: boolean;
  /** The kind and marker of the list the block starts with and of the one it ends with, if any (lists in a row merge). */
  firstList?: string;
  lastList?: string;
  /** Rendered alone, it is the block's HTML (undefined while the proof is pending). */
  proven?: boolean;
}
/** A block's proof, for its Markdown; then the proofs for other Markdown of the same HTML. */
interface ProofEntry { markdown: string; proof: Proof; next?: ProofEntry }

interface Alone { seg: Segment; tokens: Token[]; firstList?: string; lastList?: string }

const listOf = (t: Token): string | undefined => (/^(?:bullet|ordered)_list_(?:open|close)$/.test(t.type) ? `${t.tag}${t.markup}` : undefined);

/** A block with footnotes is not parsed alone: whether it may start (and so, as one block, be) a list, by its first line. */
function mayBeList(markdown: string): string | undefined {
  const m = LIST_START.exec(markdown);
  return m ? (m[1] ? `ul${m[1]}` : `ol${m[2]}`) : undefined;
}

/**
 * A block's Markdown parsed on its own, followed by a sentinel paragraph: one top-level block that ends before the
 * sentinel, without reference definitions; undefined otherwise.
 */
function parseAlone(markdown: string): Alone | undefined {
  const md = triliumMarkdownIt();
  const env: FootnoteEnv = {};
  const source = `${markdown}\n\n${SENTINEL}\n`;
  const tokens = md.parse(source, env);
  const references = env.references as object | undefined;
  if (references && Object.keys(references).length > 0) return undefined;
  const segs = segments(source, tokens, env);
  const lines = lineCount(markdown);
  if (segs.length !== 2 || segs.some((s) => s.footnotes)) return undefined;
  const [seg, sentinel] = segs;
  if (tokens[seg.from].map![0] !== 0 || tokens[seg.from].map![1] > lines + 1) return undefined; // a list's lines take the blank line after it
  const para = tokens[sentinel.from];
  if (para.type !== 'paragraph_open' || para.map![0] !== lines + 1 || tokens[sentinel.from + 1].content !== SENTINEL) return undefined;
  const first = tokens[seg.from];
  const last = tokens[seg.to - 1];
  return { seg, tokens, firstList: listOf(first), lastList: listOf(last) };
}

/**
 * How the slow path reads one block's Markdown: parsed alone (undefined if it is not one closed block), rendered,
 * in CKEditor's form. Exported for tests: renderDirect must agree with it wherever it answers.
 */
export function renderAlone(markdown: string): (DirectRendering & { tree: HtmlParent }) | undefined {
  const alone = parseAlone(markdown);
  if (!alone) return undefined;
  const md = triliumMarkdownIt();
  const tree = ckeditorTree(md.renderer.render(alone.tokens.slice(alone.seg.from, alone.seg.to), md.options, {}));
  return { html: serializeChildren(tree), tree, firstList: alone.firstList, lastList: alone.lastList };
}

/**
 * CommonMark's HTML blocks that end at a blank line and start with a block element's tag (kind 6), as markdown-it
 * names them. A raw island on one line starting with one is an HTML block of that line alone (markdown-it reads a
 * carriage return as a line break and a NUL as another character: neither may be in it).
 */
const HTML_BLOCK_LINE = /^<\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?=[\s>]|\/>|$)[^\n\r\0]*$/i;

/**
 * How markdown-it renders a raw island's Markdown when it is one line that starts an HTML block (as parsed alone,
 * and in a note where blank lines separate the blocks): that line, as written; undefined for any other Markdown.
 * Exported for tests: it must agree with markdown-it wherever it answers.
 */
export function renderRawIslandLine(markdown: string): string | undefined {
  return HTML_BLOCK_LINE.test(markdown) ? `${markdown}\n` : undefined;
}

/** What toCkeditorTree changes in a tree, besides whitespace at tags: tables, images, lists, quotes, math. */
const CKEDITOR_RESHAPES = /<(?:img|table|ul|blockquote)\b|math-tex|\s<|>\s/i;

/**
 * Whether toCkeditorTree leaves the tree of this HTML as it is: nothing in CKEDITOR_RESHAPES (no whitespace next to
 * a tag either: it drops or trims that). Exported for tests: where it says so, the trees must be equal.
 */
export const ckeditorKeepsTree = (html: string): boolean => !CKEDITOR_RESHAPES.test(html);

/**
 * A raw island whose Markdown is its block's HTML, in a context-free note (its nodes are not kept): the HTML the
 * strict parser read as this block, so balanced and parsed to the block's own tree, which CKEditor's form keeps.
 * Then its rendering (the line) is the block, without parsing it again.
 */
function isOwnTree(b: Working): boolean {
  return b.nodes === undefined && b.markdown === b.html && ckeditorKeepsTree(b.html);
}

/** Two lists in a row stay two lists when they differ in kind or marker. */
function listsMerge(prev: string | undefined, next: string | undefined): boolean {
  return prev !== undefined && prev === next;
}

/**
 * Proves each block on its own: joined with blank lines, blocks that each parse as one closed top-level block, start
 * at the line's start, define no references and do not continue a list render one after another as they render
 * alone. Blocks with footnotes (numbered across the note) are proven together, as a document of their own. When a
 * block cannot be parsed alone (it starts with whitespace, say), the whole note is proven together instead.
 */
function unproven(blocks: Working[], markdown: string): Working[] {
  if (blocks.some((b) => b.markdown.startsWith(' ') || b.markdown.startsWith('\t'))) return unprovenTogether(blocks, markdown);
  const failed = new Set<Working>();
  const withFootnotes = blocks.filter((b) => b.markdown.includes('[^'));
  const footnoteSection = withFootnotes.find((b) => b.footnotes && b.form === Form.Markdown);
  if (footnoteSection && footnoteSection !== blocks[blocks.length - 1]) failed.add(footnoteSection);
  else if (withFootnotes.length) for (const b of unprovenTogether(withFootnotes, withFootnotes.map((w) => w.markdown).join('\n\n') + '\n')) failed.add(b);

  const toProve: Array<Rendering & { proof: Proof }> = [];
  const proofs: Proof[] = []; // each block's (blocks with footnotes have none)
  let prevList: string | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.markdown.includes('[^')) {
      const list = mayBeList(b.markdown);
      if (listsMerge(prevList, list)) failed.add(b);
      prevList = list;
      continue;
    }
    // Equal HTML is an equal tree only when the note's blocks parse independently of what comes before them: only
    // then do blocks have an origin other than themselves.
    const holder = b.origin ?? b;
    const first = holder.proofs;
    let entry = first;
    while (entry && entry.markdown !== b.markdown) entry = entry.next;
    let proof = entry?.proof;
    let alone: Alone | undefined;
    if (!proof) {
      const direct = renderDirect(b.markdown);
      const islandLine = !direct && b.form === Form.RawIsland ? renderRawIslandLine(b.markdown) : undefined;
      if (direct) {
        // The rendering is known; when its bytes differ from the block's (HTML not written by CKEditor), the
        // comparison form decides, as below.
        // All four fields from the start: one object shape, and no property added later.
        proof = { alone: true, firstList: direct.firstList, lastList: direct.lastList, proven: direct.html === b.html || undefined };
        if (!proof.proven) toProve.push({ block: b, html: direct.html, raw: false, ckeditorForm: true, proof });
      } else if (islandLine !== undefined) {
        // An HTML block: its rendering is its line, which holds raw HTML (parsed on its own, as below, unless it is
        // the block's own HTML that CKEditor's form leaves as it is).
        proof = { alone: true, firstList: undefined, lastList: undefined, proven: undefined };
        if (isOwnTree(b)) proof.proven = true;
        else toProve.push({ block: b, html: islandLine, raw: true, proof });
      } else {
        alone = parseAlone(b.markdown);
        proof = { alone: !!alone, firstList: alone?.firstList, lastList: alone?.lastList, proven: undefined };
      }
      holder.proofs = { markdown: b.markdown, proof, next: first };
    }
    if (!proof.alone) return unprovenTogether(blocks, markdown);
    if (listsMerge(prevList, proof.firstList)) failed.add(b);
    prevList = proof.lastList;
    proofs[i] = proof;
    if (!alone) continue; // proven (or pending) before
    const md = triliumMarkdownIt();
    const run = alone.tokens.slice(alone.seg.from, alone.seg.to);
    const html = md.renderer.render(run, md.options, {});
    const raw = hasRawHtml(run);
    if (!raw && triviallySame(html, b.html)) proof.proven = true;
    else toProve.push({ block: b, html, raw, proof });
  }
  const proofOf = new Map(toProve.map((r) => [r.block, r.proof]));
  for (const { block, tree, balanced } of renderedTrees(toProve)) {
    proofOf.get(block)!.proven = balanced && (serializeChildren(tree) === block.html || sameForm(tree.childNodes, block));
  }
  proofs.forEach((proof, i) => {
    if (!proof.proven) failed.add(blocks[i]);
  });
  return [...failed];
}

interface Rendering {
  block: Working;
  html: string;
  raw: boolean;
  /** The HTML is in CKEditor's form already (renderDirect's): parsed as it is. */
  ckeditorForm?: boolean;
}

/** What toCkeditorForm changes besides whitespace: tables, images, quotes (admonitions), to-do lists, math, code. */
const RESHAPED = /<(?:img|table|blockquote|pre)\b|math-tex|<li>(?:\n?<p>)?\[[ xX]\] /;
const BLOCK_TAG = '<\\/?(?:p|h[1-6]|ul|ol|li|hr|div|aside|section|figure)\\b[^>]*>';
const EDGE_NEWLINE = new RegExp(`(${BLOCK_TAG}|<br>)\\n|\\n(?=${BLOCK_TAG})`, 'g');

/**
 * The fast proof of a block: markdown-it's rendering of it, without the line breaks it writes at block edges (its
 * other line breaks are spaces, no-break spaces written as parse5 writes them), is the block's HTML byte for byte, and toCkeditorForm would only have changed
 * whitespace that the comparison form collapses (nothing in RESHAPED, no raw HTML). Then parsing the rendering
 * would show the same note, and the parse is skipped.
 */
function triviallySame(rendered: string, html: string): boolean {
  if (RESHAPED.test(rendered)) return false;
  return rendered.replace(EDGE_NEWLINE, '$1').replace(/\n/g, ' ').replace(/\u00a0/g, '&nbsp;') === html;
}

const PROOF_MARK = 'trilium-proof-block';

/**
 * Each rendering in CKEditor's form, as its own tree, as ckeditorTree parses it. Parsing thousands of small fragments
 * one by one costs a parser each, so renderings are joined with a marker comment and parsed together; the result
 * is used only when every marker is a top-level node (nothing one rendering opened reaches into the next),
 * otherwise each rendering is parsed on its own.
 */
function renderedTrees(all: Rendering[]): Array<{ block: Working; tree: HtmlParent; balanced: boolean }> {
  const out: Array<{ block: Working; tree: HtmlParent; balanced: boolean }> = [];
  // Renderings with raw HTML are parsed on their own: balanced when the strict parser reads them, or else when
  // parse5 reports no errors (which slows it down).
  for (const { block, html } of all.filter((r) => r.raw)) {
    let balanced = true;
    const tree = ckeditorTree(html, () => (balanced = false));
    out.push({ block, tree, balanced });
  }
  // The others in batches of about 32 KB: one parse per batch, and short-lived trees (one tree of the whole note
  // costs more in garbage collection than it saves).
  const plain = all.filter((r) => !r.raw);
  for (let from = 0; from < plain.length;) {
    let to = from;
    for (let size = 0; to < plain.length && size < 32_768; to++) size += plain[to].html.length;
    out.push(...renderedBatch(plain.slice(from, to)));
    from = to;
  }
  return out;
}

/** markdown-it output without raw HTML: always well formed, so one rendering cannot reach into the next. */
function renderedBatch(renderings: Rendering[]): Array<{ block: Working; tree: HtmlParent; balanced: boolean }> {
  const separately = () => renderings.map(({ block, html, ckeditorForm }) => ({ block, tree: ckeditorForm ? parseHtml(html) : ckeditorTree(html), balanced: true }));
  if (renderings.length < 2 || renderings.some((r) => r.html.includes(PROOF_MARK))) return separately();
  const root = parseHtml(renderings.map((r) => r.html).join(`<!--${PROOF_MARK}-->`));
  const groups: HtmlNode[][] = [[]];
  for (const n of root.childNodes) {
    if (n.nodeName === '#comment' && (n as HtmlComment).data === PROOF_MARK) groups.push([]);
    else groups[groups.length - 1].push(n);
  }
  if (groups.length !== renderings.length) return separately();
  return renderings.map(({ block, ckeditorForm }, i) => {
    const tree = { nodeName: '#document-fragment', childNodes: groups[i] } as HtmlParent;
    for (const n of groups[i]) n.parentNode = tree;
    return { block, tree: ckeditorForm ? tree : toCkeditorTree(tree), balanced: true };
  });
}

function sameForm(nodes: HtmlNode[], original: Working): boolean {
  try {
    return normalizeNodes(nodes) === normalizeNodes(original.nodes ?? parseHtml(original.html).childNodes);
  } catch {
    return false;
  }
}

/** The last conversion: saving a note converts the HTML it was opened from again, to find the unchanged blocks. */
let last: { html: string; titles?: IncludeTitles; converted: NoteAsMarkdown } | undefined;

const sameTitles = (a: IncludeTitles | undefined, b: IncludeTitles | undefined): boolean =>
  a === b || ((a?.size ?? 0) === (b?.size ?? 0) && [...(a ?? [])].every(([id, title]) => b?.get(id) === title));

/**
 * A note's HTML as Markdown that renders back to the same note (proven before returning). Treat it as read-only.
 * `titles` are the titles of the notes it includes, shown in their embeds.
 */
export function noteToMarkdown(html: string, titles?: IncludeTitles): NoteAsMarkdown {
  if (last?.html === html && sameTitles(last.titles, titles)) return last.converted;
  const converted = convertNote(html, titles);
  last = { html, titles, converted };
  return converted;
}

/** Forgets the last conversion (benchmarks time a cold conversion with it). */
export function forgetLastConversion(): void {
  last = undefined;
}

/** Blocks shorter than this are looked up by their HTML to be converted once (see convertNote). */
const SHORT_BLOCK = 32;

function convertNote(html: string, titles: IncludeTitles | undefined): NoteAsMarkdown {
  if (html.trim() === '') return { markdown: '', blocks: [], islandChars: 0 };
  // Each block is written as Markdown as it is read (its tree can go then); in a context-free note, equal blocks once:
  // long block elements the parser saw repeat (looked up by where the first one starts), short blocks by their HTML
  // (hashing every block's HTML costs more than converting the few other repeats again).
  let blocks: Working[] = [];
  let short = new Map<string, Working>();
  let contextFree = true;
  splitNote(html, {
    block(block, start, nodes, repeats) {
      const isShort = contextFree && block.html.length < SHORT_BLOCK;
      const repeated = repeats !== undefined ? blockAt(blocks, repeats) : isShort ? short.get(block.html) : undefined;
      const known = repeated?.origin ?? repeated;
      if (known) {
        blocks.push(working(block, start, undefined, '', known.own, known.form, known.island, !!known.footnotes, known.proven, known));
        return;
      }
      if (!nodes) throw new Error(`The block at ${start} repeats one at ${repeats} that was not read`);
      const b = blockToMarkdown(block, start, nodes, !contextFree, titles);
      if (isShort) short.set(block.html, b);
      blocks.push(b);
    },
    notContextFree() {
      contextFree = false;
      blocks = [];
      short = new Map();
    },
  });
  // Each round turns the failing blocks into islands (raw, then fenced); a fenced island renders its HTML as is.
  for (let round = 0; round < 4; round++) {
    const markdown = join(blocks);
    const failed = unproven(blocks, markdown);
    if (failed.length === 0) return result(blocks, markdown);
    if (round === 3 || failed.every((b) => b.form === Form.FencedIsland)) break;
    for (const b of failed) if (b.form !== Form.FencedIsland) demote(b);
  }
  const whole: MarkdownBlock = { html, gap: '', markdown: fencedIsland(html), island: true };
  return result([whole], `${whole.markdown}\n`);
}

/**
 * Markdown → the note's new HTML. With the HTML it was opened from, every block whose Markdown is unchanged keeps
 * that HTML byte for byte (and the whitespace before it), so an edited word changes only its own block.
 */
export function markdownToNote(markdown: string, previousHtml?: string, titles?: IncludeTitles): string {
  if (markdown.trim() === '') return '';
  if (previousHtml !== undefined) {
    const fast = changedRegionToNote(markdown, noteToMarkdown(previousHtml, titles));
    if (fast !== undefined) return fast;
  }
  return wholeMarkdownToNote(markdown, previousHtml, titles);
}

/** markdownToNote parsing the whole Markdown (exported for tests: the changed-region path must agree with it). */
export function wholeMarkdownToNote(markdown: string, previousHtml?: string, titles?: IncludeTitles): string {
  if (markdown.trim() === '') return '';
  const md = triliumMarkdownIt();
  const env: FootnoteEnv = {};
  const tokens = md.parse(markdown, env);
  const reusable = reusableBlocks(previousHtml === undefined ? [] : noteToMarkdown(previousHtml, titles).blocks.map((block, index) => ({ block, index })));
  const { out } = joinSegments(segments(markdown, tokens, env), reusable,
    (seg) => toCkeditorForm(md.renderer.render(tokens.slice(seg.from, seg.to), md.options, env)), { out: '', lastIndex: -2 });
  return out;
}
