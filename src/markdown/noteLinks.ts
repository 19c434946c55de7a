// Links to other notes in a note's Markdown or HTML text, and what to insert when a link is typed. Trilium links a
// note by its path in the tree, `#root/…/NOTEID` (the last segment is the note); an included note names it in
// `data-note-id`. Pure text rules: the editor glue (src/editor/noteLinkProviders.ts) turns them into clickable links
// and completions.
import { includeMarkdown } from './dialect';

export interface NoteLinkSpan {
  /** Offsets in the text of the part that is clickable (the href, or the note id). */
  start: number;
  end: number;
  noteId: string;
}

const NOTE_ID = '[A-Za-z0-9_]+';
/** `#root/…/NOTEID` as a Markdown link destination `(…)`, `<…>`, a reference definition, or an HTML href. */
const NOTE_HREF = new RegExp(`#root(?:/${NOTE_ID})*/(${NOTE_ID})/?(?=[)"'>\\s]|$)|#root(?=[)"'>\\s]|$)`, 'g');
const INCLUDED = new RegExp(`data-note-id="(${NOTE_ID})"`, 'g');

/** Every link to a note in the text, in order. */
export function findNoteLinks(text: string): NoteLinkSpan[] {
  const out: NoteLinkSpan[] = [];
  for (const m of text.matchAll(NOTE_HREF)) {
    const before = text[m.index - 1];
    // Only where a link target starts: after `(`, `<`, a quote, `]: ` or `=`; not inside other words or URLs.
    if (before !== undefined && !'(<"\' '.includes(before)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, noteId: m[1] ?? 'root' });
  }
  for (const m of text.matchAll(INCLUDED)) {
    const start = m.index + 'data-note-id="'.length;
    out.push({ start, end: start + m[1].length, noteId: m[1] });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Where a note link is being typed on a line, and what is typed of it so far. */
export interface LinkTyping {
  /**
   * `destination`: inside `[text](…`, the href goes there; `wiki`: after `[[`, a whole reference link replaces it;
   * `embed`: after `![[` (Obsidian's embed), an included note replaces it.
   */
  kind: 'destination' | 'wiki' | 'embed';
  /** Column where the replaced text starts (after `(`, or at the first `[` of `[[`, or at the `!` of `![[`). */
  from: number;
  /** What was typed after the opening, for filtering titles. */
  query: string;
}

/** Looks at the text of a line before the cursor. */
export function linkTypingAt(linePrefix: string): LinkTyping | undefined {
  const wiki = /\[\[([^\[\]()]*)$/.exec(linePrefix);
  if (wiki && linePrefix[wiki.index - 1] === '!') return { kind: 'embed', from: wiki.index - 1, query: wiki[1] };
  if (wiki) return { kind: 'wiki', from: wiki.index, query: wiki[1] };
  const dest = /\]\(([^()\s]*)$/.exec(linePrefix);
  if (dest) return { kind: 'destination', from: dest.index + 2, query: dest[1].startsWith('#') ? '' : dest[1] };
  return undefined;
}

/** The href of a note from one of its paths (noteIds from root to the note). */
export function noteHref(path: string[] | undefined, noteId: string): string {
  return '#' + (path && path[path.length - 1] === noteId ? path : ['root', noteId]).join('/');
}

/** Link text in Markdown: brackets and backslashes escaped. */
function linkText(title: string): string {
  return title.replace(/([\\[\]])/g, '\\$1');
}

/** What a completion inserts: the bare href inside `(…)`, a whole reference link for `[[…`, an included note for `![[…`. */
export function linkInsertText(kind: LinkTyping['kind'], title: string, href: string): string {
  if (kind === 'embed') return includeMarkdown(linkText(title), href.slice(href.lastIndexOf('/') + 1), undefined);
  return kind === 'destination' ? href : `[${linkText(title)}](${href}){.reference-link}`;
}

/** How many characters after the cursor a completion also replaces (the `]]` VS Code closed `[[` with). */
export function closingAfter(kind: LinkTyping['kind'], lineSuffix: string): number {
  if (kind !== 'destination') return lineSuffix.startsWith(']]') ? 2 : lineSuffix.startsWith(']') ? 1 : 0;
  return 0;
}

/** The notes a note's HTML includes (`section.include-note[data-note-id]`), each once, in order. */
export function includedNoteIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/<section\b[^>]*>/g)) {
    if (!/\bclass="[^"]*\binclude-note\b/.test(m[0])) continue;
    const id = /\bdata-note-id="([A-Za-z0-9_]+)"/.exec(m[0])?.[1];
    if (id) ids.add(id);
  }
  return [...ids];
}
