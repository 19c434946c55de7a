// The scheduler with the sync lease, two openings of one replica in this process: "Sync now" without timers
// holds the lease for its run only; with a timer-driven holder, "Sync now" elsewhere is the holder's run.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openReplica, type Replica } from '../../../src/storage';
import type { SyncEngineApi } from '../../../src/sync/engineApi';
import { LEASE_FILE, SyncLease } from '../../../src/sync/lease';
import { SyncScheduler } from '../../../src/sync/scheduler';
import { SharedSyncStatus } from '../../../src/sync/sharedStatus';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { engineFor, newClient, startServer, TempDirs } from '../sync/helpers';

describe('scheduler with the sync lease', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  let dataDir: string;
  const open: Replica[] = [];
  const schedulers: SyncScheduler[] = [];

  before(async () => {
    server = await startServer(dirs);
    const client = await newClient(dirs, server);
    dataDir = client.dataDir;
    await client.replica.close();
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    for (const r of open.splice(0)) await r.close();
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  const intervals: Array<[number, number]> = [];

  async function window(label: string): Promise<{ scheduler: SyncScheduler; runs: () => number }> {
    const replica = await openReplica(dataDir);
    open.push(replica);
    const engine = engineFor(replica, server.url);
    let runs = 0;
    const counted: SyncEngineApi = {
      sync: async (o) => {
        runs++;
        const start = Date.now();
        try { return await engine.sync(o); } finally { intervals.push([start, Date.now()]); }
      },
      testSync: () => engine.testSync(), forceFullSync: (o) => engine.forceFullSync(o) };
    const scheduler = new SyncScheduler(counted, replica, {
      intervalMs: 60_000, shared: { lease: new SyncLease(dataDir, { label }), status: new SharedSyncStatus(dataDir), label, pollMs: 100, leaseCheckMs: 200 },
    });
    schedulers.push(scheduler);
    return { scheduler, runs: () => runs };
  }

  it('without timers, "Sync now" in two windows at once: never two syncs at the same time, and the lease is left free', async () => {
    const a = await window('A');
    const b = await window('B');
    const [ra, rb] = await Promise.all([a.scheduler.syncNow(), b.scheduler.syncNow()]);
    assert.equal(ra?.hashCheck, 'passed');
    assert.equal(rb?.hashCheck, 'passed');
    assert.equal(existsSync(join(dataDir, LEASE_FILE)), false, 'nobody keeps the lease');
    intervals.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < intervals.length; i++) assert.ok(intervals[i][0] >= intervals[i - 1][1], 'never two syncs at once');
  });

  it('with a timer-driven holder, "Sync now" elsewhere is answered by the holder\'s run; its state is shown everywhere', async () => {
    const a = await window('A');
    a.scheduler.start(0);
    while (!a.scheduler.holdsLease || a.scheduler.state.kind !== 'idle') await new Promise((r) => setTimeout(r, 50));
    const b = await window('B');
    b.scheduler.start(0);
    const before = a.runs();
    const result = await b.scheduler.syncNow();
    assert.equal(result?.hashCheck, 'passed');
    assert.equal(b.runs(), 0, 'B did not sync itself');
    assert.ok(a.runs() > before, 'A ran the sync B asked for');
    assert.equal(b.scheduler.holdsLease, false);
    while (b.scheduler.state.kind !== 'idle') await new Promise((r) => setTimeout(r, 50));
    const shown = b.scheduler.state;
    assert.ok(shown.kind === 'idle' && shown.lastSyncedAt, 'B shows A\'s last sync');
  });
});
