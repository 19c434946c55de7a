// The top-level blocks of parsed Markdown (token runs with their source lines), shared by the proof on open and
// by saving.
import type { FootnoteEnv, triliumMarkdownIt } from './markdownIt';

export type Token = ReturnType<ReturnType<typeof triliumMarkdownIt>['parse']>[number];
export interface Segment { source: string; from: number; to: number; footnotes?: boolean }

/**
 * The top-level blocks of a Markdown document: their source text and their tokens. The footnote section that
 * markdown-it-footnote appends is one more block, whose source is the footnote definitions.
 */
export function segments(markdown: string, tokens: Token[], env: FootnoteEnv): Segment[] {
  const lines = markdown.split('\n');
  const out: Segment[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'footnote_block_open') {
      let j = i;
      while (j + 1 < tokens.length && tokens[j].type !== 'footnote_block_close') j++;
      const source = (env.triliumFootnoteLines ?? []).map(([from, to]) => lines.slice(from, to).join('\n').trimEnd()).join('\n\n');
      out.push({ source, from: i, to: j + 1, footnotes: true });
      i = j;
      continue;
    }
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

/** Stored blocks a segment may reuse, by their Markdown; several equal blocks are taken in order. */
export type ReusableBlocks<B> = Map<string, Array<{ block: B; index: number }>>;

export function reusableBlocks<B extends { markdown: string }>(entries: Array<{ block: B; index: number }>): ReusableBlocks<B> {
  const reusable: ReusableBlocks<B> = new Map();
  for (const entry of entries) {
    const key = entry.block.markdown.trimEnd();
    const list = reusable.get(key) ?? [];
    list.push(entry);
    reusable.set(key, list);
  }
  return reusable;
}

/**
 * Appends the HTML of `segs` to `start.out`: a segment whose Markdown is an unchanged stored block keeps that block's
 * bytes (with the gap before it when it follows the block before it), any other is rendered by `render`.
 */
export function joinSegments<B extends { gap: string; html: string }>(
  segs: Segment[], reusable: ReusableBlocks<B>, render: (seg: Segment) => string, start: { out: string; lastIndex: number },
): { out: string; lastIndex: number } {
  let { out, lastIndex } = start;
  for (const seg of segs) {
    const match = reusable.get(seg.source)?.shift();
    if (match) {
      out += (match.index === lastIndex + 1 || (out === '' && match.index === 0) ? match.block.gap : '') + match.block.html;
      lastIndex = match.index;
    } else {
      out += render(seg);
      lastIndex = -2;
    }
  }
  return { out, lastIndex };
}
