import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { CookieJar } from '../../../src/sync/cookieJar';
import { credentialsHeader, loginHash, utcDateTimeString } from '../../../src/sync/credentials';
import { splitIntoPages } from '../../../src/sync/paging';
import { normalizeServerUrl } from '../../../src/sync/protocolClient';
import { differingSectors } from '../../../src/sync/sectors';
import { describeOffset } from '../../../src/sync/responseErrors';

describe('sync protocol pieces', () => {
  it('formats the login timestamp exactly as YYYY-MM-DD HH:mm:ss.sssZ', () => {
    assert.equal(utcDateTimeString(new Date(Date.UTC(2026, 2, 8, 10, 43, 59, 5))), '2026-03-08 10:43:59.005Z');
  });

  it('signs the timestamp with HMAC-SHA256 keyed by the document secret, base64 with padding', () => {
    const ts = '2026-03-08 10:43:59.123Z';
    const hash = loginHash('c2VjcmV0c2VjcmV0c2VjcmV0', ts);
    assert.equal(hash, createHmac('sha256', 'c2VjcmV0c2VjcmV0c2VjcmV0').update(ts).digest('base64'));
    assert.equal(hash.length, 44);
    assert.ok(hash.endsWith('='));
  });

  it('builds trilium-cred as base64 of dummy:<password>, without a Basic prefix', () => {
    assert.equal(Buffer.from(credentialsHeader('pä:ss'), 'base64').toString('utf8'), 'dummy:pä:ss');
  });

  it('cuts pages on code-point boundaries, never inside a multi-byte character or surrogate pair', () => {
    const body = JSON.stringify({ text: '😀é漢'.repeat(5000) });
    const pages = splitIntoPages(body, 1001);
    assert.ok(pages.length > 10);
    for (const page of pages) {
      assert.ok(page.length <= 1001);
      // Each page decodes on its own without replacement characters.
      assert.ok(!page.toString('utf8').includes('\uFFFD'));
    }
    assert.equal(pages.map((p) => p.toString('utf8')).join(''), body);
    assert.deepEqual(splitIntoPages('short', 1000).map(String), ['short']);
  });

  it('keeps a name→value jar: attributes dropped, values replaced, foreign cookies kept, expired ones removed', () => {
    const jar = new CookieJar();
    jar.update(['LB=node3; Path=/; HttpOnly', 'trilium.sid=s%3Aabc; Path=/; Expires=Wed, 01 Jan 2099 00:00:00 GMT; HttpOnly; SameSite=Lax']);
    assert.equal(jar.header(), 'LB=node3; trilium.sid=s%3Aabc');
    jar.update(['trilium.sid=s%3Adef; Path=/']);
    assert.equal(jar.header(), 'LB=node3; trilium.sid=s%3Adef');
    jar.update(['LB=; Max-Age=0']);
    assert.equal(jar.header(), 'trilium.sid=s%3Adef');
  });

  it('normalises server URLs: trailing and duplicate slashes', () => {
    assert.equal(normalizeServerUrl(' https://h.example//trilium/ '), 'https://h.example/trilium');
    assert.equal(normalizeServerUrl('http://127.0.0.1:8080///'), 'http://127.0.0.1:8080');
    assert.throws(() => normalizeServerUrl('not a url'), /not a sync server URL/);
  });

  it('compares sectors over the union, for entity names present locally only', () => {
    const failed = differingSectors(
      { notes: { a: 'x', b: 'y' }, branches: { r: 'z' } },
      { notes: { a: 'x', c: 'w' }, branches: { r: 'z' }, attributes: { q: 'only remote' } },
    );
    assert.deepEqual(failed, [{ entityName: 'notes', sector: 'b' }, { entityName: 'notes', sector: 'c' }]);
  });

  it('says by how much and which way a clock is off', () => {
    assert.equal(describeOffset(7 * 60_000 + 3000), '7 min 3 s behind the server');
    assert.equal(describeOffset(-(2 * 3600_000 + 5 * 60_000)), '2 h 5 min ahead of the server');
  });
});
