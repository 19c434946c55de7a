// The sync lease file and the shared status, in one process (the child-process tests cover the real thing).
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SyncLease, leaseIsLive, type LeaseRecord } from '../../../src/sync/lease';
import { fromShared, toShared, finishedRunSince, SharedSyncStatus } from '../../../src/sync/sharedStatus';
import { TriliumError } from '../../../src/sync/errors';
import { TempDirs } from '../sync/helpers';

describe('sync lease', () => {
  const dirs = new TempDirs();
  const leases: SyncLease[] = [];
  const lease = (dir: string, label: string, opts: { ttlMs?: number; renewMs?: number } = {}) => {
    const l = new SyncLease(dir, { label, ...opts });
    leases.push(l);
    return l;
  };
  afterEach(async () => {
    for (const l of leases.splice(0)) await l.release();
  });
  after(() => dirs.cleanup());

  it('one holder at a time; released, it goes to the next', async () => {
    const dir = await dirs.make('lease-');
    const a = lease(dir, 'A');
    const b = lease(dir, 'B');
    assert.equal(await a.tryAcquire(), true);
    assert.equal(await b.tryAcquire(), false);
    assert.equal((await b.otherHolder())?.label, 'A');
    assert.equal(await a.tryAcquire(), true, 'the holder keeps it');
    await a.release();
    assert.equal(a.held, false);
    assert.equal(await b.tryAcquire(), true);
    assert.equal(await a.tryAcquire(), false);
  });

  it('a record not renewed within its time to live is taken over', async () => {
    const dir = await dirs.make('lease-');
    const stale: LeaseRecord = { holderId: 'gone', pid: process.pid, hostname: 'another-host', label: 'elsewhere', acquiredAt: 0, renewedAt: Date.now() - 30_000, ttlMs: 20_000 };
    await writeFile(`${dir}/sync-lease.json`, JSON.stringify(stale));
    const b = lease(dir, 'B');
    assert.equal(await b.tryAcquire(), true);
    assert.equal(JSON.parse(await readFile(`${dir}/sync-lease.json`, 'utf8')).label, 'B');
  });

  it('a fresh record of a dead process on this machine is taken over at once; one on another machine is not', async () => {
    const dir = await dirs.make('lease-');
    const dead: LeaseRecord = { holderId: 'dead', pid: 2 ** 22 + 12345, hostname: hostname(), label: 'dead', acquiredAt: Date.now(), renewedAt: Date.now(), ttlMs: 20_000 };
    assert.equal(leaseIsLive(dead, Date.now()), false);
    await writeFile(`${dir}/sync-lease.json`, JSON.stringify(dead));
    assert.equal(await lease(dir, 'B').tryAcquire(), true);
    const dir2 = await dirs.make('lease-');
    await writeFile(`${dir2}/sync-lease.json`, JSON.stringify({ ...dead, hostname: 'another-host' }));
    assert.equal(await lease(dir2, 'C').tryAcquire(), false);
  });

  it('a holder whose record was replaced learns at its next renewal that it lost the lease', async () => {
    const dir = await dirs.make('lease-');
    const a = lease(dir, 'A', { renewMs: 50 });
    assert.equal(await a.tryAcquire(), true);
    const lost = new Promise<void>((resolve) => a.onLost(resolve));
    const rec = JSON.parse(await readFile(`${dir}/sync-lease.json`, 'utf8')) as LeaseRecord;
    await writeFile(`${dir}/sync-lease.json`, JSON.stringify({ ...rec, holderId: 'someone-else', label: 'X' }));
    await lost;
    assert.equal(a.held, false);
  });

  it('of many takers of a stale lease at once, exactly one holds it', async () => {
    const dir = await dirs.make('lease-');
    await writeFile(`${dir}/sync-lease.json`, JSON.stringify({ holderId: 'old', pid: 1, hostname: 'h', label: 'old', acquiredAt: 0, renewedAt: 0, ttlMs: 1 }));
    const takers = [1, 2, 3, 4, 5].map((i) => lease(dir, `T${i}`));
    const won = await Promise.all(takers.map((t) => t.tryAcquire()));
    assert.equal(won.filter(Boolean).length, 1);
  });
});

describe('shared sync status', () => {
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  it('states survive the file: dates and typed errors come back', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const idle = fromShared(toShared({ kind: 'idle', lastSyncedAt: at, pendingChanges: 2 }));
    assert.deepEqual(idle, { kind: 'idle', lastSyncedAt: at, pendingChanges: 2 });
    const error = fromShared(JSON.parse(JSON.stringify(toShared({ kind: 'offline', error: new TriliumError('TIMEOUT', 'Slow.', 'Wait.'), nextAttemptAt: at }))));
    assert.equal(error.kind, 'offline');
    if (error.kind !== 'offline') return;
    assert.ok(error.error instanceof TriliumError);
    assert.equal(error.error.userMessage, 'Slow. Wait.');
    assert.deepEqual(error.nextAttemptAt, at);
  });

  it('a waiting process takes only a finished run that started after its request', async () => {
    const status = new SharedSyncStatus(await dirs.make('status-'));
    const requestedAt = await status.requestSync('me');
    assert.equal((await status.readRequest())?.by, 'me');
    const base = { state: toShared({ kind: 'unconfigured' }), holder: { label: 'h', pid: 1 }, updatedAt: Date.now() };
    await status.write({ ...base, lastRun: { startedAt: requestedAt - 1, finishedAt: requestedAt + 5, result: null, error: null } });
    assert.equal(finishedRunSince(await status.read(), requestedAt), null, 'started before the request');
    await status.write({ ...base, lastRun: { startedAt: requestedAt + 1, finishedAt: null, result: null, error: null } });
    assert.equal(finishedRunSince(await status.read(), requestedAt), null, 'still running');
    await status.write({ ...base, lastRun: { startedAt: requestedAt + 1, finishedAt: requestedAt + 9, result: null, error: null } });
    assert.equal(finishedRunSince(await status.read(), requestedAt)?.finishedAt, requestedAt + 9);
  });
});
