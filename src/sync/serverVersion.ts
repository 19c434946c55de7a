// What to do when the server's sync protocol version differs from the replica's (issue 16): follow a newer
// server we have a profile for by migrating the replica; refuse an older one or an unknown newer one, clearly.
import { releasesOf } from '../storage/migrations/versions';
import { TriliumError } from './errors';

export type VersionDecision =
  | { kind: 'same' }
  | { kind: 'migrate'; from: number; to: number }
  | { kind: 'refuse'; error: TriliumError };

const KEPT = 'Until then this replica keeps working offline and its unsynced changes stay queued.';

/** Pure: the replica speaks `replica`, the server `server`; `supported` are the versions we have profiles for. */
export function decideVersion(replica: number, server: number, supported: number[]): VersionDecision {
  if (server === replica) return { kind: 'same' };
  if (server > replica && supported.includes(server)) return { kind: 'migrate', from: replica, to: server };
  if (server > replica) {
    const newest = Math.max(...supported);
    return {
      kind: 'refuse',
      error: new TriliumError('UNSUPPORTED_VERSION',
        `The sync server speaks sync protocol version ${server}, newer than any this extension knows (up to ${newest}); this replica speaks version ${replica} (${releasesOf(replica)}).`,
        `Update the extension to a release that supports sync version ${server}; the replica will then follow the server by itself. ${KEPT}`),
    };
  }
  return {
    kind: 'refuse',
    error: new TriliumError('UNSUPPORTED_VERSION',
      `The sync server speaks sync protocol version ${server} (${releasesOf(server)}), but this replica speaks version ${replica} (${releasesOf(replica)}), which is newer: the server was downgraded, or this is a different server.`,
      `Point the sync URL at a server that speaks version ${replica} or newer, or upgrade this server; a replica is never migrated backwards. ${KEPT}`),
  };
}
