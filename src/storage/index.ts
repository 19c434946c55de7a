// Public entry of the storage layer.
import { chooseDriver } from './driver/select';
import { Replica, type CreateReplicaOptions } from './replica';
import type { ReplicaApi } from './replicaApi';
import type { Clock } from './types';
import { startWorkerReplica } from './worker/workerReplica';

export { Replica, DB_FILE } from './replica';
export type { CreateReplicaOptions } from './replica';
export { getProfile, supportedSyncVersions, ERASABLE_TABLES } from './profiles';
export type { SchemaProfile, TableDef } from './profiles';
export { hash, hashedBlobId, entityHash, blobHash } from './hash';
export { randomString, newEntityId, utcDateTimeStr, localDateTimeStr } from './ids';
export * from './types';
export type * from './replicaApi';
export { chooseDriver } from './driver/select';
export type { DriverInfo, DriverName } from './driver/connection';

/** Creates `<dataDir>/document.db`: 'empty' for a sync from a server, 'newDocument' for an offline document. */
export function createReplica(dataDir: string, opts: CreateReplicaOptions): Promise<Replica> {
  return Replica.create(dataDir, opts);
}

/** Opens an existing replica (NO_REPLICA if there is none). */
export function openReplica(dataDir: string, opts: { clock?: Clock } = {}): Promise<Replica> {
  return Replica.open(dataDir, opts);
}

/**
 * Where a long-lived host keeps its replica: 'same' thread, a 'worker' thread, or 'auto': a worker when the driver
 * is synchronous (node:sqlite), so that SQLite work never stalls the host's event loop (VS Code's extension host).
 */
export type ReplicaThread = 'same' | 'worker' | 'auto';

function inWorker(thread: ReplicaThread): boolean {
  return thread === 'worker' || (thread === 'auto' && chooseDriver() === 'node:sqlite');
}

/** createReplica on the chosen thread. A worker's replica uses the system clock. */
export function createReplicaOn(thread: ReplicaThread, dataDir: string, opts: CreateReplicaOptions): Promise<ReplicaApi> {
  return inWorker(thread)
    ? startWorkerReplica({ op: 'create', dataDir, create: { syncVersion: opts.syncVersion, kind: opts.kind } })
    : Replica.create(dataDir, opts);
}

/** openReplica on the chosen thread. A worker's replica uses the system clock. */
export function openReplicaOn(thread: ReplicaThread, dataDir: string, opts: { clock?: Clock } = {}): Promise<ReplicaApi> {
  return inWorker(thread) ? startWorkerReplica({ op: 'open', dataDir }) : Replica.open(dataDir, opts);
}
