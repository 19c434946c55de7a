// Proxies for real: the npm `proxy` forward proxy (CONNECT and absolute-form, with and without Basic auth) in
// front of an HTTP and an HTTPS server, all on 127.0.0.1.
import * as assert from 'node:assert/strict';
import type { NetworkOptions } from '../../../src/sync/http/transport';
import { makeTestPki, type TestPki } from './helpers/certs';
import { closedPort, startForwardProxy, startJsonServer, type JsonServer, type ProxyServer } from './helpers/servers';
import { rejects, TransportPool } from './helpers/assertions';

describe('network: forward proxies', () => {
  let pki: TestPki;
  let plain: JsonServer;
  let secure: JsonServer;
  let proxy: ProxyServer;
  let authProxy: ProxyServer;
  const pool = new TransportPool();
  const transport = pool.make;

  before(async () => {
    pki = makeTestPki();
    plain = await startJsonServer();
    secure = await startJsonServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
    proxy = await startForwardProxy();
    authProxy = await startForwardProxy({ credentials: { user: 'alice', pass: 'p@ss:word' } });
  });
  after(async () => {
    await pool.closeAll();
    await Promise.all([plain.close(), secure.close(), proxy.close(), authProxy.close()]);
    pki.cleanup();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    authProxy.seen.length = 0;
    authProxy.authorizations.length = 0;
  });

  it('sends http:// requests through the Trilium proxy setting as absolute-form requests', async () => {
    const res = await transport({ proxy: proxy.url }).request({ method: 'GET', url: `${plain.url}/api/echo?x=1` });
    assert.equal(res.status, 200);
    assert.deepEqual(proxy.seen, [`GET ${plain.url}/api/echo?x=1`]);
    assert.equal(res.route?.proxy, proxy.url);
    assert.equal(res.route?.proxySource, 'trilium.sync.proxy');
  });

  it('tunnels https:// requests with CONNECT and still checks the server certificate against our CA', async () => {
    const t = transport({ proxy: proxy.url, caFile: pki.ca.certFile });
    const res = await t.request({ method: 'POST', url: `${secure.url}/api/echo`, body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body.toString()).bytes, 7);
    assert.deepEqual(proxy.seen, [`CONNECT 127.0.0.1:${secure.port}`]);
    assert.equal(res.route?.peerCertificate?.fingerprint256, pki.server.fingerprint256);
    assert.match(res.route?.tlsProtocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(res.route?.pinned, false);
  });

  it('a TLS failure behind the proxy is a certificate error, not a proxy error', async () => {
    const e = await rejects(transport({ proxy: proxy.url }).request({ method: 'GET', url: `${secure.url}/api/echo` }), 'TLS_CERTIFICATE');
    assert.match(e.message, /through the proxy http:\/\/127\.0\.0\.1:\d+/);
    assert.match(e.message, /Trilium Test Root CA/);
    assert.match(e.hint ?? '', /trilium\.sync\.caFile/);
  });

  it('falls back to VS Code http.proxy, then to HTTPS_PROXY / http_proxy, and says which one chose the route', async () => {
    let res = await transport({ vscodeProxy: proxy.url }).request({ method: 'GET', url: `${plain.url}/api/echo` });
    assert.equal(res.route?.proxySource, 'http.proxy');
    res = await transport({ env: { HTTPS_PROXY: proxy.url }, caFile: pki.ca.certFile }).request({ method: 'GET', url: `${secure.url}/api/echo` });
    assert.equal(res.route?.proxySource, 'HTTPS_PROXY');
    res = await transport({ env: { http_proxy: proxy.url } }).request({ method: 'GET', url: `${plain.url}/api/echo` });
    assert.equal(res.route?.proxySource, 'http_proxy');
    assert.equal(proxy.seen.length, 3);
  });

  it('"none" in the Trilium setting connects directly even when http.proxy and the environment name a proxy', async () => {
    const res = await transport({ proxy: 'none', vscodeProxy: proxy.url, env: { HTTP_PROXY: proxy.url } })
      .request({ method: 'GET', url: `${plain.url}/api/echo` });
    assert.equal(res.status, 200);
    assert.deepEqual(proxy.seen, []);
    assert.equal(res.route?.proxy, null);
  });

  it('http.noProxy and NO_PROXY bypass the proxy (host, host:port, *)', async () => {
    for (const o of [
      { vscodeProxy: proxy.url, noProxy: ['127.0.0.1'] },
      { vscodeProxy: proxy.url, noProxy: [`127.0.0.1:${plain.port}`] },
      { env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, *' } },
      { env: { HTTP_PROXY: proxy.url, no_proxy: '127.0.0.0/8' } },
    ] as NetworkOptions[]) {
      const res = await transport(o).request({ method: 'GET', url: `${plain.url}/api/echo` });
      assert.equal(res.status, 200);
      assert.equal(res.route?.proxy, null);
    }
    assert.deepEqual(proxy.seen, []);
    const other = await transport({ vscodeProxy: proxy.url, noProxy: [`127.0.0.1:${plain.port + 1}`] }).request({ method: 'GET', url: `${plain.url}/api/echo` });
    assert.equal(other.route?.proxySource, 'http.proxy', 'a noProxy entry for another port does not apply');
  });

  it('authenticates with credentials from the proxy URL (percent-encoded) for CONNECT and absolute-form', async () => {
    const withCreds = authProxy.url.replace('http://', 'http://alice:p%40ss%3Aword@');
    const t = transport({ proxy: withCreds, caFile: pki.ca.certFile });
    assert.equal((await t.request({ method: 'GET', url: `${secure.url}/api/echo` })).status, 200);
    const res = await t.request({ method: 'GET', url: `${plain.url}/api/echo` });
    assert.equal(res.status, 200);
    assert.equal(res.route?.proxy, authProxy.url, 'the route never shows the credentials');
    assert.deepEqual(authProxy.seen, [`CONNECT 127.0.0.1:${secure.port}`, `GET ${plain.url}/api/echo`]);
  });

  it('authenticates with http.proxyAuthorization when the URL has no credentials', async () => {
    const header = `Basic ${Buffer.from('alice:p@ss:word').toString('base64')}`;
    const res = await transport({ vscodeProxy: authProxy.url, proxyAuthorization: header, caFile: pki.ca.certFile })
      .request({ method: 'GET', url: `${secure.url}/api/echo` });
    assert.equal(res.status, 200);
    assert.deepEqual(authProxy.authorizations, [header]);
  });

  it('407 without credentials: PROXY_AUTH_REQUIRED naming the setting', async () => {
    const e = await rejects(transport({ proxy: authProxy.url }).request({ method: 'GET', url: `${secure.url}/api/echo` }), 'PROXY_AUTH_REQUIRED');
    assert.match(e.message, new RegExp(`The proxy ${authProxy.url.replace(/[/.]/g, '\\$&')} requires authentication \\(407 Proxy Authentication Required`));
    assert.match(e.hint ?? '', /trilium\.sync\.proxy/);
    assert.match(e.hint ?? '', /http\.proxyAuthorization/);
    const e2 = await rejects(transport({ vscodeProxy: authProxy.url }).request({ method: 'GET', url: `${plain.url}/api/echo` }), 'PROXY_AUTH_REQUIRED');
    assert.match(e2.hint ?? '', /http\.proxy \(or set trilium\.sync\.proxy\)/);
  });

  it('407 with wrong credentials: says the credentials were rejected', async () => {
    const wrong = authProxy.url.replace('http://', 'http://alice:wrong@');
    for (const url of [`${secure.url}/api/echo`, `${plain.url}/api/echo`]) {
      const e = await rejects(transport({ proxy: wrong }).request({ method: 'GET', url }), 'PROXY_AUTH_REQUIRED');
      assert.match(e.message, /rejected the proxy credentials \(407/);
      assert.doesNotMatch(e.message, /wrong/, 'the password never appears in messages');
    }
  });

  it('a proxy that is down: PROXY_UNREACHABLE naming where it came from', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    let e = await rejects(transport({ proxy: down }).request({ method: 'GET', url: `${secure.url}/api/echo` }), 'PROXY_UNREACHABLE');
    assert.equal(e.message, `Cannot reach the proxy ${down} (ECONNREFUSED), chosen by trilium.sync.proxy.`);
    assert.match(e.hint ?? '', /"none"/);
    e = await rejects(transport({ env: { HTTP_PROXY: down } }).request({ method: 'GET', url: `${plain.url}/api/echo` }), 'PROXY_UNREACHABLE');
    assert.match(e.message, /chosen by HTTP_PROXY\.$/);
  });

  it('keeps using the proxy on the next request after a failure (no proxyToggle)', async () => {
    const t = transport({ proxy: proxy.url, caFile: pki.ca.certFile });
    const deadPort = await closedPort();
    await assert.rejects(t.request({ method: 'GET', url: `https://127.0.0.1:${deadPort}/api/echo` }));
    const res = await t.request({ method: 'GET', url: `${secure.url}/api/echo` });
    assert.equal(res.route?.proxy, proxy.url);
    assert.deepEqual(proxy.seen, [`CONNECT 127.0.0.1:${deadPort}`, `CONNECT 127.0.0.1:${secure.port}`]);
  });

  it('an https:// proxy: its certificate is checked (http.proxyStrictSSL), against trilium.sync.caFile too', async () => {
    const tlsProxy = await startForwardProxy({ tls: { key: pki.server.key, cert: pki.server.cert } });
    try {
      const e = await rejects(transport({ vscodeProxy: tlsProxy.url }).request({ method: 'GET', url: `${plain.url}/api/echo` }), 'PROXY_ERROR');
      assert.ok(e.message.startsWith(`The certificate of the proxy ${tlsProxy.url} was refused (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`), e.message);
      const e2 = await rejects(transport({ vscodeProxy: tlsProxy.url }).request({ method: 'GET', url: `${secure.url}/api/echo` }), 'PROXY_ERROR');
      assert.match(e2.message, /^The certificate of the proxy/);
      assert.match(e.hint ?? '', /http\.proxyStrictSSL/);
      const withCa = await transport({ vscodeProxy: tlsProxy.url, caFile: pki.ca.certFile }).request({ method: 'GET', url: `${plain.url}/api/echo` });
      assert.equal(withCa.status, 200);
      const lax = await transport({ vscodeProxy: tlsProxy.url, proxyStrictSSL: false, caFile: pki.ca.certFile }).request({ method: 'GET', url: `${secure.url}/api/echo` });
      assert.equal(lax.status, 200);
      await rejects(transport({ vscodeProxy: tlsProxy.url, proxyStrictSSL: false }).request({ method: 'GET', url: `${secure.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.deepEqual(tlsProxy.seen, [`GET ${plain.url}/api/echo`, `CONNECT 127.0.0.1:${secure.port}`, `CONNECT 127.0.0.1:${secure.port}`]);
    } finally {
      await tlsProxy.close();
    }
  });

  it('a malformed proxy setting is a PROXY_ERROR naming the setting', async () => {
    const e = await rejects(transport({ proxy: 'socks5://127.0.0.1:1080' }).request({ method: 'GET', url: `${plain.url}/api/echo` }), 'PROXY_ERROR');
    assert.match(e.message, /only http:\/\/ and https:\/\/ proxies/);
    assert.match(e.hint ?? '', /trilium\.sync\.proxy/);
  });
});
