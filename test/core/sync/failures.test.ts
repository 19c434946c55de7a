// Each failure a user can meet gives a typed error with a message that says what to do.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTriliumError, type TriliumError } from '../../../src/sync/errors';
import { SyncEngine } from '../../../src/sync/engine';
import { fixedSecretSource } from '../../../src/sync/secrets';
import { createLocalDocument, pushToServer, setupFromServer } from '../../../src/sync/setup';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { PASSWORD, TempDirs, engineFor, newClient, quietLogger, startServer, type Client } from './helpers';

async function rejection(p: Promise<unknown>): Promise<TriliumError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isTriliumError(e), `expected a TriliumError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('sync: failures and their messages', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  let client: Client;

  before(async () => {
    server = await startServer(dirs);
    client = await newClient(dirs, server);
  });
  after(async () => {
    await client.replica.close();
    await server.close();
    await dirs.cleanup();
  });

  it('wrong password', async () => {
    const e = await rejection(setupFromServer({ dataDir: await dirs.make(), serverUrl: server.url, password: 'nope', logger: quietLogger }));
    assert.equal(e.code, 'WRONG_PASSWORD');
    assert.match(e.userMessage, /rejected the password/);
  });

  it('different document (secret does not match)', async () => {
    const engine = new SyncEngine(client.replica, { serverUrl: server.url, network: {} }, fixedSecretSource('b3RoZXJkb2N1bWVudHNlY3I='), { now: () => new Date() }, quietLogger);
    const e = await rejection(engine.sync());
    assert.equal(e.code, 'DIFFERENT_DOCUMENT');
    assert.match(e.message, /different Trilium document/);
  });

  it('unsupported version names both numbers', async () => {
    const other = await startServer(dirs, { syncVersion: 36 });
    try {
      const e = await rejection(engineFor(client.replica, other.url).sync());
      assert.equal(e.code, 'UNSUPPORTED_VERSION');
      assert.match(e.message, /version 36.*version 39/);
    } finally {
      await other.close();
    }
  });

  it('clock off by more than 5 minutes says by how much', async () => {
    const skewed = engineFor(client.replica, server.url, { clock: { now: () => new Date(Date.now() - 8 * 60_000) } });
    const e = await rejection(skewed.sync());
    assert.equal(e.code, 'CLOCK_SKEW');
    assert.match(e.message, /by (7 min 5\d s|8 min \d s) behind the server/);
    assert.match(e.userMessage, /Correct the date, time and time zone/);
  });

  it('rate limited (429)', async () => {
    const limited = await startServer(dirs, { rateLimit: { max: 1, windowMs: 60_000 } });
    try {
      await rejection(setupFromServer({ dataDir: await dirs.make(), serverUrl: limited.url, password: 'nope', logger: quietLogger }));
      const e = await rejection(setupFromServer({ dataDir: await dirs.make(), serverUrl: limited.url, password: PASSWORD, logger: quietLogger }));
      assert.equal(e.code, 'RATE_LIMITED');
      assert.match(e.message, /HTTP 429, retry after \d+ s/);
    } finally {
      await limited.close();
    }
  });

  it('server not initialised (sync from an empty server) and already initialised (push to a full one)', async () => {
    const empty = await startServer(dirs, { uninitialised: true });
    try {
      const e = await rejection(setupFromServer({ dataDir: await dirs.make(), serverUrl: empty.url, password: PASSWORD, logger: quietLogger }));
      assert.equal(e.code, 'SERVER_NOT_INITIALIZED');
      assert.match(e.hint!, /push/);
    } finally {
      await empty.close();
    }
    const local = await createLocalDocument(await dirs.make());
    try {
      const e = await rejection(pushToServer({ replica: local, serverUrl: server.url, password: PASSWORD, logger: quietLogger }));
      assert.equal(e.code, 'SERVER_ALREADY_INITIALIZED');
    } finally {
      await local.close();
    }
  });

  it('unreachable host (connection refused)', async () => {
    const probe = createServer();
    const url = await listen(probe);
    await new Promise((r) => probe.close(r));
    const e = await rejection(engineFor(client.replica, url).sync());
    assert.equal(e.code, 'CONNECTION_REFUSED');
    assert.match(e.userMessage, /refused/);
  });

  it('a reverse proxy answering HTML instead of JSON', async () => {
    const portal = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Please log in to the portal</body></html>');
    });
    const url = await listen(portal);
    try {
      const e = await rejection(engineFor(client.replica, url).sync());
      assert.equal(e.code, 'NOT_JSON');
      assert.match(e.message, /HTML/);
    } finally {
      await new Promise((r) => portal.close(r));
    }
  });

  it('a server that never answers times out', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer(() => undefined);
    silent.on('connection', (s) => sockets.add(s));
    const url = await listen(silent);
    try {
      const e = await rejection(engineFor(client.replica, url, { timeoutMs: 300 }).sync());
      assert.equal(e.code, 'TIMEOUT');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('Test Sync reports its steps, the route and the failing step in words', async () => {
    const ok = await client.engine.testSync({ startSync: false });
    assert.equal(ok.ok, true);
    assert.equal(ok.message, 'Sync server handshake has been successful, sync has been started.');
    assert.deepEqual(ok.steps.map((s) => s.name), ['status', 'version', 'login']);
    assert.equal(ok.serverSyncVersion, 39);
    assert.ok(ok.route && ok.route.proxy === null);
    assert.ok(Math.abs(ok.clockOffsetMs!) < 5000);
    const bad = await new SyncEngine(client.replica, { serverUrl: server.url, network: {} }, fixedSecretSource('b3RoZXJkb2N1bWVudHNlY3I='), { now: () => new Date() }, quietLogger).testSync({ startSync: false });
    assert.equal(bad.ok, false);
    assert.equal(bad.error!.code, 'DIFFERENT_DOCUMENT');
    assert.deepEqual(bad.steps.map((s) => [s.name, s.ok]), [['status', true], ['version', true], ['login', false]]);
  });

  it('Test Sync seeds an empty server before logging in', async () => {
    const empty = await startServer(dirs, { uninitialised: true });
    const local = await createLocalDocument(await dirs.make(), { password: PASSWORD });
    try {
      const result = await engineFor(local, empty.url).testSync({ startSync: false });
      assert.equal(result.ok, true, result.message);
      assert.deepEqual(result.steps.map((s) => s.name), ['status', 'version', 'seed', 'login']);
      assert.equal(await empty.replica!.getOption('documentId'), await local.getOption('documentId'));
    } finally {
      await local.close();
      await empty.close();
    }
  });
});
