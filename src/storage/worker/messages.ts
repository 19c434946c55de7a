// What crosses the boundary between the replica's worker thread and its host: calls, results, errors and
// change events. Everything here is structured-cloneable.
import { TriliumError, type TriliumErrorCode } from '../errors';
import type { DriverInfo } from '../driver/connection';
import type { ReplicaChange } from '../types';

export interface WorkerStart {
  op: 'open' | 'create';
  dataDir: string;
  create?: { syncVersion: number; kind: 'empty' | 'newDocument' };
}

export interface ReplicaIdentity {
  dataDir: string;
  syncVersion: number;
  instanceId: string;
  driver: DriverInfo;
}

/** Replica methods whose results may hold binary values (Buffers travel as Uint8Arrays and are made Buffers again). */
export const RETURNS_BYTES = new Set(['getNoteContent', 'getRevisionContent', 'getAttachmentContent', 'buildRecords', 'getChangedForPull']);

export type HostToWorker = { type: 'call'; id: number; method: string; args: unknown[] };

export type WorkerToHost =
  | { type: 'ready'; identity: ReplicaIdentity }
  | { type: 'failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'change'; change: ReplicaChange };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  hint?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const { code, hint } = e as { code?: unknown; hint?: unknown };
    return {
      name: e.name, message: e.message, stack: e.stack,
      code: typeof code === 'string' ? code : undefined, hint: typeof hint === 'string' ? hint : undefined,
    };
  }
  return { name: 'Error', message: String(e) };
}

export function deserializeError(s: SerializedError): Error {
  const e = s.name === 'TriliumError'
    ? new TriliumError(s.code as TriliumErrorCode, s.message, s.hint)
    : Object.assign(new Error(s.message), s.code === undefined ? {} : { code: s.code });
  if (s.name !== 'TriliumError') e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}
