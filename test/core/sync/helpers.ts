// Shared set-up for the sync tests: temp dirs, our own server in-process, clients set up from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { SyncEngine } from '../../../src/sync/engine';
import { createTransport, type HttpRequest, type Transport } from '../../../src/sync/http/transport';
import { replicaSecretSource } from '../../../src/sync/secrets';
import { setupFromServer } from '../../../src/sync/setup';
import { startSyncServer, type RunningSyncServer, type SyncServerOptions } from '../../../src/sync/server/syncServer';
import { systemClock, type Clock } from '../../../src/storage/types';
import type { Logger } from '../../../src/sync/logger';

export const PASSWORD = 'correct horse battery staple';

export const quietLogger: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: () => undefined,
  error: (m) => {
    if (process.env.SYNC_TEST_LOG) process.stderr.write(`[error] ${String(m)}\n`);
  },
};

export class TempDirs {
  private readonly dirs: string[] = [];
  async make(prefix = 'trilium-sync-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }
  async cleanup(): Promise<void> {
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

export async function startServer(dirs: TempDirs, opts: Partial<SyncServerOptions> = {}): Promise<RunningSyncServer> {
  return startSyncServer({ dataDir: opts.dataDir ?? (await dirs.make('trilium-server-')), password: PASSWORD, host: '127.0.0.1', port: 0, syncVersion: 39, logger: quietLogger, ...opts });
}

export interface Client {
  replica: ReplicaApi;
  engine: SyncEngine;
  dataDir: string;
}

export function engineFor(replica: ReplicaApi, serverUrl: string, opts: { clock?: Clock; pageBytes?: number; timeoutMs?: number; transport?: Transport } = {}): SyncEngine {
  return new SyncEngine(replica, { serverUrl, network: { timeoutMs: opts.timeoutMs } }, replicaSecretSource(replica), opts.clock ?? systemClock, quietLogger,
    { pageBytes: opts.pageBytes, transport: opts.transport });
}

/** A transport that counts requests by route ("GET /api/sync/changed") and may act before a request and after its response. */
export function watchingTransport(onResponse?: (req: HttpRequest, n: number) => Promise<void>, beforeRequest?: (req: HttpRequest) => Promise<void>) {
  const inner = createTransport({});
  const counts = new Map<string, number>();
  const transport: Transport = {
    async request(req) {
      const route = routeOf(req);
      await beforeRequest?.(req);
      const n = (counts.get(route) ?? 0) + 1;
      counts.set(route, n);
      const res = await inner.request(req);
      await onResponse?.(req, n);
      return res;
    },
  };
  return { transport, count: (route: string) => counts.get(route) ?? 0 };
}

export const routeOf = (req: HttpRequest) => `${req.method} ${new URL(req.url).pathname}`;

export async function newClient(dirs: TempDirs, server: RunningSyncServer): Promise<Client> {
  const dataDir = await dirs.make('trilium-client-');
  const { replica, result } = await setupFromServer({ dataDir, serverUrl: server.url, password: PASSWORD, logger: quietLogger });
  if (result.hashCheck !== 'passed') throw new Error(`initial sync did not converge: ${JSON.stringify(result.failedSectors)}`);
  return { replica, engine: engineFor(replica, server.url), dataDir };
}

/** Everything a user could see of a document, in a stable order, for comparing replicas. */
export async function snapshot(replica: ReplicaApi): Promise<string> {
  const notes = (await replica.listAllNotes()).sort((a, b) => a.noteId.localeCompare(b.noteId));
  const out: string[] = [];
  for (const n of notes) {
    const content = await replica.getNoteContent(n.noteId);
    const body = content === null ? 'null' : typeof content === 'string' ? content : `b64:${content.toString('base64')}`;
    const parents = (await replica.getParentBranches(n.noteId)).filter((b) => !b.isDeleted).map((b) => `${b.parentNoteId}@${b.prefix ?? ''}`).sort();
    const attrs = (await replica.getAttributes(n.noteId)).filter((a) => !a.isDeleted).map((a) => `${a.type}:${a.name}=${a.value}`).sort();
    out.push(`${n.noteId}|${n.title}|${n.type}|${parents.join(',')}|${attrs.join(',')}|${body}`);
  }
  return out.join('\n');
}

/** Syncs every client in turn until a whole pass passes the hash check with nothing moved. */
export async function syncAll(clients: Client[], maxPasses = 4): Promise<void> {
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = 0;
    for (const c of clients) {
      const r = await c.engine.sync();
      if (r.hashCheck !== 'passed') throw new Error(`hash check failed: ${JSON.stringify(r.failedSectors)}`);
      moved += r.pulled + r.pushed;
    }
    if (moved === 0) return;
  }
}
