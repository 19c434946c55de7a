// "Open Note…" over 100k notes: the list is read once per document change and filtered here (substring, title
// prefix first), so each keystroke costs one linear scan and VS Code only ever receives a couple of hundred items.

export interface PickableNote {
  noteId: string;
  title: string;
  type: string;
  parentTitle: string | null;
}

export interface NoteIndex {
  notes: PickableNote[];
  lowerTitles: string[];
  lowerParents: string[];
}

export function buildNoteIndex(notes: PickableNote[]): NoteIndex {
  return {
    notes,
    lowerTitles: notes.map((n) => n.title.toLowerCase()),
    lowerParents: notes.map((n) => (n.parentTitle ?? '').toLowerCase()),
  };
}

/** Best matches for a query: title starts with it, then title contains it, then the parent's title does. */
export function filterNotes(index: NoteIndex, query: string, limit = 200): PickableNote[] {
  const q = query.trim().toLowerCase();
  if (!q) return index.notes.slice(0, limit);
  const starts: number[] = [];
  const contains: number[] = [];
  const inParent: number[] = [];
  const { lowerTitles, lowerParents } = index;
  for (let i = 0; i < lowerTitles.length; i++) {
    const at = lowerTitles[i].indexOf(q);
    if (at === 0) {
      starts.push(i);
      if (starts.length >= limit) break;
    } else if (at > 0) {
      if (contains.length < limit) contains.push(i);
    } else if (inParent.length < limit && lowerParents[i].includes(q)) {
      inParent.push(i);
    }
  }
  return [...starts, ...contains, ...inParent].slice(0, limit).map((i) => index.notes[i]);
}
