// The recent notes list (no VS Code here): note ids with the time they were last opened or saved, most recent first,
// bounded. Like Trilium's `recent_notes` table it is local to this machine and never synced.

export interface RecentNote {
  noteId: string;
  /** When the note was last opened or saved here (ms since the epoch). */
  at: number;
}

export const RECENT_NOTES_LIMIT = 50;

/** The list with `noteId` moved (or added) to the front, cut to `limit` entries. */
export function touchRecent(list: readonly RecentNote[], noteId: string, at: number, limit = RECENT_NOTES_LIMIT): RecentNote[] {
  return [{ noteId, at }, ...list.filter((r) => r.noteId !== noteId)].slice(0, Math.max(0, limit));
}

/** The list without the notes `exists` says are gone (deleted, or never synced here). */
export function withoutMissing(list: readonly RecentNote[], exists: ReadonlySet<string>): RecentNote[] {
  return list.filter((r) => exists.has(r.noteId));
}

/** A stored list, checked: anything that is not a list of {noteId, at} gives an empty list; duplicates keep the first. */
export function parseRecent(stored: unknown, limit = RECENT_NOTES_LIMIT): RecentNote[] {
  if (!Array.isArray(stored)) return [];
  const seen = new Set<string>();
  const out: RecentNote[] = [];
  for (const r of stored) {
    if (!r || typeof r !== 'object') continue;
    const { noteId, at } = r as Partial<RecentNote>;
    if (typeof noteId !== 'string' || typeof at !== 'number' || seen.has(noteId)) continue;
    seen.add(noteId);
    out.push({ noteId, at });
  }
  return out.sort((a, b) => b.at - a.at).slice(0, limit);
}
