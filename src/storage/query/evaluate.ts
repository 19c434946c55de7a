// Runs a parsed query over the note index, the way Trilium's expressions do: each expression narrows a set of notes;
// attribute matches spread to where the attribute is inherited (subtree for inheritable ones, template users).
import type { Connection } from '../db';
import type { Expr } from './ast';
import { buildComparator, cachedRegex, hasWordOrPhrase } from './comparators';
import { loadContents, SEARCHED_TYPES } from './content';
import type { FuzzyMatcher } from './fuzzy';
import type { IndexedAttribute, IndexedNote, NoteIndex } from './noteIndex';
import { normalize, searchableContent } from './normalize';

export type NoteSet = Set<IndexedNote>;

/** Below this many candidates, content is read for the candidates by id rather than scanned. */
const BY_ID_LIMIT = 20000;

export class Evaluator {
  private sizes: Map<string, { content: number; withAttachments: number; withRevisions: number; revisions: number }> | null = null;

  /** Content matches of full-text expressions, by expression and input: a second (fuzzy) pass reuses them. */
  private readonly contentResults = new Map<Expr, { input: NoteSet; result: NoteSet }>();
  /** Set for Trilium's fuzzy pass: full-text tokens also match titles and flat texts within 2 edits. */
  fuzzy: FuzzyMatcher | null = null;

  constructor(readonly index: NoteIndex, private readonly c: Connection, private readonly opts: { fastSearch?: boolean } = {}) {}

  allNotes(): NoteSet {
    return new Set(this.index.notes.values());
  }

  async run(expr: Expr, input: NoteSet): Promise<NoteSet> {
    switch (expr.kind) {
      case 'and': {
        let set = input;
        for (const item of expr.items) {
          set = await this.run(item, set);
          if (set.size === 0) break;
        }
        return set;
      }
      case 'or': {
        const out: NoteSet = new Set();
        for (const item of expr.items) for (const n of await this.run(item, input)) out.add(n);
        return out;
      }
      case 'not': {
        const matched = await this.run(expr.item, input);
        const out: NoteSet = new Set();
        for (const n of input) if (!matched.has(n)) out.add(n);
        return out;
      }
      case 'attributeExists': {
        // #template marks a template; it is not passed on to the notes using it
        const isMarker = expr.attributeType === 'label' && (expr.name === 'template' || expr.name === 'workspacetemplate');
        return intersect(this.spread(this.index.findAttributes(expr.attributeType, expr.name), !isMarker), input);
      }
      case 'labelCompare': {
        const cmp = buildComparator(expr.op, expr.value);
        const attrs = this.index.findAttributes('label', expr.name).filter((a) => cmp(a.value.toLowerCase()));
        return intersect(this.spread(attrs, true), input);
      }
      case 'relationWhere': {
        const matching: IndexedAttribute[] = [];
        for (const a of this.index.findAttributes('relation', expr.name)) {
          const owner = this.index.notes.get(a.noteId);
          const target = this.index.notes.get(a.value);
          if (!owner || !target || !input.has(owner)) continue;
          if ((await this.run(expr.where, new Set([target]))).has(target)) matching.push(a);
        }
        return intersect(this.spread(matching, true), input);
      }
      case 'property': {
        const cmp = buildComparator(expr.op, expr.value);
        if (expr.property.startsWith('content') || expr.property === 'revisioncount') await this.loadSizes();
        const out: NoteSet = new Set();
        for (const n of input) {
          const v = this.propertyValue(n, expr.property);
          if (cmp(v === undefined || v === null ? undefined : String(v).toLowerCase())) out.add(n);
        }
        return out;
      }
      case 'parentMatches': {
        const parents: NoteSet = new Set();
        for (const n of input) for (const p of n.parents) parents.add(p);
        const ok = await this.run(expr.where, parents);
        return filter(input, (n) => n.parents.some((p) => ok.has(p)));
      }
      case 'childMatches': {
        const children: NoteSet = new Set();
        for (const n of input) for (const ch of n.children) children.add(ch);
        const ok = await this.run(expr.where, children);
        return filter(input, (n) => n.children.some((ch) => ok.has(ch)));
      }
      case 'ancestorMatches': {
        const roots = await this.run(expr.where, this.allNotes());
        const reach: NoteSet = new Set();
        for (const r of roots) for (const n of this.index.subtree(r)) reach.add(n);
        return intersect(reach, input);
      }
      case 'text': {
        const byTitle = await this.run({ kind: 'property', property: 'title', op: '*=*', value: expr.value }, input);
        const byContent = await this.contentMatch('*=*', [normalize(expr.value)], input, false, false);
        return union(byTitle, byContent);
      }
      case 'content':
        return this.contentMatch(expr.op, [expr.value], input, false, expr.raw);
      case 'fulltext': {
        const byPath = this.flatTextMatch(expr.tokens, input);
        if (this.opts.fastSearch) return byPath;
        // content is matched exactly in both passes (Trilium's *=* content search has no fuzzy form)
        const known = this.contentResults.get(expr);
        const byContent = known && known.input === input ? known.result : await this.contentMatch('*=*', expr.tokens, input, true, false);
        this.contentResults.set(expr, { input, result: byContent });
        return union(byPath, byContent);
      }
    }
  }

  /** Owners of matching attributes, spread as Trilium inherits them. */
  private spread(attrs: IndexedAttribute[], inherit: boolean): NoteSet {
    const out: NoteSet = new Set();
    for (const a of attrs) {
      const owner = this.index.notes.get(a.noteId);
      if (!owner) continue;
      if (inherit && a.isInheritable) for (const n of this.index.subtreeIncludingTemplated(owner)) out.add(n);
      else if (inherit && this.index.isTemplate(owner)) for (const n of this.index.inheritingNotes(owner)) out.add(n);
      else out.add(owner);
    }
    return out;
  }

  propertyValue(n: IndexedNote, property: string): string | number | boolean | undefined {
    const idx = this.index;
    const attrs = () => idx.effectiveAttributes(n);
    const isLink = (a: IndexedAttribute) => a.type === 'relation' && LINK_RELATIONS.has(a.name);
    switch (property) {
      case 'noteid': return n.noteId;
      case 'title': return idx.shownTitle(n);
      case 'type': return n.type;
      case 'mime': return n.mime;
      case 'isprotected': return n.isProtected;
      case 'isarchived': return idx.isArchived(n);
      case 'datecreated': return n.dateCreated;
      case 'datemodified': return n.dateModified;
      case 'utcdatecreated': return n.utcDateCreated;
      case 'utcdatemodified': return n.utcDateModified;
      case 'parentcount': return n.parents.length;
      case 'childrencount': return n.children.length;
      case 'attributecount': return attrs().length;
      case 'labelcount': return attrs().filter((a) => a.type === 'label').length;
      case 'ownedlabelcount': return n.owned.filter((a) => a.type === 'label').length;
      case 'relationcount': return attrs().filter((a) => a.type === 'relation' && !isLink(a)).length;
      case 'relationcountincludinglinks': return attrs().filter((a) => a.type === 'relation').length;
      case 'ownedrelationcount': return n.owned.filter((a) => a.type === 'relation' && !isLink(a)).length;
      case 'ownedrelationcountincludinglinks': return n.owned.filter((a) => a.type === 'relation').length;
      case 'targetrelationcount': return n.targetRelations.filter((a) => !isLink(a)).length;
      case 'targetrelationcountincludinglinks': return n.targetRelations.length;
      case 'contentsize': return this.sizes?.get(n.noteId)?.content;
      case 'contentandattachmentssize': return this.sizes?.get(n.noteId)?.withAttachments;
      case 'contentandattachmentsandrevisionssize': return this.sizes?.get(n.noteId)?.withRevisions;
      case 'revisioncount': return this.sizes?.get(n.noteId)?.revisions;
      default: return undefined;
    }
  }

  async loadSizes(): Promise<void> {
    if (this.sizes) return;
    const rows = await this.c.all<{ noteId: string; content: number; withAttachments: number; withRevisions: number; revisions: number }>(
      `WITH own AS (SELECT n.noteId, n.blobId FROM notes n WHERE n.isDeleted = 0),
         att AS (SELECT a.ownerId AS noteId, a.blobId FROM attachments a WHERE a.isDeleted = 0),
         rev AS (SELECT r.noteId, r.blobId FROM revisions r),
         revAtt AS (SELECT r.noteId, a.blobId FROM revisions r JOIN attachments a ON a.ownerId = r.revisionId)
       SELECT own.noteId,
         (SELECT length(content) FROM blobs WHERE blobId = own.blobId) AS content,
         (SELECT COALESCE(SUM(length(b.content)), 0) FROM blobs b WHERE b.blobId IN
            (SELECT blobId FROM own o WHERE o.noteId = own.noteId UNION SELECT blobId FROM att WHERE att.noteId = own.noteId)) AS withAttachments,
         (SELECT COALESCE(SUM(length(b.content)), 0) FROM blobs b WHERE b.blobId IN
            (SELECT blobId FROM own o WHERE o.noteId = own.noteId UNION SELECT blobId FROM att WHERE att.noteId = own.noteId
             UNION SELECT blobId FROM rev WHERE rev.noteId = own.noteId UNION SELECT blobId FROM revAtt WHERE revAtt.noteId = own.noteId)) AS withRevisions,
         (SELECT COUNT(*) FROM rev WHERE rev.noteId = own.noteId) AS revisions
       FROM own`);
    this.sizes = new Map(rows.map((r) => [r.noteId, r]));
  }

  /**
   * Trilium's path search: every token must be found in the note (title under a parent, type, mime, own attributes)
   * or, for the rest, along some path of its ancestors towards the root; the note itself must hold at least one.
   */
  private flatTextMatch(tokens: string[], input: NoteSet): NoteSet {
    const idx = this.index;
    const out: NoteSet = new Set();
    // titles and flat texts: exactly, or in the fuzzy pass also within 2 edits (type, mime and attributes: exactly)
    const fuzzy = this.fuzzy;
    const has = fuzzy ? (text: string, t: string) => fuzzy.matches(text, t) : (text: string, t: string) => text.includes(t);
    const count = tokens.length;
    if (count > 30 || tokens.some((t) => t.includes('\u0000'))) return this.flatTextMatchByList(tokens, input, has);
    // sets of tokens as bits (token i: 1 << i), so that the walk allocates nothing per note; `has` is asked exactly
    // what the list form asks (the fuzzy matcher records the words it matched), in the same order
    const all = (1 << count) - 1;
    const inOwn = (n: IndexedNote, of: number): number => {
      const text = idx.ownText(n);
      let m = 0;
      for (let i = 0; i < count; i++) if ((of & (1 << i)) !== 0 && text.includes(tokens[i])) m |= 1 << i;
      return m;
    };
    const inText = (text: string, of: number): number => {
      let m = 0;
      for (let i = 0; i < count; i++) if ((of & (1 << i)) !== 0 && has(text, tokens[i])) m |= 1 << i;
      return m;
    };
    // siblings ask the same of their parent: answers per (note, remaining tokens), for this query
    const memo = new Map<IndexedNote, Map<number, boolean>>();
    const towardsRoot = (n: IndexedNote, remaining: number, depth: number): boolean => {
      if (remaining === 0) return true;
      if (n.parents.length === 0 || n.noteId === 'root' || depth > 200) return false;
      let known = memo.get(n);
      const answer = known?.get(remaining);
      if (answer !== undefined) return answer;
      let result = false;
      const notFound = remaining & ~inOwn(n, remaining);
      const titles = idx.normalizedTitles(n);
      for (let i = 0; i < n.parents.length; i++) {
        if (towardsRoot(n.parents[i], notFound & ~inText(titles[i], notFound), depth + 1)) { result = true; break; }
      }
      if (!known) memo.set(n, (known = new Map()));
      known.set(remaining, result);
      return result;
    };
    const single = count === 1 ? tokens[0] : null;
    for (const n of input) {
      const flat = idx.flatText(n);
      let any = false;
      for (let i = 0; i < count && !any; i++) any = has(flat, tokens[i]);
      if (!any) continue;
      if (single !== null && n.noteId.length === single.length && n.noteId.toLowerCase() === single) { out.add(n); continue; }
      if (n.parents.length === 0) continue;
      const found = inOwn(n, all);
      const titles = idx.normalizedTitles(n);
      for (let i = 0; i < n.parents.length; i++) {
        const here = found | inText(titles[i], all & ~found);
        if (here === 0) continue;
        if (towardsRoot(n.parents[i], all & ~here, 0)) { out.add(n); break; }
      }
    }
    return out;
  }

  /** flatTextMatch() for more than 30 tokens (or a token with NUL): the same walk with lists of tokens. */
  private flatTextMatchByList(tokens: string[], input: NoteSet, has: (text: string, t: string) => boolean): NoteSet {
    const idx = this.index;
    const out: NoteSet = new Set();
    const ownTokens = (n: IndexedNote, remaining: string[]): string[] => {
      const found: string[] = [];
      for (const t of remaining) {
        if (n.type.includes(t) || n.mime.includes(t)) { found.push(t); continue; }
        if (idx.normalizedOwnedAttributes(n).some((text) => text.includes(t))) found.push(t);
      }
      return found;
    };
    const memo = new Map<IndexedNote, Map<string, boolean>>();
    const towardsRoot = (n: IndexedNote, remaining: string[], depth: number): boolean => {
      if (remaining.length === 0) return true;
      if (n.parents.length === 0 || n.noteId === 'root' || depth > 200) return false;
      const key = remaining.join('\u0000');
      let known = memo.get(n);
      const answer = known?.get(key);
      if (answer !== undefined) return answer;
      let result = false;
      const found = ownTokens(n, remaining);
      const titles = idx.normalizedTitles(n);
      for (let i = 0; i < n.parents.length; i++) {
        const rest = remaining.filter((t) => !found.includes(t) && !has(titles[i], t));
        if (towardsRoot(n.parents[i], rest, depth + 1)) { result = true; break; }
      }
      if (!known) memo.set(n, (known = new Map()));
      known.set(key, result);
      return result;
    };
    for (const n of input) {
      const flat = idx.flatText(n);
      if (!tokens.some((t) => has(flat, t))) continue;
      if (tokens.length === 1 && n.noteId.toLowerCase() === tokens[0]) { out.add(n); continue; }
      const found = ownTokens(n, tokens);
      const titles = idx.normalizedTitles(n);
      for (let i = 0; i < n.parents.length; i++) {
        const here = tokens.filter((t) => found.includes(t) || has(titles[i], t));
        if (here.length === 0) continue;
        if (towardsRoot(n.parents[i], tokens.filter((t) => !here.includes(t)), 0)) { out.add(n); break; }
      }
    }
    return out;
  }

  /**
   * Content comparison (Trilium's NoteContentFulltextExp). With several tokens every one must be in the content,
   * or with `withFlatText` in the note's flat text (title, attributes) instead.
   */
  private async contentMatch(op: string, tokens: string[], input: NoteSet, withFlatText: boolean, raw: boolean): Promise<NoteSet> {
    const out: NoteSet = new Set();
    if (input.size === 0) return out;
    const searchable = (n: IndexedNote) => !n.isProtected && SEARCHED_TYPE_SET.has(n.type);
    const regex = op === '%=' ? cachedRegex(tokens[0], 'ms') : null;
    const multi = tokens.length > 1;
    const single = tokens[0];
    const matches = (note: IndexedNote, text: string): boolean => {
      if (!multi) {
        return op === '*=*' ? text.includes(single) : op === '=' ? hasWordOrPhrase(text, single) : op === '!=' ? !hasWordOrPhrase(text, single)
          : op === '*=' ? text.endsWith(single) : op === '=*' ? text.startsWith(single) : op === '%=' ? regex!.test(text) : false;
      }
      let flat: string | undefined;
      for (const t of tokens) {
        if (text.includes(t)) continue;
        if (!withFlatText || !(flat ??= this.index.flatText(note)).includes(t)) return false;
      }
      return true;
    };
    let fromSql: IndexedNote[];
    if (raw) {
      fromSql = [];
      for (const note of input) if (searchable(note)) fromSql.push(note);
    } else {
      // the in-memory contents: only notes too large to keep there are read from SQL
      const cache = await this.index.contentCache(this.c);
      fromSql = [];
      for (const note of input) {
        if (!searchable(note)) continue;
        const text = cache.text(note);
        if (text !== undefined) {
          if (matches(note, text)) out.add(note);
        } else if (cache.isLarge(note.noteId)) {
          fromSql.push(note);
        }
      }
    }
    if (this.index.protectedReader) await this.protectedContentMatch(input, matches, raw, out);
    if (fromSql.length === 0) return out;
    const ids = fromSql.length <= BY_ID_LIMIT ? fromSql.map((n) => n.noteId) : null;
    const canPrefilter = (op === '=' || op === '*=' || op === '=*' || op === '*=*') && tokens.every((t) => t.length > 0);
    if (multi && withFlatText) {
      // notes holding every token in their flat text match on any non-empty content: no need to read it
      const allFlat = fromSql.filter((n) => { const f = this.index.flatText(n); return tokens.every((t) => f.includes(t)); });
      if (allFlat.length) {
        for (const r of await loadContents(this.c, allFlat.map((n) => n.noteId), null, { idsOnly: true })) out.add(this.index.notes.get(r.noteId)!);
      }
    }
    let rows;
    if (multi && withFlatText && canPrefilter) {
      // each token must be in the content unless the note's flat text has it: tokens rare in flat texts filter in SQL
      const allOf: Array<{ token: string; orIn: string[] }> = [];
      for (const t of tokens) {
        const orIn = fromSql.filter((n) => this.index.flatText(n).includes(t)).map((n) => n.noteId);
        if (orIn.length <= BY_ID_LIMIT / 4) allOf.push({ token: t, orIn });
      }
      rows = await loadContents(this.c, ids, null, { allOf });
    } else {
      rows = await loadContents(this.c, ids, canPrefilter ? tokens : null);
    }
    const inSql = new Set(fromSql);
    for (const row of rows) {
      const note = this.index.notes.get(row.noteId);
      if (!note || !inSql.has(note) || out.has(note) || !row.content) continue;
      if (matches(note, searchableContent(row.content, row.type, row.mime, raw))) out.add(note);
    }
    return out;
  }

  /**
   * Protected notes while a protected session is open: their contents are read and decrypted here, per query and in
   * memory only, as Trilium's content search does (they are never in the content cache nor the SQL pre-filter).
   */
  private async protectedContentMatch(input: NoteSet, matches: (note: IndexedNote, text: string) => boolean, raw: boolean, out: NoteSet): Promise<void> {
    const reader = this.index.protectedReader!;
    const ids: string[] = [];
    for (const n of input) if (n.isProtected && SEARCHED_TYPE_SET.has(n.type)) ids.push(n.noteId);
    if (ids.length === 0) return;
    const rows = await this.c.all<{ noteId: string; type: string; mime: string; content: string | Buffer | null }>(
      `SELECT n.noteId, n.type, n.mime, b.content FROM notes n JOIN blobs b ON b.blobId = n.blobId
       WHERE n.isDeleted = 0 AND n.isProtected = 1 AND n.noteId IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
    for (const r of rows) {
      const note = this.index.notes.get(r.noteId);
      if (!note || out.has(note) || r.content === null || r.content.length === 0) continue;
      const plain = reader.content(r.content);
      if (!plain || plain.length >= MAX_CONTENT_CHARS) continue;
      if (matches(note, searchableContent(plain, r.type, r.mime, raw))) out.add(note);
    }
  }
}

const SEARCHED_TYPE_SET = new Set(SEARCHED_TYPES);
const MAX_CONTENT_CHARS = 2 * 1024 * 1024;

export const LINK_RELATIONS = new Set(['internalLink', 'imageLink', 'relationMapLink', 'includeNoteLink']);

function intersect(a: NoteSet, b: NoteSet): NoteSet {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out: NoteSet = new Set();
  for (const n of small) if (big.has(n)) out.add(n);
  return out;
}

/** a, then b's notes not in a (sets are never changed once made: an empty side gives the other one itself). */
function union(a: NoteSet, b: NoteSet): NoteSet {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Set(a);
  for (const n of b) out.add(n);
  return out;
}

function filter(set: NoteSet, pred: (n: IndexedNote) => boolean): NoteSet {
  const out: NoteSet = new Set();
  for (const n of set) if (pred(n)) out.add(n);
  return out;
}
