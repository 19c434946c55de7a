// The pure parts: proxy resolution order and NO_PROXY matching, settings and CLI flags → NetworkOptions,
// fingerprints and pins.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { TriliumError } from '../../../src/sync/errors';
import { buildNetworkOptions, networkOptionsFromCliFlags } from '../../../src/sync/http/networkOptions';
import { matchesNoProxy, resolveProxy } from '../../../src/sync/http/proxyResolver';
import { normalizeFingerprint, pinFor } from '../../../src/sync/http/tlsMaterial';
import type { NetworkOptions } from '../../../src/sync/http/transport';

const HTTPS = new URL('https://trilium.example.com/api/sync');
const HTTP = new URL('http://trilium.example.com:8080/');

function chosen(url: URL, o: NetworkOptions): [string | null, string] {
  const c = resolveProxy(url, o);
  return [c.proxy?.href ?? null, c.source];
}

describe('network: options', () => {
  describe('resolveProxy', () => {
    it('prefers the Trilium setting, then http.proxy, then the environment', () => {
      const env = { HTTPS_PROXY: 'http://env:1', HTTP_PROXY: 'http://envhttp:2' };
      assert.deepEqual(chosen(HTTPS, { proxy: 'http://t:3', vscodeProxy: 'http://v:4', env }), ['http://t:3/', 'trilium.sync.proxy']);
      assert.deepEqual(chosen(HTTPS, { vscodeProxy: 'http://v:4', env }), ['http://v:4/', 'http.proxy']);
      assert.deepEqual(chosen(HTTPS, { env }), ['http://env:1/', 'HTTPS_PROXY']);
      assert.deepEqual(chosen(HTTP, { env }), ['http://envhttp:2/', 'HTTP_PROXY']);
      assert.deepEqual(chosen(HTTPS, { env: { https_proxy: 'http://lower:5', HTTPS_PROXY: 'http://upper:6' } }), ['http://lower:5/', 'https_proxy']);
      assert.deepEqual(chosen(HTTPS, { env: { HTTP_PROXY: 'http://only-http:7' } }), ['http://only-http:7/', 'HTTP_PROXY']);
      assert.deepEqual(chosen(HTTPS, { env: {} }), [null, 'direct']);
    });

    it('"none" (any case) turns proxying off; http.proxySupport "off" ignores http.proxy and the environment', () => {
      assert.deepEqual(chosen(HTTPS, { proxy: 'None', vscodeProxy: 'http://v:4', env: { HTTPS_PROXY: 'http://e:1' } }), [null, 'trilium.sync.proxy']);
      assert.deepEqual(chosen(HTTPS, { proxySupport: 'off', vscodeProxy: 'http://v:4', env: { HTTPS_PROXY: 'http://e:1' } }), [null, 'http.proxySupport']);
      assert.deepEqual(chosen(HTTPS, { proxySupport: 'off', proxy: 'http://t:3' }), ['http://t:3/', 'trilium.sync.proxy']);
    });

    it('a bare host:port proxy is http://; credentials stay in the URL', () => {
      assert.deepEqual(chosen(HTTPS, { proxy: 'proxy.corp:3128' }), ['http://proxy.corp:3128/', 'trilium.sync.proxy']);
      assert.equal(resolveProxy(HTTPS, { proxy: 'http://u%40x:p%3Aw@proxy:1' }).proxy?.username, 'u%40x');
    });

    it('noProxy exempts from http.proxy and the environment, never from an explicit Trilium proxy', () => {
      assert.deepEqual(chosen(HTTPS, { vscodeProxy: 'http://v:4', noProxy: ['.example.com'] }), [null, 'http.noProxy']);
      assert.deepEqual(chosen(HTTPS, { env: { HTTPS_PROXY: 'http://e:1', NO_PROXY: 'localhost,example.com' } }), [null, 'NO_PROXY']);
      assert.deepEqual(chosen(HTTPS, { env: { HTTPS_PROXY: 'http://e:1', no_proxy: '*' } }), [null, 'no_proxy']);
      assert.deepEqual(chosen(HTTPS, { proxy: 'http://t:3', noProxy: ['*'] }), ['http://t:3/', 'trilium.sync.proxy']);
    });
  });

  describe('matchesNoProxy', () => {
    const cases: [string, string, string[], boolean][] = [
      ['a.example.com', '443', ['example.com'], true],
      ['example.com', '443', ['.example.com'], true],
      ['a.example.com', '443', ['*.example.com'], true],
      ['badexample.com', '443', ['example.com'], false],
      ['example.com', '443', ['example.com:443'], true],
      ['example.com', '8443', ['example.com:443'], false],
      ['EXAMPLE.com', '80', ['Example.COM'], true],
      ['10.1.2.3', '80', ['10.1.2.3'], true],
      ['10.1.2.3', '80', ['10.0.0.0/8'], true],
      ['11.1.2.3', '80', ['10.0.0.0/8'], false],
      ['::1', '80', ['[::1]'], true],
      ['::1', '80', ['::1'], true],
      ['fd00::5', '80', ['fd00::/8'], true],
      ['any.host', '1', ['*'], true],
      ['any.host', '1', ['', ' '], false],
    ];
    for (const [host, port, entries, expected] of cases) {
      it(`${host}:${port} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(entries)}`, () => {
        assert.equal(matchesNoProxy(host, port, entries), expected);
      });
    }
  });

  describe('buildNetworkOptions', () => {
    it('turns the settings into plain options', () => {
      const o = buildNetworkOptions({
        trilium: {
          proxy: ' http://t:3 ', caFile: '~/ca.pem', certFile: '', keyFile: '', pfxFile: '/p/client.p12',
          trustedCertificates: { 'h:443': 'AA', 'blank:1': '' }, timeoutSeconds: 30,
        },
        vscode: { proxy: 'http://v:4', noProxy: [' corp.local ', ''], proxyStrictSSL: false, proxyAuthorization: null, proxySupport: 'override' },
        env: { HOME: '/home/u', NO_PROXY: 'x' },
        secrets: { pfxPassphrase: 'pw' },
      });
      assert.deepEqual(o, {
        env: { HOME: '/home/u', NO_PROXY: 'x' },
        timeoutMs: 30_000,
        proxy: 'http://t:3',
        vscodeProxy: 'http://v:4',
        noProxy: ['corp.local'],
        proxyStrictSSL: false,
        proxySupport: 'override',
        caFile: path.join('/home/u', 'ca.pem'),
        pfxFile: '/p/client.p12',
        passphrase: 'pw',
        trustedCertificates: { 'h:443': 'AA' },
      });
    });

    it('defaults: 120 s timeout, strict proxy TLS, nothing else', () => {
      assert.deepEqual(buildNetworkOptions({ trilium: { timeoutSeconds: 0 } }), { env: {}, timeoutMs: 120_000, proxyStrictSSL: true });
      assert.equal(buildNetworkOptions({ trilium: {} }).timeoutMs, 120_000);
    });
  });

  describe('networkOptionsFromCliFlags', () => {
    it('maps --proxy --ca --cert --key --pin-sha256 --timeout', () => {
      const o = networkOptionsFromCliFlags(
        { proxy: 'none', ca: 'ca.pem', cert: '~/c.pem', key: 'k.pem', pinSha256: 'ab'.repeat(32), timeout: '45' },
        { HOME: '/h', TRILIUM_CERT_PASSPHRASE: 'kp' });
      assert.deepEqual(o, {
        env: { HOME: '/h', TRILIUM_CERT_PASSPHRASE: 'kp' }, timeoutMs: 45_000, proxy: 'none', caFile: 'ca.pem',
        certFile: path.join('/h', 'c.pem'), keyFile: 'k.pem', passphrase: 'kp', pinnedSha256: 'ab'.repeat(32),
      });
      assert.equal(networkOptionsFromCliFlags({}, {}).timeoutMs, 120_000);
      assert.equal(networkOptionsFromCliFlags({ 'pin-sha256': 'AA', pfx: 'c.p12' }, { TRILIUM_PFX_PASSPHRASE: 'pp' }).pinnedSha256, 'AA');
      assert.equal(networkOptionsFromCliFlags({ pfx: 'c.p12' }, { TRILIUM_PFX_PASSPHRASE: 'pp' }).passphrase, 'pp');
      assert.throws(() => networkOptionsFromCliFlags({ timeout: 'soon' }, {}), /--timeout takes a number of seconds, not "soon"/);
      assert.equal(networkOptionsFromCliFlags({ cert: '~/x' }, {}).certFile, path.join(os.homedir(), 'x'));
    });
  });

  describe('fingerprints and pins', () => {
    const fp = 'AB:'.repeat(31) + 'CD';
    it('normalises hex with or without colons, any case, with a sha256/ prefix', () => {
      assert.equal(normalizeFingerprint(fp.toLowerCase().replace(/:/g, '')), fp);
      assert.equal(normalizeFingerprint(`sha256/${fp}`), fp);
      assert.throws(() => normalizeFingerprint('AB:CD'), (e: unknown) => e instanceof TriliumError && e.code === 'TLS_CERTIFICATE');
    });

    it('finds the pin for host:port, then host, then the single CLI pin', () => {
      const trusted = { 'trilium.example.com:443': fp, 'other.example.com': fp.replace('CD', 'EE') };
      assert.equal(pinFor({ trustedCertificates: trusted }, 'trilium.example.com', '443'), fp);
      assert.equal(pinFor({ trustedCertificates: trusted }, 'trilium.example.com', '8443'), undefined);
      assert.equal(pinFor({ trustedCertificates: trusted }, 'other.example.com', '1'), fp.replace('CD', 'EE'));
      assert.equal(pinFor({ pinnedSha256: fp.toLowerCase() }, 'any', '1'), fp);
      assert.equal(pinFor({ trustedCertificates: { '[::1]:443': fp } }, '::1', '443'), fp);
    });
  });
});
