// Behaviour behind a reverse proxy (body limit with 413, its own sticky cookie) and after a lost session.
import { strict as assert } from 'node:assert';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSyncServer, SyncServerOptions } from '../../../src/sync/server/syncServer';
import { TempDirs, engineFor, newClient, startServer, type Client } from './helpers';

/** A small nginx-like reverse proxy: a body size limit answered with an HTML 413, and a sticky-session cookie. */
function reverseProxy(target: string, maxBody: number): Promise<{ url: string; server: Server; stats: { tooLarge: number; withoutSticky: number; requests: number } }> {
  const stats = { tooLarge: 0, withoutSticky: 0, requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      // Each round starts a fresh jar (as Trilium's client does); from the login on, the cookie must ride along.
      if (req.url?.startsWith('/api/sync/') && !/(^|;\s*)LB=node1(;|$)/.test(req.headers.cookie ?? '')) stats.withoutSticky++;
      const body = Buffer.concat(chunks);
      if (body.length > maxBody) {
        stats.tooLarge++;
        res.writeHead(413, { 'Content-Type': 'text/html', 'Set-Cookie': 'LB=node1; Path=/' });
        res.end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>');
        return;
      }
      const upstream = request(target + req.url, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (up) => {
        const cookies = ([] as string[]).concat(up.headers['set-cookie'] ?? [], 'LB=node1; Path=/; HttpOnly');
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'set-cookie': cookies });
        up.pipe(res);
      });
      upstream.on('error', () => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, stats })));
}

describe('sync: reverse proxy and session loss', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  let client: Client;
  let fault: SyncServerOptions['fault'];

  before(async () => {
    server = await startServer(dirs, { fault: (r) => fault?.(r) });
    client = await newClient(dirs, server);
  });
  after(async () => {
    await client.replica.close();
    await server.close();
    await dirs.cleanup();
  });

  it('shrinks its pages after a 413 from a proxy, keeps the proxy\'s cookie, and converges', async () => {
    const proxy = await reverseProxy(server.url, 100 * 1024);
    try {
      for (let i = 0; i < 40; i++) await client.replica.createNote({ parentNoteId: 'root', title: `Through the proxy ${i}`, content: `<p>${'x'.repeat(20_000)} ${i}</p>` });
      const engine = engineFor(client.replica, proxy.url);
      const result = await engine.sync();
      assert.equal(result.hashCheck, 'passed');
      assert.ok(proxy.stats.tooLarge >= 1, 'the proxy refused at least one page');
      assert.equal(proxy.stats.withoutSticky, 0, 'every /api/sync request carried the proxy\'s cookie');
      const titles = (await server.replica!.listAllNotes()).filter((n) => n.title.startsWith('Through the proxy')).length;
      assert.equal(titles, 40);
    } finally {
      await new Promise((r) => proxy.server.close(r));
    }
  });

  it('logs in again when the server forgets the session in the middle of a sync', async () => {
    let dropped = 0;
    fault = (r) => {
      if (r.path === '/api/sync/update' && dropped === 0) {
        dropped++;
        server.dropSessions();
      }
      return undefined;
    };
    const { noteId } = await client.replica.createNote({ parentNoteId: 'root', title: 'After a lost session' });
    const result = await client.engine.sync();
    fault = undefined;
    assert.equal(dropped, 1);
    assert.equal(result.hashCheck, 'passed');
    assert.equal((await server.replica!.getNote(noteId))?.title, 'After a lost session');
  });
});
