// Text notes as Markdown, losslessly. Opening: each top-level HTML block becomes dialect Markdown when that renders
// back to the same note (see normalize.ts), otherwise it stays as an HTML island; the whole note is checked, and
// islands widen until it holds. Saving: blocks whose Markdown did not change keep their stored HTML byte for byte;
// the others are rendered in CKEditor's form.
import { splitNote, type HtmlBlock } from './blocks';
import { ckeditorTree, toCkeditorForm } from './ckeditorForm';
import { HTML_FENCE } from './dialect';
import { isBlockNode, isElement, serializeChildren, type HtmlNode } from './htmlTree';
import { triliumMarkdownIt } from './markdownIt';
import { normalizeNodes } from './normalize';
import { blockMarkdown, inlineRunMarkdown } from './toMarkdown';

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

/** Comparison form of what the Markdown renders to. */
function renderedForm(markdown: string): string {
  return normalizeNodes(ckeditorTree(triliumMarkdownIt().render(markdown)).childNodes);
}

function sameNodes(markdown: string, nodes: HtmlNode[]): boolean {
  try {
    return renderedForm(markdown) === normalizeNodes(nodes);
  } catch {
    return false;
  }
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

function island(block: HtmlBlock): string {
  const raw = rawIsland(block.html);
  return /^<[A-Za-z!]/.test(raw) && sameNodes(raw, block.nodes) ? raw : fencedIsland(block.html);
}

const BULLET = /^([-*]) /;
const ORDERED = /^(\d+)([.)]) /;

/** Two lists in a row would merge into one in Markdown: the second switches its marker. */
function separateLists(prev: string, next: string): string {
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

function join(blocks: MarkdownBlock[]): string {
  for (let i = 1; i < blocks.length; i++) {
    if (!blocks[i].island) blocks[i].markdown = separateLists(blocks[i - 1].markdown, blocks[i].markdown);
  }
  return blocks.map((b) => b.markdown).join('\n\n') + (blocks.length ? '\n' : '');
}

function toIsland(b: MarkdownBlock): void {
  if (b.island) return;
  b.markdown = island(b);
  b.island = true;
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
  for (const b of blocks) {
    if (b.island) islandChars += b.markdown.length;
    else if (b.markdown.includes('<')) for (const m of b.markdown.matchAll(INLINE_TAG)) islandChars += m[0].length;
  }
  return { markdown, blocks, islandChars };
}

function blockToMarkdown(block: HtmlBlock): MarkdownBlock {
  const first = block.nodes[0];
  try {
    const markdown = block.nodes.length === 1 && isElement(first) && isBlockNode(first) ? blockMarkdown(first) : inlineRunMarkdown(block.nodes);
    return { ...block, markdown, island: false };
  } catch {
    // NotExpressible, or anything unexpected: the block stays as its HTML rather than failing the whole note.
    const b: MarkdownBlock = { ...block, markdown: '', island: false };
    toIsland(b);
    return b;
  }
}

/** A note's HTML as Markdown that renders back to the same note (proven before returning). */
export function noteToMarkdown(html: string): NoteAsMarkdown {
  if (html.trim() === '') return { markdown: '', blocks: [], islandChars: 0 };
  const note = splitNote(html);
  let original: string | undefined;
  const holds = (markdown: string): boolean => {
    try {
      const tree = ckeditorTree(triliumMarkdownIt().render(markdown));
      if (serializeChildren(tree) === html) return true; // already in CKEditor's form: equal bytes, no need to normalize
      original ??= normalizeNodes(note.nodes);
      return normalizeNodes(tree.childNodes) === original;
    } catch {
      return false;
    }
  };
  const blocks = note.blocks.map(blockToMarkdown);
  let markdown = join(blocks);
  if (holds(markdown)) return result(blocks, markdown);

  for (const b of blocks) if (!b.island && !sameNodes(b.markdown, b.nodes)) toIsland(b);
  markdown = join(blocks);
  if (holds(markdown)) return result(blocks, markdown);

  for (let i = 1; i < blocks.length; i++) {
    if (!sameNodes(`${blocks[i - 1].markdown}\n\n${blocks[i].markdown}`, [...blocks[i - 1].nodes, ...blocks[i].nodes])) {
      toIsland(blocks[i - 1]);
      toIsland(blocks[i]);
    }
  }
  markdown = join(blocks);
  if (holds(markdown)) return result(blocks, markdown);

  const whole: MarkdownBlock = { html, gap: '', nodes: note.nodes, markdown: fencedIsland(html), island: true };
  return result([whole], `${whole.markdown}\n`);
}

interface Segment { source: string; from: number; to: number }

/** The top-level blocks of a Markdown document: their source text and their tokens. */
function segments(markdown: string, tokens: ReturnType<ReturnType<typeof triliumMarkdownIt>['parse']>): Segment[] {
  const lines = markdown.split('\n');
  const out: Segment[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.level !== 0 || !t.map) continue;
    let j = i;
    if (t.nesting === 1) {
      let depth = 0;
      for (; j < tokens.length; j++) {
        depth += tokens[j].nesting;
        if (depth === 0) break;
      }
    }
    out.push({ source: lines.slice(t.map[0], t.map[1]).join('\n').trimEnd(), from: i, to: j + 1 });
    i = j;
  }
  return out;
}

/**
 * Markdown → the note's new HTML. With the HTML it was opened from, every block whose Markdown is unchanged keeps
 * that HTML byte for byte (and the whitespace before it), so an edited word changes only its own block.
 */
export function markdownToNote(markdown: string, previousHtml?: string): string {
  if (markdown.trim() === '') return '';
  const md = triliumMarkdownIt();
  const env = {};
  const tokens = md.parse(markdown, env);
  const reusable = new Map<string, Array<{ block: MarkdownBlock; index: number }>>();
  if (previousHtml !== undefined) {
    noteToMarkdown(previousHtml).blocks.forEach((block, index) => {
      const key = block.markdown.trimEnd();
      const list = reusable.get(key) ?? [];
      list.push({ block, index });
      reusable.set(key, list);
    });
  }
  let out = '';
  let lastIndex = -2;
  for (const seg of segments(markdown, tokens)) {
    const match = reusable.get(seg.source)?.shift();
    if (match) {
      out += (match.index === lastIndex + 1 || (out === '' && match.index === 0) ? match.block.gap : '') + match.block.html;
      lastIndex = match.index;
    } else {
      out += toCkeditorForm(md.renderer.render(tokens.slice(seg.from, seg.to), md.options, env));
      lastIndex = -2;
    }
  }
  return out;
}
