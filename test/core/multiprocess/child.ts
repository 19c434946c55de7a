// One process on a shared replica, as a VS Code window runs it: the replica, its change watch and a scheduler
// with the sync lease. Driven by the test through stdin (one JSON command a line); reports JSON lines on stdout.
//   node --require tsx/cjs child.ts DATA_DIR SERVER_URL LABEL [INTERVAL_MS]
import { createInterface } from 'node:readline';
import { openReplica } from '../../../src/storage';
import { systemClock } from '../../../src/storage/types';
import { SyncEngine } from '../../../src/sync/engine';
import type { SyncEngineApi } from '../../../src/sync/engineApi';
import { SyncLease } from '../../../src/sync/lease';
import { silentLogger } from '../../../src/sync/logger';
import { SyncScheduler } from '../../../src/sync/scheduler';
import { replicaSecretSource } from '../../../src/sync/secrets';
import { SharedSyncStatus } from '../../../src/sync/sharedStatus';

const [dataDir, serverUrl, label, intervalArg] = process.argv.slice(2);
const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ event, at: Date.now(), label, ...data }) + '\n');

async function main(): Promise<void> {
  const replica = await openReplica(dataDir, { clock: systemClock });
  const engine = new SyncEngine(replica, { serverUrl, network: {} }, replicaSecretSource(replica), systemClock, silentLogger);
  // The work of each sync, as the test checks it: when this process's engine ran.
  const counted: SyncEngineApi = {
    sync: async (opts) => {
      const startedAt = Date.now();
      say('syncStart', { startedAt });
      try {
        return await engine.sync(opts);
      } finally {
        say('syncEnd', { startedAt, finishedAt: Date.now() });
      }
    },
    testSync: () => engine.testSync(),
    forceFullSync: (opts) => engine.forceFullSync(opts),
  };
  const lease = new SyncLease(dataDir, { label, renewMs: 1_000, ttlMs: 10_000 });
  const scheduler = new SyncScheduler(counted, replica, {
    intervalMs: Number(intervalArg ?? 1_000), editDelayMs: 200, logger: silentLogger,
    shared: { lease, status: new SharedSyncStatus(dataDir), label, pollMs: 100, leaseCheckMs: 300 },
  });
  let wasHolder = false;
  setInterval(() => {
    if (lease.held !== wasHolder) say(lease.held ? 'holder' : 'standby');
    wasHolder = lease.held;
  }, 20).unref();
  scheduler.onDidChangeState((s) => say('state', { kind: s.kind }));
  replica.onDidChange((change) => {
    if (change.external) say('externalChange', { noteIds: [...change.noteIds], origin: change.origin, conflictsChanged: !!change.conflictsChanged });
  });
  scheduler.start(0);

  const bases = new Map<string, string | null>();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    void (async () => {
      const cmd = JSON.parse(line) as { op: string; noteId?: string; text?: string; id?: number };
      try {
        if (cmd.op === 'load') {
          bases.set(cmd.noteId!, (await replica.getNote(cmd.noteId!))?.blobId ?? null);
          say('loaded', { id: cmd.id, blobId: bases.get(cmd.noteId!) });
        } else if (cmd.op === 'save') {
          const base = bases.has(cmd.noteId!) ? { blobId: bases.get(cmd.noteId!) ?? null, source: label } : undefined;
          const outcome = await replica.setNoteContent(cmd.noteId!, cmd.text!, base);
          bases.set(cmd.noteId!, (await replica.getNote(cmd.noteId!))?.blobId ?? null);
          say('saved', { id: cmd.id, saved: outcome.saved, conflict: outcome.conflict });
        } else if (cmd.op === 'syncNow') {
          const result = await scheduler.syncNow();
          say('synced', { id: cmd.id, pulled: result?.pulled, pushed: result?.pushed });
        } else if (cmd.op === 'exit') {
          await scheduler.stop();
          await replica.close();
          say('closed', { id: cmd.id });
          process.exit(0);
        }
      } catch (e) {
        say('failed', { id: cmd.id, message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  say('ready', { instanceId: replica.instanceId });
}

main().catch((e) => {
  say('failed', { message: e instanceof Error ? e.stack : String(e) });
  process.exit(1);
});
