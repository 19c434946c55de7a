// A whole search: parse, filter (archived and hidden notes left out unless asked, an optional ancestor), then order by
// the query's orderBy or by relevance as Trilium ranks results, and apply the limit.
import type { Connection } from '../db';
import type { OrderKey, ParsedQuery } from './ast';
import { regexError } from './comparators';
import { SearchSyntaxError } from './errors';
import { Evaluator, type NoteSet } from './evaluate';
import type { IndexedNote, NoteIndex } from './noteIndex';
import { parseQuery } from './parser';

export interface SearchOptions {
  includeArchived?: boolean;
  includeHidden?: boolean;
  /** Only notes under this note (itself included). */
  ancestorNoteId?: string;
  /** Only title, attributes and path; no content. */
  fastSearch?: boolean;
  /** A limit applied when the query has none. */
  limit?: number;
  /** What TODAY, NOW, MONTH and YEAR mean (default: the current time). */
  now?: Date;
}

export interface SearchHit {
  noteId: string;
  title: string;
  type: string;
  /** Best path from root, as noteIds. */
  notePath: string[];
  /** Titles of that path without root, joined with " / ". */
  notePathTitle: string;
  score: number;
}

export async function runSearch(index: NoteIndex, c: Connection, query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
  const parsed = parseQuery(query, { now: opts.now });
  checkRegexes(parsed, query);
  const ev = new Evaluator(index, c, { fastSearch: opts.fastSearch });
  // Trilium leaves out notes hidden completely (see baseSet) unless asked, or when searching under a note: then the
  // note's subtree is all there is (hidden notes included when the note is in the hidden subtree)
  const underNote = !!opts.ancestorNoteId && opts.ancestorNoteId !== 'root';
  let set: NoteSet = index.baseSet(!!opts.includeArchived, !!opts.includeHidden || underNote);
  if (underNote) {
    const anc = index.notes.get(opts.ancestorNoteId!);
    const under = anc ? index.subtree(anc) : new Set<IndexedNote>();
    set = filterSet(set, (n) => under.has(n));
  }
  if (parsed.expression) set = await ev.run(parsed.expression, set);

  let hits = [...set].map((n) => {
    const notePath = index.bestPath(n);
    return { noteId: n.noteId, title: n.isProtected ? '[protected]' : n.title, type: n.type, notePath, notePathTitle: index.pathTitle(notePath), score: 0 };
  });
  if (parsed.orderBy.length > 0) {
    if (parsed.orderBy.some((k) => k.path.some((p) => p.startsWith('content') || p === 'revisioncount'))) await ev.loadSizes();
    const keyed = hits.map((h) => ({ h, keys: parsed.orderBy.map((k) => orderValue(ev, index.notes.get(h.noteId)!, k)) }));
    keyed.sort((a, b) => compareKeys(a.keys, b.keys, parsed.orderBy));
    hits = keyed.map((k) => k.h);
  } else {
    for (const h of hits) h.score = score(index, h, parsed);
    hits.sort((a, b) => b.score - a.score || a.notePath.length - b.notePath.length || (a.notePathTitle < b.notePathTitle ? -1 : a.notePathTitle > b.notePathTitle ? 1 : 0));
  }
  const limit = parsed.limit ?? opts.limit ?? 0;
  return limit > 0 ? hits.slice(0, limit) : hits;
}

function filterSet(set: NoteSet, pred: (n: IndexedNote) => boolean): NoteSet {
  const out: NoteSet = new Set();
  for (const n of set) if (pred(n)) out.add(n);
  return out;
}

function checkRegexes(parsed: ParsedQuery, query: string): void {
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    const x = e as { op?: string; value?: string };
    if (x.op === '%=' && typeof x.value === 'string') {
      const err = regexError(x.value);
      if (err) {
        const at = query.toLowerCase().indexOf(x.value);
        throw new SearchSyntaxError(`Invalid regular expression after %=: ${err}`, Math.max(0, at), x.value, query);
      }
    }
    for (const v of Object.values(e)) visit(v);
  };
  visit(parsed.expression);
}

/** Trilium's orderBy value: a property at the end of a path through parents, children and relation targets. */
function orderValue(ev: Evaluator, note: IndexedNote, key: OrderKey): string | number | null {
  const idx = ev.index;
  let cursor: IndexedNote | undefined = note;
  const path = key.path;
  for (let i = 1; i < path.length; i++) {
    if (!cursor) return null;
    const el = path[i];
    if (el === 'labels') return idx.attributeCaseInsensitive(cursor, 'label', path[i + 1])?.value ?? null;
    if (el === 'relations') {
      const rel = idx.attributeCaseInsensitive(cursor, 'relation', path[++i]);
      cursor = rel ? idx.notes.get(rel.value) : undefined;
    } else if (el === 'parents') {
      cursor = cursor.parents[0];
    } else if (el === 'children') {
      cursor = cursor.children[0];
    } else if (el === 'random') {
      return Math.random().toString();
    } else {
      const v = ev.propertyValue(cursor, el);
      return v === undefined ? null : typeof v === 'boolean' ? String(v) : v;
    }
  }
  return null;
}

function isNumeric(v: string | number): boolean {
  return typeof v === 'number' || (v.trim() !== '' && !isNaN(parseInt(v, 10)));
}

function compareKeys(a: Array<string | number | null>, b: Array<string | number | null>, keys: OrderKey[]): number {
  for (let k = 0; k < keys.length; k++) {
    const smaller = keys[k].direction === 'asc' ? -1 : 1;
    let va = a[k];
    let vb = b[k];
    if (va === null && vb === null) continue;
    if (vb === null) return smaller;
    if (va === null) return -smaller;
    if (typeof va === 'string' && typeof vb === 'string' && isNumeric(va) && isNumeric(vb)) {
      va = parseFloat(va);
      vb = parseFloat(vb);
    }
    if (!va && !vb) continue;
    if (va < vb) return smaller;
    if (va > vb) return -smaller;
  }
  return 0;
}

/** Relevance: exact noteId or title match, then the query's tokens in the title and in the path's titles. */
function score(index: NoteIndex, hit: SearchHit, parsed: ParsedQuery): number {
  let s = 0;
  const q = parsed.fulltextQuery;
  if (q && hit.noteId.toLowerCase() === q) s += 100;
  if (q && hit.title.toLowerCase() === q) s += 100;
  s += tokenScore(parsed.fulltextTokens, hit.title, 1.5);
  s += tokenScore(parsed.fulltextTokens, hit.notePathTitle, 1);
  const note = index.notes.get(hit.noteId);
  if (note && index.isInHiddenSubtree(note)) s /= 2;
  return s;
}

function tokenScore(tokens: string[], text: string, factor: number): number {
  let s = 0;
  for (const chunk of text.toLowerCase().split(' ')) {
    for (const t of tokens) {
      if (chunk === t) s += 4 * t.length * factor;
      else if (chunk.startsWith(t)) s += 2 * t.length * factor;
      else if (chunk.includes(t)) s += t.length * factor;
    }
  }
  return s;
}
