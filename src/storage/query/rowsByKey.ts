// Rows grouped by a key (a note id, an attribute name), in the order they were added: what the note index relinks a
// few notes from without going over every row.

export class RowsByKey<T> {
  private readonly lists = new Map<string, T[]>();

  add(key: string, row: T): void {
    const list = this.lists.get(key);
    if (list) list.push(row);
    else this.lists.set(key, [row]);
  }

  /** The rows under the key (do not change the array). */
  get(key: string): readonly T[] {
    return this.lists.get(key) ?? NONE;
  }

  /** Drops these rows from under the key. */
  remove(key: string, rows: ReadonlySet<T>): void {
    const list = this.lists.get(key);
    if (!list) return;
    const kept = list.filter((r) => !rows.has(r));
    if (kept.length === 0) this.lists.delete(key);
    else this.lists.set(key, kept);
  }

  keys(): IterableIterator<string> {
    return this.lists.keys();
  }

  clear(): void {
    this.lists.clear();
  }
}

const NONE: readonly never[] = [];

/**
 * The rows sorted by `position`, equal positions by id (a copy): one order whatever order the rows were read in, so
 * that an index patched row by row orders them as a fresh load does.
 */
export function byPosition<T>(rows: readonly T[], position: (row: T) => number, id: (row: T) => string): T[] {
  const out = rows.slice();
  if (out.length > 1) out.sort((a, b) => position(a) - position(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  return out;
}
