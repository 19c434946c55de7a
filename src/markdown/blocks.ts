// A note's HTML as a list of top-level blocks, each with its exact source text, so an unchanged block can be
// written back byte for byte. Wrapper divs CKEditor drops are looked through; runs of top-level inline content
// form one block (CKEditor puts them in a paragraph). Blocks are handed over one by one as the note is read, so
// that a caller done with a block's tree lets it go (a 1 MB note's trees, all alive at once, cost more in garbage
// collection than reading them).
import { isBlockNode, isElement, isText, isTransparentDiv, parseHtml, type HtmlNode } from './htmlTree';
import { parseStrictTopLevel, type LocatedNode } from './strictHtml';

export interface HtmlBlock {
  /** The block's source, exactly as stored. */
  html: string;
  /** Whitespace between the previous block and this one in the source ('' when there was markup between). */
  gap: string;
}

export interface BlockReader {
  /**
   * Each block in order, with where it starts in the note and its nodes (one element, or a run of inline nodes).
   * When the note is context-free, a long block element whose HTML is that of an earlier block comes without nodes,
   * with `repeats`: where that block starts. (Equal HTML of other blocks is not looked for.)
   */
  block(block: HtmlBlock, start: number, nodes: HtmlNode[] | undefined, repeats?: number): void;
  /**
   * The note is outside the strict parser's subset: the blocks given so far are void and all come again, each
   * with its nodes. A block's tree no longer follows from its own HTML alone (equal HTML need not be equal trees).
   */
  notContextFree(): void;
}

function flatten(nodes: HtmlNode[], each: (l: LocatedNode) => void): void {
  for (const n of nodes) {
    if (isTransparentDiv(n)) flatten(n.childNodes, each);
    else if (n.sourceCodeLocation) each({ node: n, start: n.sourceCodeLocation.startOffset, end: n.sourceCodeLocation.endOffset });
  }
}

const isBlank = (n: HtmlNode): boolean => isText(n) && /^[ \t\r\n]*$/.test(n.value);

/** Groups top-level nodes into blocks as they come: a block element alone, a run of inline content together. */
function grouper(html: string, reader: BlockReader): { add(l: LocatedNode): void; end(): void } {
  let run: LocatedNode[] = [];
  let prevEnd = 0;
  const emit = (start: number, end: number, nodes: HtmlNode[] | undefined, repeats?: number): void => {
    const between = html.slice(prevEnd, start);
    reader.block({ html: html.slice(start, end), gap: /^\s*$/.test(between) ? between : '' }, start, nodes, repeats);
    prevEnd = end;
  };
  const flush = (): void => {
    if (run.length === 0) return;
    while (run.length > 1 && isBlank(run[run.length - 1].node!)) run.pop();
    emit(run[0].start, run[run.length - 1].end, run.map((l) => l.node!));
    run = [];
  };
  return {
    add(l) {
      const n = l.node;
      if (n === undefined || isBlockNode(n)) { // a repeat is of a block element (see repeatable below)
        flush();
        emit(l.start, l.end, n && [n], l.repeats);
      } else if (isBlank(n)) {
        if (run.length) run.push(l); // whitespace between blocks, or inside a run of inline content
      } else if (isElement(n) || isText(n) || n.nodeName === '#comment') {
        run.push(l);
      }
    },
    end: flush,
  };
}

/** Reads the note's blocks into `reader`; whether the note is context-free (read by the strict parser). */
export function splitNote(html: string, reader: BlockReader): boolean {
  const strict = grouper(html, reader);
  if (parseStrictTopLevel(html, { lookThrough: isTransparentDiv, repeatable: isBlockNode, each: strict.add })) {
    strict.end();
    return true;
  }
  reader.notContextFree();
  const loose = grouper(html, reader);
  flatten(parseHtml(html, true).childNodes, loose.add);
  loose.end();
  return false;
}
