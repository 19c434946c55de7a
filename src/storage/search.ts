// Title and full-text search. The FTS5 index (`search_text`, keyed through `search_ids`) is local and never
// synced; it covers non-deleted, unprotected text and code notes.
import type { Connection } from './db';

const INDEXED_TYPES = "('text', 'code', 'mermaid', 'mindMap', 'canvas')";

/** Re-indexes the given notes (inside the caller's transaction). */
export async function refreshSearch(c: Connection, noteIds: Iterable<string>): Promise<void> {
  const ids = JSON.stringify([...noteIds]);
  if (ids === '[]') return;
  await c.run('DELETE FROM search_text WHERE rowid IN (SELECT s.id FROM search_ids s JOIN json_each(?) j ON s.noteId = j.value)', [ids]);
  await c.run('INSERT OR IGNORE INTO search_ids (noteId) SELECT value FROM json_each(?)', [ids]);
  await c.run(
    `INSERT INTO search_text (rowid, title, content)
     SELECT s.id, n.title, CASE WHEN n.type IN ${INDEXED_TYPES} THEN CAST(b.content AS TEXT) ELSE '' END
     FROM json_each(?) j JOIN search_ids s ON s.noteId = j.value JOIN notes n ON n.noteId = j.value
     LEFT JOIN blobs b ON b.blobId = n.blobId
     WHERE n.isDeleted = 0 AND n.isProtected = 0`, [ids]);
}

/** Rebuilds the whole index (after an initial bulk load, where it is skipped). */
export async function rebuildSearch(c: Connection): Promise<void> {
  await c.run('DELETE FROM search_text');
  await c.run('DELETE FROM search_ids');
  await c.run('INSERT INTO search_ids (noteId) SELECT noteId FROM notes WHERE isDeleted = 0 AND isProtected = 0');
  await c.run(
    `INSERT INTO search_text (rowid, title, content)
     SELECT s.id, n.title, CASE WHEN n.type IN ${INDEXED_TYPES} THEN CAST(b.content AS TEXT) ELSE '' END
     FROM search_ids s JOIN notes n ON n.noteId = s.noteId LEFT JOIN blobs b ON b.blobId = n.blobId`);
}

/** Turns user words into an FTS5 query: every word must occur, as a prefix. */
export function ftsQuery(text: string): string | null {
  const words = text.split(/\s+/).map((w) => w.replace(/"/g, '')).filter((w) => w.length > 0);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' AND ');
}

export function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}
