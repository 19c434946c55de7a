// Saved searches (notes of type `search`): Trilium keeps the query in the note's #searchString label and options in
// labels (#includeArchivedNotes, #fastSearch, #limit, #orderBy…) and ~ancestor. Older or imported notes may hold it in
// their JSON content ({"searchString": …}) instead; that is read when the label is missing.
import type { Connection } from '../db';
import type { NoteIndex } from './noteIndex';
import { runSearch, type SearchHit } from './search';

export async function runSavedSearch(index: NoteIndex, c: Connection, noteId: string, now?: Date): Promise<SearchHit[]> {
  const note = index.notes.get(noteId);
  if (!note || note.type !== 'search') return [];
  const attrs = index.effectiveAttributes(note);
  const label = (name: string) => attrs.find((a) => a.type === 'label' && a.name === name);
  let query = label('searchString')?.value;
  if (query === undefined) {
    const row = await c.get<{ content: string | Buffer | null }>(
      'SELECT b.content FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE n.noteId = ?', [noteId]);
    try {
      const json = JSON.parse(String(row?.content ?? '') || '{}') as { searchString?: unknown };
      if (typeof json.searchString === 'string') query = json.searchString;
    } catch { /* not JSON: no query */ }
  }
  if (!query || !query.trim()) return [];
  // #orderBy orders around the query (Trilium wraps the query's expression), so it is not appended to its text
  const orderBy = label('orderBy')?.value;
  const limit = parseInt(label('limit')?.value ?? '0', 10) || undefined;
  const orderKey = orderBy && orderBy !== 'relevancy'
    ? { path: ['note', orderBy.toLowerCase()], direction: label('orderDirection')?.value === 'desc' ? 'desc' as const : 'asc' as const } : undefined;
  const ancestor = attrs.find((a) => a.type === 'relation' && a.name === 'ancestor')?.value;
  const hits = await runSearch(index, c, query, {
    includeArchived: !!label('includeArchivedNotes'), fastSearch: !!label('fastSearch'), ancestorNoteId: ancestor, limit, now,
    singleFuzzyPass: !!orderBy, orderBy: orderKey,
  });
  return hits.filter((h) => h.noteId !== 'root' && h.noteId !== noteId);
}
