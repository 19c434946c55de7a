// What an in-place migration of a replica did (crosses the worker boundary: plain values only).

export interface ReplicaMigration {
  fromSyncVersion: number;
  toSyncVersion: number;
  /** Release families of both versions, e.g. "TriliumNext 0.95–0.102" → "TriliumNext 0.103". */
  fromReleases: string;
  toReleases: string;
  fromDbVersion: number;
  toDbVersion: number;
  /** One line per step, in the order they ran. */
  steps: string[];
  /** The copy of the replica file taken before migrating; removed after the next successful sync. */
  backupFile: string | null;
  /** Local changes not yet pushed (entity_changes past lastSyncedPush) that the migration kept. */
  unsyncedChangesKept: number;
  /** Notes whose rows the migration removed (e.g. the in-app help subtree from sync version 40). */
  removedNoteIds: string[];
  durationMs: number;
}
