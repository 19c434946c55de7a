// Our sync server, spoken to at the HTTP level (as Trilium's client would).
import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { credentialsHeader, loginHash, utcDateTimeString } from '../../../src/sync/credentials';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { PASSWORD, TempDirs, startServer } from '../sync/helpers';

interface Res { status: number; headers: Record<string, string | string[] | undefined>; text: string; json(): any }

function call(base: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

async function login(server: RunningSyncServer, at = new Date(), cookie?: string): Promise<Res> {
  const secret = (await server.replica!.getOption('documentSecret'))!;
  const timestamp = utcDateTimeString(at);
  return call(server.url, 'POST', '/api/login/sync', {
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify({ timestamp, syncVersion: 39, hash: loginHash(secret, timestamp) }),
  });
}

function sid(res: Res): string {
  const cookies = res.headers['set-cookie'] as string[];
  const found = cookies.find((c) => c.startsWith('trilium.sid='));
  assert.ok(found, 'trilium.sid cookie');
  return found.split(';')[0];
}

describe('our sync server (HTTP level)', function () {
  this.timeout(30_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;

  before(async () => {
    server = await startServer(dirs);
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  it('answers /api/setup/status without auth', async () => {
    const res = await call(server.url, 'GET', '/api/setup/status');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { isInitialized: true, schemaExists: true, syncVersion: 39 });
  });

  it('hands out the seed for the right password only, with Trilium\'s texts', async () => {
    const ok = await call(server.url, 'GET', '/api/setup/sync-seed', { headers: { 'trilium-cred': credentialsHeader(PASSWORD) } });
    assert.equal(ok.status, 200);
    const seed = ok.json();
    assert.equal(seed.syncVersion, 39);
    assert.deepEqual(seed.options.map((o: any) => o.name).sort(), ['documentId', 'documentSecret']);
    assert.equal(seed.options.find((o: any) => o.name === 'documentSecret').value, await server.replica!.getOption('documentSecret'));
    const bad = await call(server.url, 'GET', '/api/setup/sync-seed', { headers: { 'trilium-cred': credentialsHeader('wrong') } });
    assert.equal(bad.status, 401);
    assert.equal(bad.text, 'Incorrect password');
    const missing = await call(server.url, 'GET', '/api/setup/sync-seed');
    assert.equal(missing.status, 400);
    assert.equal(missing.text, 'Invalid data type for trilium-cred.');
  });

  it('refuses /api/sync/* without a session with 401 text "Logged in session not found"', async () => {
    const res = await call(server.url, 'GET', '/api/sync/changed?lastEntityChangeId=0&instanceId=x');
    assert.equal(res.status, 401);
    assert.match(String(res.headers['content-type']), /text\/plain/);
    assert.equal(res.text, 'Logged in session not found');
  });

  it('logs in with the HMAC, rolls the session cookie and serves changed/check', async () => {
    const res = await login(server);
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.instanceId, server.replica!.instanceId);
    assert.equal(typeof body.maxEntityChangeId, 'number');
    const cookie = sid(res);
    const changed = await call(server.url, 'GET', '/api/sync/changed?instanceId=abcdefabcdef&lastEntityChangeId=0&logMarkerId=x', { headers: { Cookie: `proxy=1; ${cookie}` } });
    assert.equal(changed.status, 200);
    const page = changed.json();
    assert.ok(page.entityChanges.length > 0);
    assert.equal(typeof page.lastEntityChangeId, 'number');
    assert.ok(sid(changed).startsWith('trilium.sid='), 'rolling cookie on every response');
    assert.ok(changed.headers['trilium-max-entity-change-id']);
    const check = await call(server.url, 'GET', '/api/sync/check', { headers: { Cookie: cookie } });
    assert.equal(check.status, 200);
    assert.ok(check.json().entityHashes.notes);
    const missingCursor = await call(server.url, 'GET', '/api/sync/changed?instanceId=x', { headers: { Cookie: cookie } });
    assert.equal(missingCursor.status, 400);
    assert.equal(missingCursor.json().message, 'Missing or invalid last entity change ID.');
    const finished = await call(server.url, 'POST', '/api/sync/finished', { headers: { Cookie: cookie } });
    assert.equal(finished.status, 204);
    assert.equal(finished.text, '');
  });

  it('regenerates the session id on every login', async () => {
    const a = sid(await login(server));
    const b = sid(await login(server, new Date(), a));
    assert.notEqual(a, b);
    const old = await call(server.url, 'GET', '/api/sync/check', { headers: { Cookie: a } });
    assert.equal(old.status, 401);
  });

  it('checks the clock, then the version, then the HMAC, with Trilium\'s messages', async () => {
    const skewed = await login(server, new Date(Date.now() - 6 * 60_000));
    assert.equal(skewed.status, 401);
    assert.match(skewed.json().message, /^Auth request time is out of sync/);
    const timestamp = utcDateTimeString(new Date());
    const version = await call(server.url, 'POST', '/api/login/sync', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ timestamp, syncVersion: '39', hash: 'x' }) });
    assert.equal(version.status, 400);
    assert.equal(version.json().message, 'Non-matching sync versions, local is version 39, remote is 39. It is recommended to run same version of Trilium on both sides of sync.');
  });

  it('buffers paged updates by requestId and reports a missing first page', async () => {
    const cookie = sid(await login(server));
    const orphan = await call(server.url, 'PUT', '/api/sync/update', { headers: { Cookie: cookie, pageCount: '2', pageIndex: '1', requestId: 'nobuffer12', 'Content-Type': 'text/plain' }, body: '}' });
    assert.equal(orphan.status, 500);
    assert.match(orphan.json().message, /^Partial request nobuffer12, page 2 of 2 of .* does not have expected record\.$/);
    const body = JSON.stringify({ entities: [], instanceId: 'pusherInst12' });
    const half = Math.floor(body.length / 2);
    const p0 = await call(server.url, 'PUT', '/api/sync/update', { headers: { Cookie: cookie, pageCount: '2', pageIndex: '0', requestId: 'req4567890', 'Content-Type': 'text/plain' }, body: body.slice(0, half) });
    assert.equal(p0.status, 204);
    const p1 = await call(server.url, 'PUT', '/api/sync/update', { headers: { Cookie: cookie, pageCount: '2', pageIndex: '1', requestId: 'req4567890', 'Content-Type': 'text/plain' }, body: body.slice(half) });
    assert.equal(p1.status, 204);
    const noId = await call(server.url, 'PUT', '/api/sync/update', { headers: { Cookie: cookie, pageCount: '2', pageIndex: '0' }, body: '{' });
    assert.equal(noId.status, 500);
    assert.equal(noId.json().message, 'Missing request ID.');
  });

  it('reads paged updates page by page: broken JSON in any page is a 400, and the pages after it find no request', async () => {
    const cookie = sid(await login(server));
    const page = (requestId: string, pageIndex: number, body: string) => call(server.url, 'PUT', '/api/sync/update',
      { headers: { Cookie: cookie, pageCount: '3', pageIndex: String(pageIndex), requestId, 'Content-Type': 'text/plain' }, body });
    const brokenTail = ['{"entities":[],', '"instanceId":"pusherInst12"', '}}'];
    assert.equal((await page('broken1234', 0, brokenTail[0])).status, 204);
    assert.equal((await page('broken1234', 1, brokenTail[1])).status, 204);
    const last = await page('broken1234', 2, brokenTail[2]);
    assert.equal(last.status, 400);
    assert.equal(last.json().message, 'The request body is not valid JSON.');
    // a long "content" string whose base64 breaks in the middle page fails there, not at the end
    const blob = 'A'.repeat(20 * 1024 * 1024);
    const head = `{"entities":[{"entityChange":{"entityName":"blobs","entityId":"b1"},"entity":{"blobId":"b1","content":"${blob.slice(0, 17 * 1024 * 1024)}`;
    assert.equal((await page('garbled123', 0, head)).status, 204);
    const garbled = await page('garbled123', 1, `${blob.slice(0, 1024 * 1024)}*${blob.slice(0, 1024 * 1024)}`);
    assert.equal(garbled.status, 400);
    const after = await page('garbled123', 2, '"}}],"instanceId":"pusherInst12"}');
    assert.equal(after.status, 500);
    assert.match(after.json().message, /does not have expected record/);
  });

  it('refuses a seed POST once initialised (401 App already initialized.)', async () => {
    const res = await call(server.url, 'POST', '/api/setup/sync-seed', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ options: [], syncVersion: 39 }) });
    assert.equal(res.status, 401);
    assert.equal(res.text, 'App already initialized.');
  });

  it('rate-limits failed seed and login attempts per address (429), not successful ones', async () => {
    const limited = await startServer(dirs, { rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const seed = (password: string) => call(limited.url, 'GET', '/api/setup/sync-seed', { headers: { 'trilium-cred': credentialsHeader(password) } });
      assert.equal((await seed(PASSWORD)).status, 200);
      assert.equal((await seed(PASSWORD)).status, 200, 'successful requests are not counted');
      assert.equal((await seed('wrong')).status, 401);
      assert.equal((await seed('wrong')).status, 401);
      const res = await seed('wrong');
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.equal((await seed(PASSWORD)).status, 429, 'still limited inside the window');
    } finally {
      await limited.close();
    }
  });

  it('is reported as empty when started uninitialised, and takes a seed', async () => {
    const empty = await startServer(dirs, { uninitialised: true });
    try {
      assert.deepEqual((await call(empty.url, 'GET', '/api/setup/status')).json(), { isInitialized: false, schemaExists: false, syncVersion: 39 });
      const seedGet = await call(empty.url, 'GET', '/api/setup/sync-seed', { headers: { 'trilium-cred': credentialsHeader(PASSWORD) } });
      assert.equal(seedGet.status, 400);
      assert.equal(seedGet.text, 'Database is not initialized yet.');
      const loginRes = await call(empty.url, 'POST', '/api/login/sync', { headers: { 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(loginRes.status, 500);
      assert.equal(loginRes.json().message, "DB schema does not exist, can't sync.");
      const wrongVersion = await call(empty.url, 'POST', '/api/setup/sync-seed', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ options: [], syncVersion: 36 }) });
      assert.equal(wrongVersion.status, 400);
      assert.match(wrongVersion.json().error, /local sync protocol version is 39 while remote is 36/);
      const seed = await call(empty.url, 'POST', '/api/setup/sync-seed', {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ syncVersion: 39, options: [{ name: 'documentId', value: 'docId1234567', isSynced: false }, { name: 'documentSecret', value: 'c2VjcmV0c2VjcmV0c2VjcmV0', isSynced: false }] }),
      });
      assert.equal(seed.status, 204);
      assert.deepEqual((await call(empty.url, 'GET', '/api/setup/status')).json(), { isInitialized: false, schemaExists: true, syncVersion: 39 });
    } finally {
      await empty.close();
    }
  });
});
