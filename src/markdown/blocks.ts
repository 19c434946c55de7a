// A note's HTML as a list of top-level blocks, each with its exact source text, so an unchanged block can be
// written back byte for byte. Wrapper divs CKEditor drops are looked through; runs of top-level inline content
// form one block (CKEditor puts them in a paragraph).
import { isBlockNode, isElement, isText, isTransparentDiv, parseHtml, type HtmlNode, type HtmlText } from './htmlTree';

export interface HtmlBlock {
  /** The block's source, exactly as stored. */
  html: string;
  /** Whitespace between the previous block and this one in the source ('' when there was markup between). */
  gap: string;
  /** The block's nodes in the parsed note (one element, or a run of inline nodes). */
  nodes: HtmlNode[];
}

export interface SplitNote {
  blocks: HtmlBlock[];
  /** The note's top-level nodes, wrapper divs looked through. */
  nodes: HtmlNode[];
}

function flatten(nodes: HtmlNode[], out: HtmlNode[]): void {
  for (const n of nodes) {
    if (isTransparentDiv(n)) flatten(n.childNodes, out);
    else out.push(n);
  }
}

export function splitNote(html: string): SplitNote {
  const nodes: HtmlNode[] = [];
  flatten(parseHtml(html, true).childNodes, nodes);
  const groups: HtmlNode[][] = [];
  let run: HtmlNode[] | null = null;
  for (const n of nodes) {
    if (!n.sourceCodeLocation) continue;
    if (isBlockNode(n)) {
      run = null;
      groups.push([n]);
    } else if (isText(n) && /^[ \t\r\n]*$/.test(n.value)) {
      if (run) run.push(n); // whitespace between blocks, or inside a run of inline content
    } else if (isElement(n) || isText(n) || n.nodeName === '#comment') {
      if (run) run.push(n);
      else groups.push((run = [n]));
    }
  }
  const blocks: HtmlBlock[] = [];
  let prevEnd = 0;
  for (const group of groups) {
    while (group.length > 1 && isText(group[group.length - 1]) && /^[ \t\r\n]*$/.test((group[group.length - 1] as HtmlText).value)) group.pop();
    const start = group[0].sourceCodeLocation!.startOffset;
    const end = group[group.length - 1].sourceCodeLocation!.endOffset;
    const between = html.slice(prevEnd, start);
    blocks.push({ html: html.slice(start, end), gap: /^\s*$/.test(between) ? between : '', nodes: group });
    prevEnd = end;
  }
  return { blocks, nodes };
}
