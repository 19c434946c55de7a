// What the replica answers from its note index: Trilium searches, saved searches and backlinks.
import type { Connection } from '../db';
import type { ReplicaChange } from '../types';
import { NoteIndexHolder } from './indexHolder';
import { runSavedSearch } from './savedSearch';
import { runSearch, type SearchHit, type SearchOptions } from './search';

export interface Backlink {
  /** The note whose content or relation points here. */
  noteId: string;
  title: string;
  /** Relation name: internalLink, imageLink, includeNoteLink, relationMapLink, or a user relation. */
  relation: string;
}

export class ReplicaQueries {
  private readonly holder: NoteIndexHolder;

  constructor(connection: () => Connection) {
    this.holder = new NoteIndexHolder(connection);
    this.connection = connection;
  }

  private readonly connection: () => Connection;

  noteChanged(change: ReplicaChange): void {
    this.holder.noteChanged(change);
  }

  invalidate(): void {
    this.holder.invalidate();
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    return runSearch(await this.holder.get(), this.connection(), query, opts);
  }

  async savedSearch(noteId: string, now?: Date): Promise<SearchHit[]> {
    return runSavedSearch(await this.holder.get(), this.connection(), noteId, now);
  }

  /** Relations of other notes pointing at the note (links first), one per source note and relation. */
  async backlinks(noteId: string): Promise<Backlink[]> {
    const index = await this.holder.get();
    const note = index.notes.get(noteId);
    if (!note) return [];
    const seen = new Set<string>();
    const out: Backlink[] = [];
    for (const r of note.targetRelations) {
      const source = index.notes.get(r.noteId);
      if (!source || source.noteId === noteId || seen.has(`${r.noteId}:${r.name}`)) continue;
      seen.add(`${r.noteId}:${r.name}`);
      out.push({ noteId: source.noteId, title: source.isProtected ? '[protected]' : source.title, relation: r.name });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title) || a.relation.localeCompare(b.relation));
  }
}
