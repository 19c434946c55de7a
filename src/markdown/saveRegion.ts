// Saving a large note after a small edit: the Markdown is compared with the Markdown the note was opened as, block
// by block from both ends, and only the changed region between the unchanged blocks is parsed, together with one
// unchanged block on each side to show that the change did not reach into them. Unchanged blocks keep their HTML.
import { toCkeditorForm } from './ckeditorForm';
import type { MarkdownBlock, NoteAsMarkdown } from './convert';
import { triliumMarkdownIt, type FootnoteEnv } from './markdownIt';
import { joinSegments, reusableBlocks, segments } from './segments';

/**
 * Markdown with effects across blocks: footnotes (numbered across the note), reference link definitions. Unchanged
 * blocks are the converter's Markdown, which has no definitions; only the changed region is looked at.
 */
const GLOBAL = /\[\^|^ {0,3}\[[^\]\n]*\]:/m;

/**
 * The note's new HTML when only a region of `markdown` differs from `previous` and parsing that region alone is
 * the same as parsing the whole; undefined when the whole Markdown has to be parsed (markdownToNote does that).
 */
export function changedRegionToNote(markdown: string, previous: NoteAsMarkdown): string | undefined {
  const blocks = previous.blocks;
  const n = blocks.length;
  if (n === 0) return undefined;
  const body = markdown.replace(/\n+$/, '');

  let pos = 0;
  let head = 0; // blocks unchanged at the start
  while (head < n) {
    const md = blocks[head].markdown;
    if (body.startsWith(`${md}\n\n`, pos)) pos += md.length + 2;
    else if (head === n - 1 && body.length - pos === md.length && body.endsWith(md)) pos = body.length;
    else break;
    head++;
  }
  if (head === n && pos === body.length) return blocks.map((b) => b.gap + b.html).join(''); // unchanged, as proven
  let end = body.length;
  let tail = 0; // blocks unchanged at the end
  while (head + tail < n) {
    const md = blocks[n - 1 - tail].markdown;
    const start = end - md.length;
    if (start < pos || body.slice(start, end) !== md) break;
    if (start === pos) {
      end = start;
      tail++;
      break;
    }
    if (start - 2 < pos || body.slice(start - 2, start) !== '\n\n') break;
    end = start - 2;
    tail++;
  }
  if (head + tail === n && end > pos) return undefined; // text outside every block: cannot happen, parse it all
  const middle = body.slice(pos, Math.max(pos, end));
  if (GLOBAL.test(middle) || blocks.slice(head, n - tail).some((b) => b.markdown.includes('[^'))) return undefined;

  // The region with its unchanged neighbours, which must come out of the parse as the same blocks.
  const before = head > 0 ? blocks[head - 1] : undefined;
  const after = tail > 0 ? blocks[n - tail] : undefined;
  const window = [before?.markdown, middle === '' ? undefined : middle, after?.markdown].filter((s) => s !== undefined).join('\n\n') + '\n';
  const md = triliumMarkdownIt();
  const env: FootnoteEnv = {};
  const tokens = md.parse(window, env);
  const segs = segments(window, tokens, env);
  if (before) {
    if (segs[0]?.source !== before.markdown.trimEnd()) return undefined;
    segs.shift();
  }
  if (after) {
    if (segs[segs.length - 1]?.source !== after.markdown.trimEnd()) return undefined;
    segs.pop();
  }
  if (segs.some((s) => s.footnotes)) return undefined;

  const entries: Array<{ block: MarkdownBlock; index: number }> = [];
  for (let index = head; index < n - tail; index++) entries.push({ block: blocks[index], index });
  let headHtml = '';
  for (let i = 0; i < head; i++) headHtml += blocks[i].gap + blocks[i].html;
  let { out, lastIndex } = joinSegments(segs, reusableBlocks(entries),
    (seg) => toCkeditorForm(md.renderer.render(tokens.slice(seg.from, seg.to), md.options, env)), { out: headHtml, lastIndex: head - 1 });
  for (let index = n - tail; index < n; index++) {
    out += (index === lastIndex + 1 || (out === '' && index === 0) ? blocks[index].gap : '') + blocks[index].html;
    lastIndex = index;
  }
  return out;
}
