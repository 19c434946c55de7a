// The network layer inside a real VS Code extension host (code-server 4.100.3), where @vscode/proxy-agent patches
// http/https and, with http.proxySupport "override", replaces the agent of every request to a host other than
// localhost/127.0.0.1. The servers listen on 127.0.0.2 (loopback, but not "local" to the patch), so these tests
// show that our agent — our proxy choice, CA, pin and client certificate — is what carries the requests.
import * as assert from 'assert';
import * as https from 'https';
import { HttpsProxyAgent } from 'hpagent';
import fetch from 'node-fetch';
import * as vscode from 'vscode';
import { readSettings } from '../../src/settings';
import { TriliumError } from '../../src/sync/errors';
import { ServerHttpsAgent } from '../../src/sync/http/agents';
import { buildNetworkOptions } from '../../src/sync/http/networkOptions';
import { fetchServerCertificate } from '../../src/sync/http/serverCertificate';
import { createTransport, type NetworkOptions, type Transport } from '../../src/sync/http/transport';
import { makeTestPki, type TestPki } from '../core/network/helpers/certs';
import { startForwardProxy, startJsonServer, type JsonServer, type ProxyServer } from '../core/network/helpers/servers';

const HOST = '127.0.0.2';

async function rejects(p: Promise<unknown>, code: string): Promise<TriliumError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TriliumError, `expected a TriliumError, got ${String(e)}`);
    assert.strictEqual(e.code, code, e.userMessage);
    return e;
  }
  assert.fail(`expected ${code}, but the request succeeded`);
}

async function setHttpSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('http').update(name, value, vscode.ConfigurationTarget.Global);
  for (let i = 0; i < 100 && JSON.stringify(vscode.workspace.getConfiguration('http').get(name)) !== JSON.stringify(value ?? defaultOf(name)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function defaultOf(name: string): unknown {
  return vscode.workspace.getConfiguration('http').inspect(name)?.defaultValue;
}

/** What the VS Code glue does: read the settings, build the options (secrets and trilium.* given by the test). */
function optionsFromVscode(trilium: Parameters<typeof buildNetworkOptions>[0]['trilium'], pfxPassphrase?: string): NetworkOptions {
  return buildNetworkOptions({
    trilium,
    vscode: readSettings().vscode,
    env: {},
    secrets: { pfxPassphrase },
  });
}

describe('network layer in the extension host (http.proxySupport = override)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let caSigned: JsonServer;
  let selfA: JsonServer;
  let selfB: JsonServer;
  let mtls: JsonServer;
  let proxy: ProxyServer;
  const transports: Transport[] = [];
  const transport = (o: NetworkOptions) => {
    const t = createTransport(o);
    transports.push(t);
    return t;
  };
  const hostPort = (s: JsonServer) => `${HOST}:${s.port}`;

  before(async () => {
    pki = makeTestPki();
    await setHttpSetting('proxySupport', 'override');
    assert.strictEqual(vscode.workspace.getConfiguration('http').get('proxySupport'), 'override');
    caSigned = await startJsonServer({ host: HOST, tls: { key: pki.server.key, cert: pki.server.cert } });
    selfA = await startJsonServer({ host: HOST, tls: { key: pki.selfSignedA.key, cert: pki.selfSignedA.cert } });
    selfB = await startJsonServer({ host: HOST, tls: { key: pki.selfSignedB.key, cert: pki.selfSignedB.cert } });
    mtls = await startJsonServer({ host: HOST, tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa.cert, requestCert: true } });
    proxy = await startForwardProxy({ host: HOST, credentials: { user: 'bob', pass: 's3cret' } });
  });
  after(async () => {
    for (const t of transports) t.close?.();
    await setHttpSetting('proxy', undefined);
    await Promise.all([caSigned.close(), selfA.close(), selfB.close(), mtls.close(), proxy.close()]);
    pki.cleanup();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
  });

  // Canaries: they show the patch is active here; if they fail, the tests after them prove nothing.
  it('canary: the patch is active — https.request drops a pinning agent for 127.0.0.2: the self-signed certificate is refused', async () => {
    const agent = new ServerHttpsAgent({ pin: pki.selfSignedA.fingerprint256 });
    const outcome = await new Promise<string>((resolve) => {
      const req = https.request({ host: HOST, port: selfA.port, path: '/api/echo', agent }, (res) => {
        res.resume();
        resolve(`HTTP ${res.statusCode}`);
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(String(e.code)));
      req.end();
    });
    agent.destroy();
    assert.strictEqual(outcome, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('canary: node-fetch with an hpagent proxy agent for 127.0.0.2 bypasses the proxy', async () => {
    const agent = new HttpsProxyAgent({ proxy: proxy.url.replace('http://', 'http://bob:s3cret@'), ca: [pki.ca.cert] });
    const res = await fetch(`${caSigned.url}/api/echo`, { agent });
    agent.destroy();
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(proxy.seen, [], 'the request went around the proxy');
  });

  it('our explicit proxy is used: the proxy saw the CONNECT, with credentials', async () => {
    const t = transport(optionsFromVscode({ proxy: proxy.url.replace('http://', 'http://bob:s3cret@'), caFile: pki.ca.certFile }));
    const res = await t.request({ method: 'GET', url: `${caSigned.url}/api/echo` });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(proxy.seen, [`CONNECT ${hostPort(caSigned)}`]);
    assert.strictEqual(res.route?.proxy, proxy.url);
    assert.strictEqual(res.route?.proxySource, 'trilium.sync.proxy');
  });

  it('VS Code\'s http.proxy is used when the Trilium proxy is empty, with one CONNECT (not proxied twice)', async () => {
    await setHttpSetting('proxy', proxy.url.replace('http://', 'http://bob:s3cret@'));
    try {
      const t = transport(optionsFromVscode({ caFile: pki.ca.certFile }));
      const res = await t.request({ method: 'GET', url: `${caSigned.url}/api/echo` });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.route?.proxySource, 'http.proxy');
      assert.deepStrictEqual(proxy.seen, [`CONNECT ${hostPort(caSigned)}`]);
    } finally {
      await setHttpSetting('proxy', undefined);
    }
  });

  it('plain http:// goes to our proxy as an absolute-form request', async () => {
    const plain = await startJsonServer({ host: HOST });
    try {
      const t = transport(optionsFromVscode({ proxy: proxy.url.replace('http://', 'http://bob:s3cret@') }));
      const res = await t.request({ method: 'GET', url: `${plain.url}/api/echo` });
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(proxy.seen, [`GET ${plain.url}/api/echo`]);
    } finally {
      await plain.close();
    }
  });

  it('a proxy without credentials is refused with PROXY_AUTH_REQUIRED', async () => {
    const e = await rejects(transport(optionsFromVscode({ proxy: proxy.url, caFile: pki.ca.certFile }))
      .request({ method: 'GET', url: `${caSigned.url}/api/echo` }), 'PROXY_AUTH_REQUIRED');
    assert.match(e.message, /requires authentication \(407/);
  });

  it('a test CA works: refused without it, accepted with it', async () => {
    const e = await rejects(transport(optionsFromVscode({})).request({ method: 'GET', url: `${caSigned.url}/api/echo` }), 'TLS_CERTIFICATE');
    assert.ok(e.message.includes(pki.server.fingerprint256), e.message);
    const res = await transport(optionsFromVscode({ caFile: pki.ca.certFile })).request({ method: 'GET', url: `${caSigned.url}/api/echo` });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.route?.peerCertificate?.fingerprint256, pki.server.fingerprint256);
  });

  it('a pin works, and a changed certificate is refused with both fingerprints', async () => {
    const shown = await fetchServerCertificate(selfA.url, optionsFromVscode({}));
    assert.strictEqual(shown.fingerprint256, pki.selfSignedA.fingerprint256);
    assert.strictEqual(shown.trusted, false);
    const trilium = { trustedCertificates: { [hostPort(selfA)]: shown.fingerprint256, [hostPort(selfB)]: shown.fingerprint256 } };
    const t = transport(optionsFromVscode(trilium));
    const res = await t.request({ method: 'GET', url: `${selfA.url}/api/echo` });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.route?.pinned, true);
    const e = await rejects(t.request({ method: 'GET', url: `${selfB.url}/api/echo` }), 'TLS_PIN_MISMATCH');
    assert.ok(e.message.includes(pki.selfSignedA.fingerprint256) && e.message.includes(pki.selfSignedB.fingerprint256), e.message);
    assert.strictEqual(selfB.requests.length, 0);
  });

  it('a pin works through the proxy too', async () => {
    const t = transport(optionsFromVscode({
      proxy: proxy.url.replace('http://', 'http://bob:s3cret@'),
      trustedCertificates: { [hostPort(selfA)]: pki.selfSignedA.fingerprint256 },
    }));
    assert.strictEqual((await t.request({ method: 'GET', url: `${selfA.url}/api/echo` })).status, 200);
    assert.deepStrictEqual(proxy.seen, [`CONNECT ${hostPort(selfA)}`]);
  });

  it('a client certificate is presented (PEM and PKCS#12); without one the server refuses', async () => {
    await rejects(transport(optionsFromVscode({ caFile: pki.ca.certFile })).request({ method: 'GET', url: `${mtls.url}/api/echo` }), 'TLS_CLIENT_CERTIFICATE');
    mtls.clientCertificates.length = 0;
    const pem = transport(optionsFromVscode({ caFile: pki.ca.certFile, certFile: pki.client.certFile, keyFile: pki.client.keyFile }));
    assert.strictEqual((await pem.request({ method: 'GET', url: `${mtls.url}/api/echo` })).status, 200);
    const pfx = transport(optionsFromVscode({ caFile: pki.ca.certFile, pfxFile: pki.clientPfxFile }, pki.clientPfxPassphrase));
    assert.strictEqual((await pfx.request({ method: 'GET', url: `${mtls.url}/api/echo` })).status, 200);
    assert.deepStrictEqual(mtls.clientCertificates, ['vscode-client', 'vscode-client']);
  });
});
