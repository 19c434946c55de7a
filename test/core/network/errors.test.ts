// Failures below and around HTTP against real sockets: refused, unknown host, timeout, reset, and reverse proxies
// that answer with a login page, limit bodies to 1 MB, or strip Set-Cookie. Every message is asserted.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { TriliumError } from '../../../src/sync/errors';
import { classifyHttpError, htmlTitle, parseJsonResponse } from '../../../src/sync/http/httpErrors';
import { createTransport, type HttpResponse, type Transport } from '../../../src/sync/http/transport';
import { closedPort, startJsonServer, startReverseProxy, type JsonServer } from './helpers/servers';
import { rejects } from './helpers/assertions';

function response(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, statusText: '', headers, setCookies: [], body: Buffer.from(body) };
}

describe('network: errors', () => {
  let server: JsonServer;
  let t: Transport;
  before(async () => {
    server = await startJsonServer();
    t = createTransport({ env: {} });
  });
  after(async () => {
    t.close?.();
    await server.close();
  });

  it('connection refused: CONNECTION_REFUSED', async () => {
    const port = await closedPort();
    const e = await rejects(t.request({ method: 'GET', url: `http://127.0.0.1:${port}/api/echo` }), 'CONNECTION_REFUSED');
    assert.equal(e.message, `Could not connect to http://127.0.0.1:${port}: the connection was refused.`);
    assert.match(e.hint ?? '', /sync server URL and port/);
  });

  it('unknown host: HOST_NOT_FOUND', async () => {
    const e = await rejects(t.request({ method: 'GET', url: 'https://trilium.nonexistent.invalid/api/echo' }), 'HOST_NOT_FOUND');
    assert.match(e.message, /^The host name trilium\.nonexistent\.invalid could not be resolved \(DNS: (ENOTFOUND|EAI_AGAIN)\)\.$/);
  });

  it('a server that never answers: TIMEOUT after the request timeout, naming the setting', async () => {
    const started = Date.now();
    const e = await rejects(t.request({ method: 'GET', url: `${server.url}/slow`, timeoutMs: 300 }), 'TIMEOUT');
    assert.ok(Date.now() - started < 5000);
    assert.equal(e.message, `${server.url} did not answer within 0.3 s.`);
    assert.match(e.hint ?? '', /trilium\.sync\.timeoutSeconds/);
    const t2 = createTransport({ timeoutMs: 1500 });
    try {
      const e2 = await rejects(t2.request({ method: 'GET', url: `${server.url}/slow` }), 'TIMEOUT');
      assert.equal(e2.message, `${server.url} did not answer within 1.5 s.`);
    } finally {
      t2.close?.();
    }
  });

  it('a server that accepts and never completes the TLS handshake also times out', async () => {
    const silent = net.createServer(() => { /* accept, say nothing */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await rejects(t.request({ method: 'GET', url: `https://127.0.0.1:${port}/`, timeoutMs: 300 }), 'TIMEOUT');
    } finally {
      silent.close();
    }
  });

  it('a dropped connection: CONNECTION_RESET', async () => {
    const e = await rejects(t.request({ method: 'POST', url: `${server.url}/reset`, body: 'x' }), 'CONNECTION_RESET');
    assert.equal(e.message, `The connection to ${server.url} was closed before the reply was complete.`);
  });

  it('speaking TLS to a plain HTTP port is a TLS error that suggests the scheme', async () => {
    const e = await rejects(t.request({ method: 'GET', url: server.url.replace('http:', 'https:') + '/api/echo' }), 'TLS_CERTIFICATE');
    assert.match(e.message, /The TLS connection to https:\/\/127\.0\.0\.1:\d+ failed/);
    assert.match(e.hint ?? '', /https:\/\/ for TLS, http:\/\/ otherwise/);
  });

  it('cancelling through the signal: CANCELLED', async () => {
    const controller = new AbortController();
    const p = t.request({ method: 'GET', url: `${server.url}/slow`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejects(p, 'CANCELLED');
  });

  it('decodes gzip bodies and keeps Set-Cookie apart from the other headers', async () => {
    const res = await t.request({ method: 'GET', url: `${server.url}/api/gzip` });
    assert.equal(JSON.parse(res.body.toString()).compressed, true);
    const login = await t.request({ method: 'POST', url: `${server.url}/api/login` });
    assert.deepEqual(login.setCookies, ['trilium.sid=s%3Aabc123; Path=/; HttpOnly']);
    assert.equal(login.headers['set-cookie'], undefined);
    assert.equal(login.route?.proxy, null);
    assert.equal(login.route?.proxySource, 'direct');
    assert.ok((login.route?.elapsedMs ?? -1) >= 0);
  });

  describe('reverse proxies', () => {
    it('one answering with an HTML login page: NOT_JSON with the page title', async () => {
      const rp = await startReverseProxy(server.url, 'login-page');
      try {
        const res = await t.request({ method: 'GET', url: `${rp.url}/api/setup/status` });
        assert.equal(res.status, 200);
        const e = (() => {
          try {
            parseJsonResponse(res, 'the server status');
          } catch (err) {
            return err as TriliumError;
          }
          assert.fail('parsed an HTML page as JSON');
        })();
        assert.equal(e.code, 'NOT_JSON');
        assert.equal(e.message, 'The server answered for the server status with an HTML page titled "Sign in – Example SSO" (HTTP 200) ' +
          'instead of Trilium\'s JSON: a reverse proxy, login portal or captive portal answered instead of the Trilium server.');
        assert.match(e.hint ?? '', /sync server URL/);
      } finally {
        await rp.close();
      }
    });

    it('one limiting bodies to 1 MB: BODY_TOO_LARGE for a larger body, smaller bodies pass', async () => {
      const rp = await startReverseProxy(server.url, 'body-limit-1mb');
      try {
        const big = Buffer.alloc(1024 * 1024 + 1, 'a');
        const res = await t.request({ method: 'POST', url: `${rp.url}/api/echo`, body: big });
        assert.equal(res.status, 413);
        const e = classifyHttpError(res, { what: 'pushing changes', requestBytes: big.length });
        assert.equal(e?.code, 'BODY_TOO_LARGE');
        assert.equal(e?.message, 'The server or a reverse proxy in front of it refused a 1.0 MB request body as too large (HTTP 413 for pushing changes).');
        assert.match(e?.hint ?? '', /smaller pages/);
        assert.throws(() => parseJsonResponse(res, 'pushing changes'), (x: unknown) => x instanceof TriliumError && x.code === 'BODY_TOO_LARGE');
        const small = await t.request({ method: 'POST', url: `${rp.url}/api/echo`, body: Buffer.alloc(512 * 1024, 'a') });
        assert.equal(parseJsonResponse<{ bytes: number }>(small, 'pushing changes').bytes, 512 * 1024);
        assert.equal(rp.rejected, 1);
      } finally {
        await rp.close();
      }
    });

    it('one stripping Set-Cookie: the request after login is SESSION_LOST, blaming the proxy', async () => {
      const rp = await startReverseProxy(server.url, 'strip-set-cookie');
      try {
        const login = await t.request({ method: 'POST', url: `${rp.url}/api/login` });
        assert.equal(login.status, 200);
        assert.deepEqual(login.setCookies, []);
        const next = await t.request({ method: 'GET', url: `${rp.url}/api/session` });
        const e = classifyHttpError(next, { what: 'pulling changes', afterLogin: true });
        assert.equal(e?.code, 'SESSION_LOST');
        assert.equal(e?.message, 'The login succeeded, but the next request for pulling changes arrived without its session ' +
          '(401 Logged in session not found): something between VS Code and the server drops the session cookie.');
        assert.match(e?.hint ?? '', /stripping the Set-Cookie or Cookie header/);
        // Directly, the same flow keeps its session.
        const direct = await t.request({ method: 'POST', url: `${server.url}/api/login` });
        const cookie = direct.setCookies[0].split(';')[0];
        const ok = await t.request({ method: 'GET', url: `${server.url}/api/session`, headers: { Cookie: cookie } });
        assert.equal(classifyHttpError(ok), undefined);
        assert.deepEqual(parseJsonResponse(ok, 'the session check'), { ok: true });
      } finally {
        await rp.close();
      }
    });
  });

  describe('classifyHttpError / parseJsonResponse', () => {
    it('leaves Trilium\'s own answers to the engine', () => {
      assert.equal(classifyHttpError(response(401, 'Incorrect password', { 'content-type': 'text/plain' })), undefined);
      assert.equal(classifyHttpError(response(400, '{"message":"Non-matching sync versions"}', { 'content-type': 'application/json' })), undefined);
      assert.equal(classifyHttpError(response(200, '{}', { 'content-type': 'application/json' })), undefined);
    });

    it('recognises nginx\'s client-certificate pages', () => {
      const e = classifyHttpError(response(400, '<html><head><title>400 No required SSL certificate was sent</title></head></html>', { 'content-type': 'text/html' }));
      assert.equal(e?.code, 'TLS_CLIENT_CERTIFICATE');
      assert.match(e?.message ?? '', /HTTP 400: 400 No required SSL certificate was sent/);
    });

    it('names what came back when it is neither JSON nor HTML', () => {
      const e = (() => {
        try {
          parseJsonResponse(response(200, 'OK fine', { 'content-type': 'text/plain' }), 'the login');
        } catch (err) {
          return err as TriliumError;
        }
        assert.fail('parsed text as JSON');
      })();
      assert.equal(e.code, 'NOT_JSON');
      assert.equal(e.message, 'The server\'s answer for the login is not JSON (HTTP 200, text/plain, starting "OK fine").');
    });

    it('non-2xx JSON becomes HTTP_ERROR or SERVER_ERROR with the status', () => {
      assert.throws(() => parseJsonResponse(response(404, '{"message":"no"}'), 'x'), /HTTP 404/);
      assert.throws(() => parseJsonResponse(response(502, 'Bad gateway'), 'x'), (e: unknown) => e instanceof TriliumError && e.code === 'SERVER_ERROR');
    });

    it('htmlTitle decodes entities and whitespace', () => {
      assert.equal(htmlTitle(Buffer.from('<html><title>\n  Log in &amp; stay   </title>')), 'Log in & stay');
      assert.equal(htmlTitle(Buffer.from('<html><body>no title</body>')), undefined);
    });
  });
});
