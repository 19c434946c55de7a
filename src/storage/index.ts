// Public entry of the storage layer.
import { Replica, type CreateReplicaOptions } from './replica';
import type { Clock } from './types';

export { Replica, DB_FILE } from './replica';
export type { CreateReplicaOptions } from './replica';
export { getProfile, supportedSyncVersions, ERASABLE_TABLES } from './profiles';
export type { SchemaProfile, TableDef } from './profiles';
export { hash, hashedBlobId, entityHash, blobHash } from './hash';
export { randomString, newEntityId, utcDateTimeStr, localDateTimeStr } from './ids';
export * from './types';
export type * from './replicaApi';

/** Creates `<dataDir>/document.db`: 'empty' for a sync from a server, 'newDocument' for an offline document. */
export function createReplica(dataDir: string, opts: CreateReplicaOptions): Promise<Replica> {
  return Replica.create(dataDir, opts);
}

/** Opens an existing replica (NO_REPLICA if there is none). */
export function openReplica(dataDir: string, opts: { clock?: Clock } = {}): Promise<Replica> {
  return Replica.open(dataDir, opts);
}
