// End to end: our sync server (HTTPS with a test CA) reached through an authenticating forward proxy, and (HTTP)
// behind a reverse proxy that limits bodies to 1 MB, where a large push must still succeed; failures leave the
// local replica unchanged.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TriliumError } from '../../../src/sync/errors';
import { SyncEngine } from '../../../src/sync/engine';
import type { NetworkOptions } from '../../../src/sync/http/transport';
import { silentLogger } from '../../../src/sync/logger';
import { replicaSecretSource } from '../../../src/sync/secrets';
import { startSyncServer, type RunningSyncServer } from '../../../src/sync/server/syncServer';
import { setupFromServer } from '../../../src/sync/setup';
import { makeTestPki, type TestPki } from './helpers/certs';
import { startForwardProxy, startReverseProxy, type ProxyServer } from './helpers/servers';

const PASSWORD = 'network-e2e-password';

describe('network: sync through proxies (end to end)', function () {
  this.timeout(120_000);
  let root: string;
  let pki: TestPki;
  let tlsServer: RunningSyncServer;
  let plainServer: RunningSyncServer;
  let proxy: ProxyServer;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'trilium-net-e2e-'));
    pki = makeTestPki();
    tlsServer = await startSyncServer({
      dataDir: join(root, 'tls-server'), password: PASSWORD, host: '127.0.0.1', port: 0, syncVersion: 39,
      tls: { key: pki.server.key, cert: pki.server.cert },
    });
    plainServer = await startSyncServer({ dataDir: join(root, 'plain-server'), password: PASSWORD, host: '127.0.0.1', port: 0, syncVersion: 39 });
    proxy = await startForwardProxy({ credentials: { user: 'carol', pass: 'pw' } });
  });
  after(async () => {
    await Promise.all([tlsServer.close(), plainServer.close(), proxy.close()]);
    pki.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  it('sets up and syncs over HTTPS through an authenticating CONNECT proxy with a test CA', async () => {
    const network: NetworkOptions = { proxy: proxy.url.replace('http://', 'http://carol:pw@'), caFile: pki.ca.certFile, env: {} };
    const { replica } = await setupFromServer({ serverUrl: tlsServer.url, dataDir: join(root, 'client-tls'), password: PASSWORD, network });
    try {
      assert.ok(proxy.seen.length > 0 && proxy.seen.every((s) => s === `CONNECT 127.0.0.1:${tlsServer.port}`), proxy.seen.join('\n'));
      const { noteId } = await replica.createNote({ parentNoteId: 'root', title: 'Through the proxy', content: '<p>hello</p>' });
      const engine = new SyncEngine(replica, { serverUrl: tlsServer.url, network }, replicaSecretSource(replica), { now: () => new Date() }, silentLogger);
      const result = await engine.sync();
      assert.equal(result.hashCheck, 'passed');
      assert.equal((await tlsServer.replica!.getNote(noteId))?.title, 'Through the proxy');
    } finally {
      await replica.close();
    }
  });

  it('a pull fetched by the worker thread goes through the same proxy, credentials and CA', async () => {
    const network: NetworkOptions = { proxy: proxy.url.replace('http://', 'http://carol:pw@'), caFile: pki.ca.certFile, env: {} };
    const { replica } = await setupFromServer({ serverUrl: tlsServer.url, dataDir: join(root, 'client-tls-worker'), password: PASSWORD, network, thread: 'worker' });
    try {
      const engine = new SyncEngine(replica, { serverUrl: tlsServer.url, network }, replicaSecretSource(replica), { now: () => new Date() }, silentLogger,
        { pullWorker: 'always' });
      const tunnels = proxy.seen.length;
      const result = await engine.forceFullSync();
      assert.equal(result.hashCheck, 'passed');
      assert.ok(result.pulled > 0);
      // the worker's connections are its own: more tunnels, all through the proxy, all with the credentials
      assert.ok(proxy.seen.length > tunnels);
      assert.ok(proxy.seen.every((s) => s === `CONNECT 127.0.0.1:${tlsServer.port}`), proxy.seen.join('\n'));
      assert.ok(proxy.authorizations.every((a) => a !== undefined));
      assert.deepEqual(await replica.sectorHashes(), await tlsServer.replica!.sectorHashes());
    } finally {
      await replica.close();
    }
  });

  it('wrong proxy credentials fail with PROXY_AUTH_REQUIRED and change nothing locally', async () => {
    const good: NetworkOptions = { proxy: proxy.url.replace('http://', 'http://carol:pw@'), caFile: pki.ca.certFile, env: {} };
    const { replica } = await setupFromServer({ serverUrl: tlsServer.url, dataDir: join(root, 'client-bad-proxy'), password: PASSWORD, network: good });
    try {
      await replica.createNote({ parentNoteId: 'root', title: 'Pending', content: 'x' });
      const before = await replica.counts();
      const bad: NetworkOptions = { ...good, proxy: proxy.url.replace('http://', 'http://carol:nope@') };
      const engine = new SyncEngine(replica, { serverUrl: tlsServer.url, network: bad }, replicaSecretSource(replica), { now: () => new Date() }, silentLogger);
      await assert.rejects(engine.sync(), (e: unknown) => e instanceof TriliumError && e.code === 'PROXY_AUTH_REQUIRED' && /rejected the proxy credentials/.test(e.message));
      assert.deepEqual(await replica.counts(), before);
    } finally {
      await replica.close();
    }
  });

  it('a large push behind a reverse proxy with a 1 MB body limit succeeds with smaller pages', async () => {
    const rp = await startReverseProxy(plainServer.url, 'body-limit-1mb');
    try {
      const network: NetworkOptions = { env: {} };
      const { replica } = await setupFromServer({ serverUrl: rp.url, dataDir: join(root, 'client-413'), password: PASSWORD, network });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 24; i++) {
          ids.push((await replica.createNote({ parentNoteId: 'root', title: `Big ${i}`, content: `<p>${String(i).repeat(1)}${'x'.repeat(120_000)}</p>` })).noteId);
        }
        const engine = new SyncEngine(replica, { serverUrl: rp.url, network }, replicaSecretSource(replica), { now: () => new Date() }, silentLogger,
          { pageBytes: 4 * 1024 * 1024 });
        const result = await engine.sync();
        assert.equal(result.hashCheck, 'passed');
        assert.ok(rp.rejected >= 1, 'the proxy refused at least one page as too large');
        for (const id of ids) assert.ok(await plainServer.replica!.getNote(id), `note ${id} reached the server`);
      } finally {
        await replica.close();
      }
    } finally {
      await rp.close();
    }
  });
});
