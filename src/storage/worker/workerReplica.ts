// The replica behind a worker thread: the same asynchronous ReplicaApi, with every call answered by the worker,
// so a synchronous SQLite driver never blocks the host's event loop (VS Code's extension host).
import { access } from 'node:fs/promises';
import { Worker, type MessagePort } from 'node:worker_threads';
import { workerEntry } from './workerEntry';
import type { DriverInfo } from '../driver/connection';
import type { ApplyOptions, ReplicaApi } from '../replicaApi';
import type { ReplicaChange, SyncRecord } from '../types';
import { reviveBuffers, transferablesOf } from '../transferables';
import type { PageJson } from './pageJson';
import { deserializeError, RETURNS_BYTES, type ReplicaIdentity, type WorkerStart, type WorkerToHost } from './messages';

/** Records per message of a large applyRecords call (about 10 ms of cloning each). */
const SLICE_RECORDS = 1000;

/**
 * The worker's V8 young generation, in MB. An initial sync makes short-lived garbage fast (parsed records, row
 * arrays), and with V8's default young generation that garbage alone took ~150 MB of RSS; with 12 MB the peak of a
 * 100k-note load stayed near 220 MB at the same CPU time (bench:apply runs with the equal --max-semi-space-size).
 */
export const WORKER_YOUNG_GENERATION_MB = 12;

/** Every method of ReplicaApi that the worker answers (all but the identity fields and onDidChange). */
const METHODS = [
  'info', 'getOption', 'setOption', 'getCursor', 'setCursor', 'getNote', 'getNoteContent', 'getChildren', 'getBranch',
  'getParentBranches', 'getNotePaths', 'getAttributes', 'getRevisions', 'getRevisionContent', 'getAttachments',
  'getAttachmentContent', 'searchTitles', 'searchContent', 'listAllNotes', 'counts', 'createNote', 'renameNote',
  'setNoteContent', 'setNoteTypeMime', 'moveBranch', 'cloneNote', 'reorderChildren', 'setPrefix', 'deleteBranch',
  'deleteNote', 'undeleteNote', 'setExpanded', 'addAttribute', 'updateAttribute', 'deleteAttribute', 'saveRevision',
  'addAttachment', 'getChangesToPush', 'buildRecords', 'getChangedForPull', 'applyRecords', 'maxSyncedEntityChangeId',
  'hasUnsentChanges', 'eraseUnusedBlobs', 'sectorHashes', 'requeueSector', 'runEntityChangeChecks', 'finishBulkLoad', 'buildIndexesDuringBulkLoad',
  'verifyHashes', 'listConflicts', 'resolveConflict', 'migrateTo', 'discardMigrationBackups',
  'search', 'runSavedSearch', 'getBacklinks', 'getEffectiveAttributes', 'getPromotedFields', 'getTreeChildren',
  'unlock', 'lock', 'isUnlocked', 'protectSubtree', 'setDocumentPassword', 'changeDocumentPassword',
] as const;

type Forwarded = (typeof METHODS)[number];
type LocalMembers = 'dataDir' | 'syncVersion' | 'instanceId' | 'driver' | 'onDidChange' | 'close' | 'applyPagesJson'
  | 'openPageInbox' | 'applyInboxPages' | 'closePageInbox';
// A ReplicaApi member that is neither forwarded nor local fails to compile here: add it to METHODS.
type Unlisted = Exclude<keyof ReplicaApi, Forwarded | LocalMembers>;
const everyMemberListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMemberListed;

function replicaWorkerEntry(): { file: string; eval: boolean } {
  const entry = workerEntry(__dirname, 'replicaWorker.js', 'replicaWorker.ts');
  if (!entry) throw new Error(`The replica worker is missing next to ${__dirname}.`);
  return entry;
}

/** A byte array that is the whole of its ArrayBuffer, which can then move to the worker without affecting anything else. */
function ownsMemory(b: Uint8Array): boolean {
  return b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
}

export async function startWorkerReplica(start: WorkerStart): Promise<ReplicaApi> {
  const entry = replicaWorkerEntry();
  // The worker runs below the host's priority (threadPriority.ts), and a thread inherits the priority of the thread
  // that starts it: the process's thread pool (file I/O, crypto, DNS), started on its first use, starts here if the
  // host has not used it yet, so that it does not start from the worker at the worker's priority.
  await access(__dirname);
  const worker = new Worker(entry.file, {
    eval: entry.eval, workerData: start, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; bytes: boolean }>();
  const listeners = new Set<(change: ReplicaChange) => void>();
  let nextId = 1;
  let exited: Error | null = null;

  const identity = await new Promise<ReplicaIdentity>((resolve, reject) => {
    const onMessage = (m: WorkerToHost) => {
      if (m.type === 'ready') done(() => resolve(m.identity));
      else if (m.type === 'failed') done(() => reject(deserializeError(m.error)));
    };
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`The replica worker stopped before it opened the replica (exit ${code}).`)));
    // only our own listeners: the Worker keeps internal ones (its message port starts on 'newListener')
    const done = (settle: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      settle();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });

  worker.on('message', (m: WorkerToHost) => {
    if (m.type === 'change') {
      for (const l of listeners) l(m.change);
    } else if (m.type === 'result' || m.type === 'error') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.type === 'result') p.resolve(p.bytes ? reviveBuffers(m.value) : m.value);
      else p.reject(deserializeError(m.error));
    }
  });
  const fail = (e: Error) => {
    exited = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on('exit', (code) => {
    if (!exited) fail(new Error(`The replica worker has stopped (exit ${code}).`));
  });

  /** `move`: the caller is done with the arguments, so their large Buffers move to the worker instead of being copied. */
  const call = (method: string, args: unknown[], move = false): Promise<unknown> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, bytes: RETURNS_BYTES.has(method) });
      worker.postMessage({ type: 'call', id, method, args }, move ? transferablesOf(args) : []);
    });
  };

  let closing: Promise<void> | undefined;
  const api: Record<string, unknown> = {
    dataDir: identity.dataDir,
    syncVersion: identity.syncVersion,
    instanceId: identity.instanceId,
    driver: identity.driver satisfies DriverInfo,
    onDidChange(listener: (change: ReplicaChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): Promise<void> {
      closing ??= (async () => {
        if (exited) return;
        const gone = new Promise((resolve) => worker.once('exit', resolve));
        await call('close', []);
        exited = new Error('The replica is closed.');
        // the worker ends by itself once its port is closed; a stuck one is stopped
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await gone;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
  for (const method of METHODS) {
    api[method] = (...args: unknown[]) => call(method, args);
  }
  // Cloning a message blocks the sending thread for its whole size: a merged pull of several pages goes over in
  // slices, with the event loop free between them, and is applied as one transaction at the end.
  let nextBatch = 1;
  api.applyRecords = async (records: SyncRecord[], opts: ApplyOptions, cursor?: { name: 'lastSyncedPull'; value: number }) => {
    if (records.length <= SLICE_RECORDS) return call('applyRecords', cursor ? [records, opts, cursor] : [records, opts], true);
    const batch = nextBatch++;
    for (let i = 0; i < records.length; i += SLICE_RECORDS) {
      await call('stageRecords', [batch, records.slice(i, i + SLICE_RECORDS)], true);
    }
    return call('applyStaged', cursor ? [batch, opts, cursor] : [batch, opts]);
  };
  // Pages as JSON text: a copy of bytes (or none, for a Buffer that owns its memory), not a clone of parsed records.
  api.applyPagesJson = (pages: PageJson[], opts: ApplyOptions, cursor: { name: 'lastSyncedPull'; value: number }) => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    // the pieces leave this thread's heap at once (no garbage here to collect later)
    const transfer = [...new Set(pages.flatMap((p) => p.json).filter(ownsMemory).map((b) => b.buffer as ArrayBuffer))];
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, bytes: false });
      worker.postMessage({ type: 'call', id, method: 'applyPagesJson', args: [pages, opts, cursor] }, transfer);
    });
  };
  // A pull fetched by another thread sends its page bodies to the worker directly, over this port.
  api.openPageInbox = (port: MessagePort) => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, bytes: false });
      worker.postMessage({ type: 'call', id, method: 'openPageInbox', args: [port] }, [port]);
    });
  };
  api.applyInboxPages = (...args: unknown[]) => call('applyInboxPages', args);
  api.closePageInbox = () => call('closePageInbox', []);
  // The identity field follows a migration (issue 16).
  const migrate = api.migrateTo as (v: number) => Promise<{ toSyncVersion: number }>;
  api.migrateTo = async (v: number) => {
    const m = await migrate(v);
    api.syncVersion = m.toSyncVersion;
    return m;
  };
  return api as unknown as ReplicaApi;
}
