// Keeps the replica's NoteIndex current: loaded on first use, patched with the notes of each change event before
// the next query (a large change reloads it whole).
import type { Connection } from '../db';
import type { ReplicaChange } from '../types';
import { NoteIndex } from './noteIndex';

export class NoteIndexHolder {
  private index: NoteIndex | null = null;
  private pending = { noteIds: new Set<string>(), parentNoteIds: new Set<string>() };
  private reloadAll = false;
  private loading: Promise<NoteIndex> | null = null;

  constructor(private readonly connection: () => Connection) {}

  noteChanged(change: ReplicaChange): void {
    if (!this.index || this.reloadAll) return;
    for (const id of change.noteIds) this.pending.noteIds.add(id);
    for (const id of change.parentNoteIds) this.pending.parentNoteIds.add(id);
    if (!NoteIndex.patchable(this.pending as ReplicaChange)) this.invalidate();
  }

  invalidate(): void {
    this.reloadAll = true;
  }

  /** Whether get() answers at once: the index is loaded and no change waits to be patched into it. */
  get warm(): boolean {
    return this.index !== null && !this.reloadAll && this.pending.noteIds.size === 0 && this.pending.parentNoteIds.size === 0;
  }

  /** The current index (one load at a time; callers awaiting it share it). */
  async get(): Promise<NoteIndex> {
    while (this.loading) await this.loading.catch(() => undefined);
    if (this.index && !this.reloadAll && this.pending.noteIds.size === 0 && this.pending.parentNoteIds.size === 0) return this.index;
    this.loading = (async () => {
      const c = this.connection();
      if (!this.index || this.reloadAll) {
        this.reloadAll = false;
        this.pending = { noteIds: new Set(), parentNoteIds: new Set() };
        this.index = await NoteIndex.load(c);
      } else {
        const ids = this.pending;
        this.pending = { noteIds: new Set(), parentNoteIds: new Set() };
        await this.index.reload(c, ids);
      }
      return this.index;
    })();
    try {
      return await this.loading;
    } finally {
      this.loading = null;
    }
  }
}
