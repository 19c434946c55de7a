// A note's HTML as a list of top-level blocks, each with its exact source text, so an unchanged block can be
// written back byte for byte. Wrapper divs CKEditor drops are looked through; runs of top-level inline content
// form one block (CKEditor puts them in a paragraph).
import { isBlockNode, isElement, isText, isTransparentDiv, parseHtml, type HtmlNode } from './htmlTree';

export interface HtmlBlock {
  /** The block's source, exactly as stored. */
  html: string;
  /** Whitespace between the previous block and this one in the source ('' when there was markup between). */
  gap: string;
}

function flatten(nodes: HtmlNode[], out: HtmlNode[]): void {
  for (const n of nodes) {
    if (isTransparentDiv(n)) flatten(n.childNodes, out);
    else out.push(n);
  }
}

export function splitBlocks(html: string): HtmlBlock[] {
  const nodes: HtmlNode[] = [];
  flatten(parseHtml(html, true).childNodes, nodes);
  const ranges: Array<[number, number]> = [];
  let run: [number, number] | null = null;
  const flush = (): void => {
    if (run) ranges.push(run);
    run = null;
  };
  for (const n of nodes) {
    const loc = n.sourceCodeLocation;
    if (!loc) continue;
    if (isBlockNode(n)) {
      flush();
      ranges.push([loc.startOffset, loc.endOffset]);
    } else if (isText(n) && /^[ \t\r\n]*$/.test(n.value)) {
      continue; // whitespace between blocks
    } else if (isElement(n) || isText(n) || n.nodeName === '#comment') {
      if (run) run[1] = loc.endOffset;
      else run = [loc.startOffset, loc.endOffset];
    }
  }
  flush();
  const blocks: HtmlBlock[] = [];
  let prevEnd = 0;
  for (const [start, end] of ranges) {
    const between = html.slice(prevEnd, start);
    blocks.push({ html: html.slice(start, end), gap: /^\s*$/.test(between) ? between : '' });
    prevEnd = end;
  }
  return blocks;
}
