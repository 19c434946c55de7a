// A real sync server in-process and two clients set up from it, all on one injected clock, so that which edit is
// "newer" is decided by the test and not by the machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import type { Clock, ConflictRecord } from '../../../src/storage/types';
import { SyncEngine } from '../../../src/sync/engine';
import type { SyncResult } from '../../../src/sync/engineApi';
import { silentLogger } from '../../../src/sync/logger';
import { replicaSecretSource } from '../../../src/sync/secrets';
import { startSyncServer, type RunningSyncServer } from '../../../src/sync/server/syncServer';
import { setupFromServer } from '../../../src/sync/setup';

export const PASSWORD = 'conflict-test-password';

/** Moves only when told (plus 1 ms per reading, so that no two writes share a timestamp). */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    this.t += 1;
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Client {
  name: string;
  replica: ReplicaApi;
  engine: SyncEngine;
}

export interface World {
  clock: ManualClock;
  server: RunningSyncServer;
  serverReplica: ReplicaApi;
  a: Client;
  b: Client;
  /** Ids of what `populate` created on the server. */
  ids: Record<string, string>;
  sync(client: Client): Promise<SyncResult>;
  /** Both clients sync twice (a, b, a, b), so every instance has seen everything. */
  converge(first: Client, second: Client): Promise<SyncResult[]>;
  close(): Promise<void>;
}

export async function startWorld(populate: (server: ReplicaApi) => Promise<Record<string, string>>): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'trilium-conflicts-'));
  // Starts at the real time: cookie expiry in the client's jar is judged by the real clock.
  const clock = new ManualClock(Date.now());
  let ids: Record<string, string> = {};
  const server = await startSyncServer({
    dataDir: join(root, 'server'), password: PASSWORD, host: '127.0.0.1', port: 0, syncVersion: 39, clock,
    populate: async (replica) => {
      ids = await populate(replica);
    },
  });
  const clients: Client[] = [];
  try {
    for (const name of ['a', 'b']) {
      const { replica } = await setupFromServer({ serverUrl: server.url, dataDir: join(root, name), password: PASSWORD, clock });
      const engine = new SyncEngine(replica, { serverUrl: server.url, network: {} }, replicaSecretSource(replica), clock, silentLogger);
      clients.push({ name, replica, engine });
    }
  } catch (e) {
    for (const c of clients) await c.replica.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
    throw e;
  }
  const [a, b] = clients;
  const sync = async (client: Client) => {
    const result = await client.engine.sync();
    assert.equal(result.hashCheck, 'passed', `content hash check after ${client.name} synced`);
    return result;
  };
  return {
    clock, server, serverReplica: server.replica!, a, b, ids, sync,
    async converge(first, second) {
      return [await sync(first), await sync(second), await sync(first), await sync(second)];
    },
    async close() {
      await a.replica.close();
      await b.replica.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function text(content: string | Buffer | null): string | null {
  if (content === null) return null;
  return typeof content === 'string' ? content : content.toString('utf8');
}

/** Title and content of a revision, or null when the instance does not have it. */
export async function revisionOn(replica: ReplicaApi, noteId: string, revisionId: string): Promise<{ title: string; content: string | null; description?: string } | null> {
  const rev = (await replica.getRevisions(noteId)).find((r) => r.revisionId === revisionId);
  if (!rev) return null;
  return { title: rev.title, content: text(await replica.getRevisionContent(revisionId)), description: rev.description };
}

export async function noteOn(replica: ReplicaApi, noteId: string): Promise<{ title: string; content: string | null; isDeleted: number } | null> {
  const note = await replica.getNote(noteId);
  if (!note) return null;
  return { title: note.title, content: text(await replica.getNoteContent(noteId)), isDeleted: note.isDeleted };
}

export async function conflictsFor(replica: ReplicaApi, noteId: string): Promise<ConflictRecord[]> {
  return (await replica.listConflicts({ includeResolved: true })).filter((c) => c.noteId === noteId);
}
