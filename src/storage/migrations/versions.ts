// Which Trilium database version goes with each sync protocol version, and how to name a version for people.
import { getProfile } from '../profiles';

/** Trilium's database version (APP_DB_VERSION, the local option dbVersion) at each sync version (SYNC-PROTOCOL.md §1.2). */
export const TRILIUM_DB_VERSIONS: Readonly<Record<number, number>> = {
  32: 228, 33: 228, 34: 229, 35: 231, 36: 234, 37: 235, 38: 236, 39: 238, 40: 240, 41: 244,
};

/** The Trilium releases speaking a sync version, e.g. "TriliumNext 0.95–0.102". */
export function releasesOf(syncVersion: number): string {
  try {
    return getProfile(syncVersion).releases;
  } catch {
    return 'a release this extension does not know';
  }
}

/** "sync version 36 (TriliumNext 0.95–0.102)" */
export function describeSyncVersion(syncVersion: number): string {
  return `sync version ${syncVersion} (${releasesOf(syncVersion)})`;
}
