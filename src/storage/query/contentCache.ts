// Note contents as the full-text search compares them (normalized, HTML reduced to text: see searchableContent), kept
// in memory next to the note index so that a full-text query scans strings instead of reading and lower-casing every
// blob in SQL. Built on the first content query, patched with the notes of each change. Only unprotected notes are
// kept (as in SQL: protected contents are not searched), and only contents below CACHED_MAX: larger ones are read
// from SQL for the queries that need them. Nothing here is written to disk.
import type { Connection } from '../db';
import { MAX_CONTENT, SEARCHED_TYPES } from './content';
import type { IndexedNote } from './noteIndex';
import { searchableContent } from './normalize';

/** Contents at least this long (raw) are not kept; they are read per query. */
export const CACHED_MAX = 64 * 1024;
const PAGE = 5000;

const SEARCHABLE = `n.isDeleted = 0 AND n.isProtected = 0 AND n.type IN (${SEARCHED_TYPES.map((t) => `'${t}'`).join(',')})`;

export class ContentCache {
  /**
   * The notes holding a searchable text: every searchable note with non-empty content below CACHED_MAX ('' may
   * remain). The text itself is on the index's note object (searchText): a scan reads a field, no lookup per note.
   */
  private readonly byId = new Map<string, IndexedNote>();
  /** Searchable notes with content of CACHED_MAX or more (and below MAX_CONTENT). */
  private readonly large = new Set<string>();
  private readonly stale = new Set<string>();
  /** Characters of text held. */
  chars = 0;

  private constructor(private readonly notes: ReadonlyMap<string, IndexedNote>) {}

  /** `notes`: the index's live notes, whose objects key the texts. */
  static async load(c: Connection, notes: ReadonlyMap<string, IndexedNote>): Promise<ContentCache> {
    const cache = new ContentCache(notes);
    for (const n of notes.values()) n.searchText = undefined; // left by an earlier cache whose load failed
    let after = '';
    for (;;) {
      const page = await rows(c, `n.noteId > ? ORDER BY n.noteId LIMIT ${PAGE}`, [after]);
      for (const r of page) {
        cache.put(r);
        if (r[0] > after) after = r[0];
      }
      if (page.length < PAGE) break;
    }
    for (const r of await c.all<{ noteId: string }>(
      `SELECT n.noteId FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE ${SEARCHABLE}
       AND length(b.content) >= ${CACHED_MAX} AND length(b.content) < ${MAX_CONTENT}`)) cache.large.add(r.noteId);
    return cache;
  }

  /** The notes' contents may have changed: they are read again before the next query. */
  forget(noteIds: Iterable<string>): void {
    for (const id of noteIds) this.stale.add(id);
  }

  /** Reads the notes forgotten since the last query. */
  async refresh(c: Connection): Promise<void> {
    if (this.stale.size === 0) return;
    const ids = [...this.stale];
    this.stale.clear();
    for (const id of ids) {
      const note = this.byId.get(id);
      if (note) {
        this.chars -= note.searchText?.length ?? 0;
        note.searchText = undefined;
        this.byId.delete(id);
      }
      this.large.delete(id);
    }
    const json = JSON.stringify(ids);
    for (const r of await rows(c, 'n.noteId IN (SELECT value FROM json_each(?))', [json])) this.put(r);
    for (const r of await c.all<{ noteId: string }>(
      `SELECT n.noteId FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE ${SEARCHABLE} AND n.noteId IN (SELECT value FROM json_each(?))
       AND length(b.content) >= ${CACHED_MAX} AND length(b.content) < ${MAX_CONTENT}`, [json])) this.large.add(r.noteId);
  }

  /** The note's searchable text, or undefined when it has none here (empty, unsearched, or large: see isLarge). */
  text(note: IndexedNote): string | undefined {
    return note.searchText;
  }

  isLarge(noteId: string): boolean {
    return this.large.has(noteId);
  }

  get size(): number {
    return this.byId.size;
  }

  private put([noteId, type, mime, content]: Row): void {
    const note = this.notes.get(noteId);
    if (!content || !note) return;
    const text = searchableContent(content, type, mime);
    const old = this.byId.get(noteId);
    if (old) { this.chars -= old.searchText?.length ?? 0; old.searchText = undefined; }
    note.searchText = text;
    this.byId.set(noteId, note);
    this.chars += text.length;
  }
}

type Row = [string, string, string, string | null];

async function rows(c: Connection, where: string, params: string[]): Promise<Row[]> {
  const r = await c.get<{ j: string | null }>(
    `SELECT json_group_array(json_array(noteId, type, mime, content)) AS j FROM (
       SELECT n.noteId AS noteId, n.type AS type, n.mime AS mime, CAST(b.content AS TEXT) AS content
       FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE ${SEARCHABLE} AND length(b.content) < ${CACHED_MAX} AND ${where})`, params);
  return JSON.parse(r?.j ?? '[]') as Row[];
}
