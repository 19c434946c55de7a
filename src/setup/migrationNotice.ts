// What the user is told after the replica followed an upgraded sync server to a newer sync version (issue 16).
import type { ReplicaMigration } from '../storage/migrations/report';

/** The notification text: which release family the server moved from and to, and that nothing was lost. */
export function migrationNotice(m: ReplicaMigration): string {
  const kept = m.unsyncedChangesKept === 0 ? '' : ` ${m.unsyncedChangesKept} unsynced change${m.unsyncedChangesKept === 1 ? ' was' : 's were'} kept and pushed.`;
  return `Trilium: the sync server was upgraded from ${m.fromReleases} to ${m.toReleases} (sync version ${m.fromSyncVersion} → ${m.toSyncVersion}); the local copy followed.${kept}`;
}
