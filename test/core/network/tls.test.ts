// TLS options against real HTTPS servers on 127.0.0.1 with certificates made at test time: an extra CA, a pinned
// self-signed certificate (and a changed one), and a server that requires a client certificate.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchServerCertificate } from '../../../src/sync/http/serverCertificate';
import { makeTestPki, type TestPki } from './helpers/certs';
import { startForwardProxy, startJsonServer, type JsonServer, type ProxyServer } from './helpers/servers';
import { rejects, TransportPool } from './helpers/assertions';

describe('network: TLS options', () => {
  let pki: TestPki;
  let caSigned: JsonServer;
  let selfA: JsonServer;
  let mtls: JsonServer;
  let proxy: ProxyServer;
  const pool = new TransportPool();
  const transport = pool.make;
  const hostPort = (s: JsonServer) => `127.0.0.1:${s.port}`;

  before(async () => {
    pki = makeTestPki();
    caSigned = await startJsonServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
    selfA = await startJsonServer({ tls: { key: pki.selfSignedA.key, cert: pki.selfSignedA.cert } });
    mtls = await startJsonServer({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa.cert, requestCert: true } });
    proxy = await startForwardProxy();
  });
  after(async () => {
    await pool.closeAll();
    await Promise.all([caSigned.close(), selfA.close(), mtls.close(), proxy.close()]);
    pki.cleanup();
  });

  describe('extra CA (trilium.sync.caFile)', () => {
    it('refuses a server whose CA is unknown, naming subject, issuer and fingerprint', async () => {
      const e = await rejects(transport({}).request({ method: 'GET', url: `${caSigned.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.match(e.message, /not issued by a certificate authority this computer trusts/);
      assert.match(e.message, /subject "CN=sync\.test, O=Trilium VS Code tests"/);
      assert.match(e.message, /issuer "CN=Trilium Test Root CA, O=Trilium VS Code tests"/);
      assert.ok(e.message.includes(pki.server.fingerprint256), e.message);
      assert.match(e.hint ?? '', /trilium\.sync\.caFile/);
    });

    it('accepts it with the CA as a PEM file, and still trusts Node\'s own roots', async () => {
      const res = await transport({ caFile: pki.ca.certFile }).request({ method: 'GET', url: `${caSigned.url}/api/echo` });
      assert.equal(res.status, 200);
      assert.equal(res.route?.peerCertificate?.issuer, 'CN=Trilium Test Root CA, O=Trilium VS Code tests');
    });

    it('accepts it with a folder of PEM files', async () => {
      const folder = fs.mkdtempSync(path.join(pki.dir, 'cas-'));
      fs.copyFileSync(pki.clientCa.certFile, path.join(folder, 'a-other.pem'));
      fs.copyFileSync(pki.ca.certFile, path.join(folder, 'b-ours.crt'));
      fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a certificate');
      const res = await transport({ caFile: folder }).request({ method: 'GET', url: `${caSigned.url}/api/echo` });
      assert.equal(res.status, 200);
    });

    it('a missing CA file is reported with the setting that names it', async () => {
      const e = await rejects(transport({ caFile: path.join(pki.dir, 'nope.pem') }).request({ method: 'GET', url: `${caSigned.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.match(e.message, /nope\.pem \(trilium\.sync\.caFile\): it does not exist/);
    });

    it('the CA does not make a self-signed certificate acceptable', async () => {
      const e = await rejects(transport({ caFile: pki.ca.certFile }).request({ method: 'GET', url: `${selfA.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.match(e.message, /it is self-signed/);
    });
  });

  describe('pinned self-signed certificate (trilium.sync.trustedCertificates)', () => {
    it('refuses it before it is accepted, saying how to accept it', async () => {
      const e = await rejects(transport({}).request({ method: 'GET', url: `${selfA.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.match(e.message, /was refused: it is self-signed \(subject "CN=home-server-a/);
      assert.ok(e.message.includes(pki.selfSignedA.fingerprint256));
      assert.match(e.message, /\[DEPTH_ZERO_SELF_SIGNED_CERT\]$/);
      assert.match(e.hint ?? '', new RegExp(`trusted for ${hostPort(selfA).replace(/\./g, '\\.')} only \\(trilium\\.sync\\.trustedCertificates\\)`));
    });

    it('fetchServerCertificate shows it without trusting it, directly and through a proxy', async () => {
      const direct = await fetchServerCertificate(selfA.url, { env: {} });
      assert.equal(direct.fingerprint256, pki.selfSignedA.fingerprint256);
      assert.equal(direct.subject, 'CN=home-server-a, O=Trilium VS Code tests');
      assert.equal(direct.selfSigned, true);
      assert.equal(direct.trusted, false);
      assert.equal(direct.trustError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.equal(direct.hostPort, hostPort(selfA));
      assert.ok(Date.parse(direct.validTo) > Date.now());
      proxy.seen.length = 0;
      const viaProxy = await fetchServerCertificate(caSigned.url, { proxy: proxy.url, caFile: pki.ca.certFile, env: {} });
      assert.equal(viaProxy.trusted, true);
      assert.equal(viaProxy.fingerprint256, pki.server.fingerprint256);
      assert.deepEqual(proxy.seen, [`CONNECT ${hostPort(caSigned)}`]);
    });

    it('accepts it once pinned for its host:port (any fingerprint spelling), directly and through a proxy', async () => {
      const lowerNoColons = pki.selfSignedA.fingerprint256.replace(/:/g, '').toLowerCase();
      let res = await transport({ trustedCertificates: { [hostPort(selfA)]: lowerNoColons } }).request({ method: 'GET', url: `${selfA.url}/api/echo` });
      assert.equal(res.status, 200);
      assert.equal(res.route?.pinned, true);
      assert.equal(res.route?.peerCertificate?.fingerprint256, pki.selfSignedA.fingerprint256);
      res = await transport({ proxy: proxy.url, trustedCertificates: { [hostPort(selfA)]: pki.selfSignedA.fingerprint256 } })
        .request({ method: 'GET', url: `${selfA.url}/api/echo` });
      assert.equal(res.status, 200);
    });

    it('the pin is scoped to that host:port: another self-signed server stays refused', async () => {
      const other = await startJsonServer({ tls: { key: pki.selfSignedB.key, cert: pki.selfSignedB.cert } });
      try {
        const t = transport({ trustedCertificates: { [hostPort(selfA)]: pki.selfSignedA.fingerprint256 } });
        assert.equal((await t.request({ method: 'GET', url: `${selfA.url}/api/echo` })).status, 200);
        const e = await rejects(t.request({ method: 'GET', url: `${other.url}/api/echo` }), 'TLS_CERTIFICATE');
        assert.match(e.message, /self-signed/);
      } finally {
        await other.close();
      }
    });

    it('refuses a changed certificate with both fingerprints, and sends no request to it', async () => {
      const changed = await startJsonServer({ tls: { key: pki.selfSignedB.key, cert: pki.selfSignedB.cert } });
      try {
        const t = transport({ trustedCertificates: { [hostPort(changed)]: pki.selfSignedA.fingerprint256 } });
        const e = await rejects(t.request({ method: 'POST', url: `${changed.url}/api/echo`, body: 'secret' }), 'TLS_PIN_MISMATCH');
        assert.ok(e.message.includes(`it is now ${pki.selfSignedB.fingerprint256}`), e.message);
        assert.ok(e.message.includes(`the trusted certificate is ${pki.selfSignedA.fingerprint256}`), e.message);
        assert.match(e.message, /subject "CN=home-server-b/);
        assert.match(e.hint ?? '', /trilium\.sync\.trustedCertificates/);
        assert.equal(changed.requests.length, 0, 'the server never received the request');
        const viaProxy = transport({ proxy: proxy.url, trustedCertificates: { [hostPort(changed)]: pki.selfSignedA.fingerprint256 } });
        await rejects(viaProxy.request({ method: 'GET', url: `${changed.url}/api/echo` }), 'TLS_PIN_MISMATCH');
        assert.equal(changed.requests.length, 0);
      } finally {
        await changed.close();
      }
    });

    it('a pin also refuses a CA-valid certificate that is not the pinned one', async () => {
      const e = await rejects(transport({ caFile: pki.ca.certFile, pinnedSha256: pki.selfSignedA.fingerprint256 })
        .request({ method: 'GET', url: `${caSigned.url}/api/echo` }), 'TLS_PIN_MISMATCH');
      assert.ok(e.message.includes(pki.server.fingerprint256));
    });

    it('a malformed fingerprint is reported as such', async () => {
      const e = await rejects(transport({ trustedCertificates: { [hostPort(selfA)]: 'abc' } }).request({ method: 'GET', url: `${selfA.url}/api/echo` }), 'TLS_CERTIFICATE');
      assert.match(e.message, /"abc" is not a SHA-256 certificate fingerprint/);
    });
  });

  describe('client certificate', () => {
    it('is refused without one: TLS_CLIENT_CERTIFICATE naming the settings', async () => {
      const e = await rejects(transport({ caFile: pki.ca.certFile }).request({ method: 'GET', url: `${mtls.url}/api/echo` }), 'TLS_CLIENT_CERTIFICATE');
      assert.match(e.message, /requires a client certificate/);
      assert.match(e.hint ?? '', /trilium\.sync\.certFile and trilium\.sync\.keyFile/);
      assert.match(e.hint ?? '', /trilium\.sync\.pfxFile/);
    });

    it('is accepted with a PEM certificate and key, directly and through a proxy', async () => {
      mtls.clientCertificates.length = 0;
      const o = { caFile: pki.ca.certFile, certFile: pki.client.certFile, keyFile: pki.client.keyFile };
      assert.equal((await transport(o).request({ method: 'GET', url: `${mtls.url}/api/echo` })).status, 200);
      assert.equal((await transport({ ...o, proxy: proxy.url }).request({ method: 'GET', url: `${mtls.url}/api/echo` })).status, 200);
      assert.deepEqual(mtls.clientCertificates, ['vscode-client', 'vscode-client']);
    });

    it('is accepted with PKCS#12 and its passphrase', async () => {
      mtls.clientCertificates.length = 0;
      const res = await transport({ caFile: pki.ca.certFile, pfxFile: pki.clientPfxFile, passphrase: pki.clientPfxPassphrase })
        .request({ method: 'GET', url: `${mtls.url}/api/echo` });
      assert.equal(res.status, 200);
      assert.deepEqual(mtls.clientCertificates, ['vscode-client']);
    });

    it('a wrong PKCS#12 passphrase is reported before connecting', async () => {
      const e = await rejects(transport({ caFile: pki.ca.certFile, pfxFile: pki.clientPfxFile, passphrase: 'wrong' })
        .request({ method: 'GET', url: `${mtls.url}/api/echo` }), 'TLS_CLIENT_CERTIFICATE');
      assert.match(e.message, /trilium\.sync\.pfxFile\) cannot be used: the passphrase is wrong or missing/);
    });

    it('a key that does not belong to the certificate is reported', async () => {
      const e = await rejects(transport({ certFile: pki.client.certFile, keyFile: pki.selfSignedA.keyFile })
        .request({ method: 'GET', url: `${mtls.url}/api/echo` }), 'TLS_CLIENT_CERTIFICATE');
      assert.match(e.message, /the key does not belong to the certificate/);
    });

    it('a certificate the server does not trust is refused', async () => {
      const e = await rejects(transport({ caFile: pki.ca.certFile, certFile: pki.selfSignedA.certFile, keyFile: pki.selfSignedA.keyFile })
        .request({ method: 'GET', url: `${mtls.url}/api/echo` }), 'TLS_CLIENT_CERTIFICATE');
      assert.match(e.message, /closed the connection right after the TLS handshake without answering: it probably does not accept the client certificate/);
      assert.match(e.hint ?? '', /trilium\.sync\.certFile/);
    });
  });
});
