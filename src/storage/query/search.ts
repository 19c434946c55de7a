// A whole search: parse, filter (archived and hidden notes left out unless asked, an optional ancestor), then order by
// the query's orderBy or by relevance as Trilium ranks results, and apply the limit.
import type { Connection } from '../db';
import type { OrderKey, ParsedQuery } from './ast';
import { regexError } from './comparators';
import { SearchSyntaxError } from './errors';
import { Evaluator, type NoteSet } from './evaluate';
import { editDistance, FuzzyMatcher, MAX_EDIT_DISTANCE, MIN_FUZZY_MATCH_LENGTH, MIN_FUZZY_SCORE_LENGTH, oneEditApart } from './fuzzy';
import type { IndexedNote, NoteIndex } from './noteIndex';
import { normalize } from './normalize';
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
  /** Trilium's typo-tolerant second pass (its synced option searchEnableFuzzyMatching; on unless false). */
  fuzzy?: boolean;
  /** A saved search's #orderBy: Trilium then runs one pass, with fuzzy matching (no exact pass first). */
  singleFuzzyPass?: boolean;
  /** An order that comes before the query's own orderBy (a saved search's #orderBy / #orderDirection). */
  orderBy?: OrderKey;
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
  const start = set;
  const exact = parsed.expression ? await ev.run(parsed.expression, start) : start;

  const toHit = (n: IndexedNote): SearchHit =>
    ({ noteId: n.noteId, title: index.shownTitle(n), type: n.type, notePath: index.bestPath(n), notePathTitle: index.bestPathTitle(n), score: 0 });
  const orderKeys = opts.orderBy ? [opts.orderBy, ...parsed.orderBy] : parsed.orderBy;
  const ordered = orderKeys.length > 0;
  // Trilium 0.103: a query starting with "#" runs once, scored with fuzzy matching; any other runs exactly first and,
  // when fewer than 5 results score 10 or more, again with fuzzy matching: the notes only that pass finds follow the
  // exact ones. Fuzzy matching changes what the full-text tokens find only for tokens of 4+ characters.
  const fuzzyOn = opts.fuzzy !== false;
  const pure = query.trim().startsWith('#');
  const canFind = fuzzyOn && !pure && parsed.fulltextTokens.some((t) => t.length >= MIN_FUZZY_MATCH_LENGTH);
  const relevance = !ordered || canFind ? new Relevance(index, parsed.fulltextQuery, parsed.highlightTokens, fuzzyOn && pure) : null;
  // each note made a hit and scored in one go (its derived values are at hand once)
  let hits: SearchHit[] = [];
  for (const n of exact) {
    const h = toHit(n);
    if (relevance) h.score = relevance.score(h, n);
    hits.push(h);
  }
  if (!ordered) sortByRelevance(hits);
  if (canFind && (opts.singleFuzzyPass || hits.filter((h) => h.score >= GOOD_SCORE).length < GOOD_RESULTS)) {
    const matcher = new FuzzyMatcher();
    ev.fuzzy = matcher;
    const found = await ev.run(parsed.expression!, start);
    ev.fuzzy = null;
    const tokens = parsed.highlightTokens.concat(matcher.matchedWords.filter((w) => !parsed.highlightTokens.includes(w)));
    const extra: SearchHit[] = [];
    const relevance = new Relevance(index, parsed.fulltextQuery, tokens, true);
    for (const n of found) {
      if (exact.has(n)) continue;
      const h = toHit(n);
      h.score = relevance.score(h, n);
      extra.push(h);
    }
    if (!ordered) sortByRelevance(extra);
    hits = hits.concat(extra);
  }
  if (ordered) {
    if (orderKeys.some((k) => k.path.some((p) => p.startsWith('content') || p === 'revisioncount'))) await ev.loadSizes();
    const keyed = hits.map((h) => ({ h, keys: orderKeys.map((k) => orderValue(ev, index.notes.get(h.noteId)!, k)) }));
    keyed.sort((a, b) => compareKeys(a.keys, b.keys, orderKeys));
    hits = keyed.map((k) => k.h);
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

/** Trilium skips its fuzzy pass when at least GOOD_RESULTS exact results score GOOD_SCORE or more. */
const GOOD_RESULTS = 5;
const GOOD_SCORE = 10;

/** Trilium 0.103's relevance weights (SearchResult.computeScore). */
const W = {
  noteId: 1000, titleExact: 2000, titlePrefix: 500, titleWord: 300,
  tokenExact: 4, tokenPrefix: 2, tokenContains: 1, tokenFuzzy: 0.5,
  titleFactor: 2, pathFactor: 0.3, hiddenDivisor: 3,
  fuzzyPerToken: 3, fuzzyLengthCap: 3, fuzzyTotal: 200,
};

function sortByRelevance(hits: SearchHit[]): void {
  hits.sort((a, b) => b.score - a.score || a.notePath.length - b.notePath.length || (a.notePathTitle < b.notePathTitle ? -1 : a.notePathTitle > b.notePathTitle ? 1 : 0));
}

/**
 * Relevance as Trilium computes it: the full-text part of the query against the noteId and the whole title (equal,
 * prefix, whole word, or with fuzzy matching a title within 2 edits), then each scoring token against the words of
 * the title and of the path's titles (equal, prefix, contained, or within 2 edits, capped); hidden notes count less.
 * What a word earns is worked out once per query (a fuzzy pass can bring hundreds of matched words as tokens).
 */
class Relevance {
  private readonly q: string;
  /** q as a whole word: inside, at the start, at the end of a title. */
  private readonly qWord: [string, string, string];
  private readonly norm: string[];
  /** Per factor: word → its exact earnings and its fuzzy earnings in token order (capped as they add up). */
  private readonly byWord = [new Map<string, { exact: number; fuzzy: number[] }>(), new Map<string, { exact: number; fuzzy: number[] }>()];

  constructor(private readonly index: NoteIndex, private readonly fulltextQuery: string, private readonly tokens: string[], private readonly fuzzy: boolean) {
    this.q = normalize(fulltextQuery);
    this.qWord = [` ${this.q} `, `${this.q} `, ` ${this.q}`];
    this.norm = tokens.map((t) => normalize(t));
  }

  /** The hit's score; `known`: its note, when the caller has it. */
  score(hit: SearchHit, known?: IndexedNote): number {
    let score = 0;
    const acc = { score: 0, fuzzy: 0 };
    const q = this.q;
    const note = known ?? this.index.notes.get(hit.noteId);
    // hit.title and hit.notePathTitle come from the note: their normalized forms are memoized there
    const title = note ? this.index.normalizedTitle(note) : normalize(hit.title);
    if (hit.noteId.length === this.fulltextQuery.length && hit.noteId.toLowerCase() === this.fulltextQuery) score += W.noteId;
    if (title === q) score += W.titleExact;
    else if (title.startsWith(q)) score += W.titlePrefix;
    else if (title.includes(this.qWord[0]) || title.startsWith(this.qWord[1]) || title.endsWith(this.qWord[2])) score += W.titleWord;
    else if (this.fuzzy && q.length >= MIN_FUZZY_SCORE_LENGTH) {
      const d = editDistance(title, q);
      const longer = Math.max(title.length, q.length);
      if (d <= MAX_EDIT_DISTANCE && d / longer <= 0.3) {
        const s = Math.min(W.titleWord * (1 - d / longer) * 0.7, W.fuzzyTotal * 0.3);
        score += s;
        acc.fuzzy += s;
      }
    }
    this.forText(note ? this.index.normalizedTitleWords(note) : title.split(' '), 0, W.titleFactor, acc);
    this.forText(note ? this.index.normalizedPathTitleWords(note) : normalize(hit.notePathTitle).split(' '), 1, W.pathFactor, acc);
    score += acc.score;
    if (note && this.index.isInHiddenSubtree(note)) score /= W.hiddenDivisor;
    return score;
  }

  private forText(words: string[], which: number, factor: number, acc: { score: number; fuzzy: number }): void {
    if (this.norm.length <= 4) {
      // a few tokens: working a word out is cheaper than looking it up (same sums, same order)
      for (const chunk of words) {
        acc.score += this.exactEarnings(chunk, factor);
        if (this.fuzzy) this.addFuzzyEarnings(chunk, factor, acc);
      }
      return;
    }
    const cache = this.byWord[which];
    for (const chunk of words) {
      let e = cache.get(chunk);
      if (!e) cache.set(chunk, (e = this.earnings(chunk, factor)));
      acc.score += e.exact;
      for (const s of e.fuzzy) {
        if (acc.fuzzy >= W.fuzzyTotal) break;
        acc.score += s;
        acc.fuzzy += s;
      }
    }
  }

  /** What token k earns for matching `chunk` exactly, as a prefix or inside it (0 when it does not). */
  private exactEarning(chunk: string, k: number, factor: number): number {
    const t = this.norm[k];
    const len = this.tokens[k].length;
    if (chunk === t) return W.tokenExact * len * factor;
    if (chunk.startsWith(t)) return W.tokenPrefix * len * factor;
    if (chunk.includes(t)) return W.tokenContains * len * factor;
    return 0;
  }

  /** earnings().exact without fuzzy scoring. */
  private exactEarnings(chunk: string, factor: number): number {
    let exact = 0;
    for (let k = 0; k < this.norm.length; k++) exact += this.exactEarning(chunk, k, factor);
    return exact;
  }

  private earnings(chunk: string, factor: number): { exact: number; fuzzy: number[] } {
    let exact = 0;
    const fuzzy: number[] = [];
    for (let k = 0; k < this.norm.length; k++) {
      const earned = this.exactEarning(chunk, k, factor);
      if (earned > 0) exact += earned;
      else if (this.fuzzy) {
        const f = this.fuzzyEarning(chunk, k, factor);
        if (f > 0) fuzzy.push(f);
      }
    }
    return { exact, fuzzy };
  }

  /** What token k earns for being one edit from `chunk` (0 when it is not, or too short to score fuzzily). */
  private fuzzyEarning(chunk: string, k: number, factor: number): number {
    const t = this.norm[k];
    if (t.length < MIN_FUZZY_SCORE_LENGTH || !oneEditApart(chunk, t)) return 0;
    // Trilium weighs a word d edits off by (1 - d / 2): 2 edits earn nothing, so only 1 edit needs finding
    const d = 1;
    return Math.min(W.tokenFuzzy * (1 - d / MAX_EDIT_DISTANCE) * Math.min(this.tokens[k].length, W.fuzzyLengthCap) * factor, W.fuzzyPerToken);
  }

  /** The fuzzy part of earnings(), added in token order as the cached form adds it (capped as it adds up). */
  private addFuzzyEarnings(chunk: string, factor: number, acc: { score: number; fuzzy: number }): void {
    for (let k = 0; k < this.norm.length; k++) {
      if (this.exactEarning(chunk, k, factor) > 0) continue;
      const s = this.fuzzyEarning(chunk, k, factor);
      if (s === 0) continue;
      if (acc.fuzzy >= W.fuzzyTotal) return;
      acc.score += s;
      acc.fuzzy += s;
    }
  }
}
