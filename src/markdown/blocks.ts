// A note's HTML as a list of top-level blocks, each with its exact source text, so an unchanged block can be
// written back byte for byte. Wrapper divs CKEditor drops are looked through; runs of top-level inline content
// form one block (CKEditor puts them in a paragraph).
import { isBlockNode, isElement, isText, isTransparentDiv, parseHtml, type HtmlNode } from './htmlTree';
import { parseStrictTopLevel, type LocatedNode } from './strictHtml';

export interface HtmlBlock {
  /** The block's source, exactly as stored. */
  html: string;
  /** Whitespace between the previous block and this one in the source ('' when there was markup between). */
  gap: string;
  /** The block's nodes in the parsed note (one element, or a run of inline nodes); read-only, blocks with equal HTML may share them. */
  nodes: HtmlNode[];
}

export interface SplitNote {
  blocks: HtmlBlock[];
  /** The note's top-level nodes, wrapper divs looked through. */
  nodes: HtmlNode[];
  /** Each block's tree follows from its own HTML (the note is in the strict parser's subset): equal HTML, equal trees. */
  contextFree: boolean;
}

function flatten(nodes: HtmlNode[], out: LocatedNode[]): void {
  for (const n of nodes) {
    if (isTransparentDiv(n)) flatten(n.childNodes, out);
    else if (n.sourceCodeLocation) out.push({ node: n, start: n.sourceCodeLocation.startOffset, end: n.sourceCodeLocation.endOffset });
  }
}

/** The note's top-level nodes with their source offsets, wrapper divs looked through; whether the strict parser read it. */
function topLevel(html: string): { located: LocatedNode[]; strict: boolean } {
  const strict = parseStrictTopLevel(html, isTransparentDiv);
  if (strict) return { located: strict, strict: true };
  const located: LocatedNode[] = [];
  flatten(parseHtml(html, true).childNodes, located);
  return { located, strict: false };
}

const isBlank = (n: HtmlNode): boolean => isText(n) && /^[ \t\r\n]*$/.test(n.value);

export function splitNote(html: string): SplitNote {
  const { located, strict } = topLevel(html);
  const groups: LocatedNode[][] = [];
  let run: LocatedNode[] | null = null;
  for (const l of located) {
    const n = l.node;
    if (isBlockNode(n)) {
      run = null;
      groups.push([l]);
    } else if (isBlank(n)) {
      if (run) run.push(l); // whitespace between blocks, or inside a run of inline content
    } else if (isElement(n) || isText(n) || n.nodeName === '#comment') {
      if (run) run.push(l);
      else groups.push((run = [l]));
    }
  }
  const blocks: HtmlBlock[] = [];
  let prevEnd = 0;
  for (const group of groups) {
    while (group.length > 1 && isBlank(group[group.length - 1].node)) group.pop();
    const start = group[0].start;
    const end = group[group.length - 1].end;
    const between = html.slice(prevEnd, start);
    blocks.push({ html: html.slice(start, end), gap: /^\s*$/.test(between) ? between : '', nodes: group.map((l) => l.node) });
    prevEnd = end;
  }
  return { blocks, nodes: located.map((l) => l.node), contextFree: strict };
}
