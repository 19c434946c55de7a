// The sync state every process on a replica shows: the lease holder writes it to a small JSON file next to
// document.db; the others read it. A process that wants a sync now and does not hold the lease writes a request
// file, which the holder picks up, and then waits for a run that started after its request.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SyncResult, SyncState } from './engineApi';
import { TriliumError, type TriliumErrorCode } from './errors';

export const STATUS_FILE = 'sync-status.json';
export const REQUEST_FILE = 'sync-request.json';

export interface SharedError { code: TriliumErrorCode; message: string; hint?: string }

export type SharedState =
  | { kind: 'unconfigured' }
  | { kind: 'idle'; lastSyncedAt: string | null; pendingChanges: number }
  | { kind: 'syncing'; phase: 'login' | 'push' | 'pull' | 'check'; pulled: number; pushed: number; outstandingPullCount: number | null }
  | { kind: 'offline' | 'error'; error: SharedError; nextAttemptAt: string | null };

/** One sync run of the holder: a waiting process takes its outcome as its own. */
export interface SharedRun {
  startedAt: number;
  finishedAt: number | null;
  result: SyncResult | null;
  error: SharedError | null;
}

export interface SharedStatus {
  state: SharedState;
  holder: { label: string; pid: number };
  lastRun: SharedRun | null;
  updatedAt: number;
}

export function toSharedError(e: TriliumError): SharedError {
  return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

export function fromSharedError(e: SharedError): TriliumError {
  return new TriliumError(e.code, e.message, e.hint);
}

export function toShared(state: SyncState): SharedState {
  switch (state.kind) {
    case 'idle': return { ...state, lastSyncedAt: state.lastSyncedAt?.toISOString() ?? null };
    case 'offline':
    case 'error': return { kind: state.kind, error: toSharedError(state.error), nextAttemptAt: state.nextAttemptAt?.toISOString() ?? null };
    default: return { ...state };
  }
}

export function fromShared(state: SharedState): SyncState {
  const date = (s: string | null) => (s ? new Date(s) : null);
  switch (state.kind) {
    case 'idle': return { ...state, lastSyncedAt: date(state.lastSyncedAt) };
    case 'offline':
    case 'error': return { kind: state.kind, error: fromSharedError(state.error), nextAttemptAt: date(state.nextAttemptAt) };
    default: return { ...state };
  }
}

export class SharedSyncStatus {
  readonly statusFile: string;
  readonly requestFile: string;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly dataDir: string) {
    this.statusFile = path.join(dataDir, STATUS_FILE);
    this.requestFile = path.join(dataDir, REQUEST_FILE);
  }

  /** Writes the status atomically; writes are kept in order. */
  write(status: SharedStatus): Promise<void> {
    const next = this.writing.then(() => writeAtomically(this.statusFile, JSON.stringify(status)));
    this.writing = next.catch(() => undefined);
    return next;
  }

  read(): Promise<SharedStatus | null> {
    return readJson<SharedStatus>(this.statusFile);
  }

  /** Asks the holder for a sync; returns the request's time. */
  async requestSync(by: string): Promise<number> {
    const requestedAt = Date.now();
    await writeAtomically(this.requestFile, JSON.stringify({ requestedAt, by }));
    return requestedAt;
  }

  readRequest(): Promise<{ requestedAt: number; by: string } | null> {
    return readJson(this.requestFile);
  }
}

/** The holder's run that started at or after `since` and has finished, if there is one. */
export function finishedRunSince(status: SharedStatus | null, since: number): SharedRun | null {
  const run = status?.lastRun;
  return run && run.startedAt >= since && run.finishedAt !== null ? run : null;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
