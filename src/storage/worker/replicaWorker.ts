// Entry of the replica's worker thread: opens (or creates) the replica here, where a synchronous SQLite driver
// may block, and answers the host's calls one message at a time.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Replica } from '../replica';
import type { ApplyOptions } from '../replicaApi';
import { reviveBuffers, transferablesOf } from '../transferables';
import type { SyncRecord } from '../types';
import { PageInbox, type InboxPage } from './pageInbox';
import { recordsOfPages, type PageJson } from './pageJson';
import { RETURNS_BYTES, serializeError, type HostToWorker, type WorkerStart, type WorkerToHost } from './messages';
import { lowerThisThreadPriority, niceStepsFrom } from './threadPriority';

const port = parentPort;
if (!port) throw new Error('replicaWorker runs only as a worker thread');

function post(message: WorkerToHost, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function start(): Promise<void> {
  const init = workerData as WorkerStart;
  lowerThisThreadPriority(niceStepsFrom(process.env));
  let replica: Replica;
  try {
    replica = init.op === 'create'
      ? await Replica.create(init.dataDir, init.create!)
      : await Replica.open(init.dataDir);
  } catch (e) {
    post({ type: 'failed', error: serializeError(e) });
    return;
  }
  replica.onDidChange((change) => post({ type: 'change', change }));
  port!.on('message', (m: HostToWorker) => void answer(replica, m));
  post({ type: 'ready', identity: { dataDir: replica.dataDir, syncVersion: replica.syncVersion, instanceId: replica.instanceId, driver: replica.driver } });
}

/** Records of a large applyRecords call, sent ahead in slices (see workerReplica.ts), by batch id. */
const staged = new Map<number, SyncRecord[]>();
/** Where the pages of a pull fetched by another thread arrive (one pull at a time). */
let inbox: PageInbox | undefined;

const workerMethods: Record<string, (replica: Replica, ...args: never[]) => unknown> = {
  stageRecords(_replica: Replica, batch: number, records: SyncRecord[]) {
    const into = staged.get(batch);
    if (into) for (const r of records) into.push(r);
    else staged.set(batch, records);
  },
  applyStaged(replica: Replica, batch: number, opts: ApplyOptions, cursor?: { name: 'lastSyncedPull'; value: number }) {
    const records = staged.get(batch) ?? [];
    staged.delete(batch);
    return replica.applyRecords(records, opts, cursor);
  },
  async applyPagesJson(replica: Replica, pages: PageJson[], opts: ApplyOptions, cursor: { name: 'lastSyncedPull'; value: number }) {
    const records = recordsOfPages(pages);
    return { ...(await replica.applyRecords(records, opts, cursor)), records: records.length };
  },
  openPageInbox(_replica: Replica, port: MessagePort) {
    inbox?.close();
    inbox = new PageInbox(port);
  },
  async applyInboxPages(replica: Replica, pages: InboxPage[], opts: ApplyOptions, cursor: { name: 'lastSyncedPull'; value: number }) {
    if (!inbox) throw new Error('No page inbox is open.');
    const from = inbox;
    const bodies = await Promise.all(pages.map(async (p) => ({ json: await from.take(p.id), lastEntityChangeId: p.lastEntityChangeId })));
    const records = recordsOfPages(bodies);
    return { ...(await replica.applyRecords(records, opts, cursor)), records: records.length };
  },
  closePageInbox() {
    inbox?.close();
    inbox = undefined;
  },
};

async function answer(replica: Replica, m: HostToWorker): Promise<void> {
  try {
    reviveBuffers(m.args);
    const own = workerMethods[m.method];
    if (own) {
      post({ type: 'result', id: m.id, value: await (own as (...a: unknown[]) => unknown)(replica, ...m.args) });
      return;
    }
    const fn = (replica as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m.method];
    if (typeof fn !== 'function') throw new Error(`The replica has no method ${m.method}.`);
    const value = await fn.apply(replica, m.args);
    // what the replica returns is the caller's now: large Buffers (note contents, push records) move, not copy
    post({ type: 'result', id: m.id, value }, RETURNS_BYTES.has(m.method) ? transferablesOf(value) : []);
    if (m.method === 'close') port!.close();
  } catch (e) {
    post({ type: 'error', id: m.id, error: serializeError(e) });
  }
}

void start();
