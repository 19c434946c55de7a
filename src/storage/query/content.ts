// Note content for the search: read from SQL only for notes still in question, with a coarse SQL pre-filter
// (ASCII substring of the lower-cased raw content, or any non-ASCII byte, where lower() and accents differ) so that a
// full-text query reads the few notes that can match instead of every blob.
import type { Connection } from '../db';

export const SEARCHED_TYPES = ['text', 'code', 'mermaid', 'canvas', 'mindMap', 'spreadsheet'];
export const MAX_CONTENT = 2 * 1024 * 1024;

export interface ContentRow {
  noteId: string;
  type: string;
  mime: string;
  content: string;
}

/**
 * Content of searchable notes (unprotected, of a searched type, under 2 MiB), limited to `noteIds` when given, and
 * to notes whose raw content may hold one of `anyOf` (lower-cased) when given.
 */
export async function loadContents(c: Connection, noteIds: string[] | null, anyOf: string[] | null, opts: { idsOnly?: boolean; allOf?: Array<{ token: string; orIn: string[] }> } = {}): Promise<ContentRow[]> {
  const where: string[] = [
    'n.isDeleted = 0', 'n.isProtected = 0', `n.type IN (${SEARCHED_TYPES.map((t) => `'${t}'`).join(',')})`, `length(b.content) < ${MAX_CONTENT}`,
  ];
  const params: string[] = [];
  if (noteIds) {
    where.push('n.noteId IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(noteIds));
  }
  let sql = `SELECT n.noteId AS noteId, n.type AS type, n.mime AS mime, CAST(b.content AS TEXT) AS content
             FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE ${where.join(' AND ')}`;
  // Inline tags can split a word in the raw HTML and non-ASCII text lower-cases and folds accents differently in
  // SQLite: notes with either always pass. Others must hold the longest word of some token of `anyOf`, and of every
  // token of `allOf` unless the token is found elsewhere (its `orIn` notes).
  const mayHold = (w: string) => /^[\x21-\x7e]+$/.test(w);
  const bypass = `length(content) != length(CAST(content AS BLOB)) OR ${['</b', '</i', '</s', '</e', '</f', '</B', '</I', '</S', '</E', '</F']
    .map((t) => `instr(content, '${t}') > 0`).join(' OR ')}`;
  const conditions: string[] = [];
  const words = anyOf?.map(longestWord);
  if (words && words.length > 0 && words.every(mayHold)) {
    conditions.push(`(${words.map(() => 'instr(lower(content), ?) > 0').join(' OR ')} OR ${bypass})`);
    params.push(...words);
  }
  for (const { token, orIn } of opts.allOf ?? []) {
    const w = longestWord(token);
    if (!mayHold(w)) continue;
    conditions.push(`(instr(lower(content), ?) > 0 OR noteId IN (SELECT value FROM json_each(?)) OR ${bypass})`);
    params.push(w, JSON.stringify(orIn));
  }
  if (conditions.length) sql = `SELECT * FROM (${sql}) WHERE ${conditions.join(' AND ')}`;
  if (opts.idsOnly) sql = `SELECT noteId, type, mime, '' AS content FROM (${sql}) WHERE length(content) > 0`;
  const r = await c.get<{ j: string | null }>(`SELECT json_group_array(json_array(noteId, type, mime, content)) AS j FROM (${sql})`, params);
  return (JSON.parse(r?.j ?? '[]') as Array<[string, string, string, string | null]>)
    .map(([noteId, type, mime, content]) => ({ noteId, type, mime, content: content ?? '' }));
}

function longestWord(token: string): string {
  return token.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
}
