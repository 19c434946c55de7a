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

interface IndexSource {
  listAllNotes(): Promise<PickableNote[]>;
  getNote(noteId: string): Promise<{ noteId: string; title: string; type: string; isDeleted: number } | null>;
  getParentBranches(noteId: string): Promise<Array<{ parentNoteId: string }>>;
}

/** Keeps the index current: built once (ahead of time), then patched note by note as the document changes. */
export class NoteIndexCache {
  private index: Promise<NoteIndex> | undefined;
  private positions: Map<string, number> | undefined;
  private readonly pending = new Set<string>();
  /** Above this many changed notes a rebuild is cheaper than patching. */
  static readonly PATCH_LIMIT = 500;

  constructor(private readonly source: IndexSource) {}

  noteChanged(noteIds: Iterable<string>): void {
    if (!this.index) return;
    for (const id of noteIds) {
      this.pending.add(id);
      if (this.pending.size > NoteIndexCache.PATCH_LIMIT) {
        this.index = undefined;
        this.pending.clear();
        return;
      }
    }
  }

  async get(): Promise<NoteIndex> {
    if (!this.index) {
      this.pending.clear();
      this.positions = undefined;
      this.index = this.source.listAllNotes().then(buildNoteIndex);
      this.index.catch(() => (this.index = undefined));
    }
    const index = await this.index;
    if (this.pending.size > 0) await this.patch(index, [...this.pending].splice(0));
    return index;
  }

  private async patch(index: NoteIndex, ids: string[]): Promise<void> {
    for (const id of ids) this.pending.delete(id);
    const byId = (this.positions ??= new Map(index.notes.map((n, i) => [n.noteId, i])));
    const removed = new Set<number>();
    for (const noteId of ids) {
      if (noteId.startsWith('_') || noteId === 'root') continue;
      const note = await this.source.getNote(noteId);
      const at = byId.get(noteId);
      if (!note || note.isDeleted) {
        if (at !== undefined) removed.add(at);
        continue;
      }
      const parentId = (await this.source.getParentBranches(noteId))[0]?.parentNoteId;
      const parentTitle = parentId && parentId !== 'none' ? (await this.source.getNote(parentId))?.title ?? null : null;
      const entry: PickableNote = { noteId, title: note.title, type: note.type, parentTitle };
      if (at === undefined) {
        byId.set(noteId, index.notes.length);
        index.notes.push(entry);
        index.lowerTitles.push(entry.title.toLowerCase());
        index.lowerParents.push((parentTitle ?? '').toLowerCase());
      } else {
        index.notes[at] = entry;
        index.lowerTitles[at] = entry.title.toLowerCase();
        index.lowerParents[at] = (parentTitle ?? '').toLowerCase();
      }
    }
    if (removed.size > 0) {
      const keep = (_: unknown, i: number) => !removed.has(i);
      index.notes = index.notes.filter(keep);
      index.lowerTitles = index.lowerTitles.filter(keep);
      index.lowerParents = index.lowerParents.filter(keep);
      this.positions = undefined;
    }
  }
}
