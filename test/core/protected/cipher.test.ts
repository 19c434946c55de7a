// Trilium's protected-data formulas against vectors made by independent tools (fixtures/make-vectors.sh:
// Python's hashlib.scrypt + the openssl CLI), and our ciphertexts opened by openssl.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isTriliumError } from '../../../src/storage/errors';
import { decrypt, decryptString, encrypt, newPasswordOptions, passwordMatches, unlockDataKey } from '../../../src/storage/protected';
import { protectedBlobId } from '../../../src/storage/protected/entities';
import { hashedBlobId } from '../../../src/storage/hash';

const V = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'vectors.json'), 'utf8'));
const dataKey = Buffer.from(V.dataKeyBase64, 'base64');

/** Opens one of our ciphertexts with the openssl CLI and checks the digest with Node's SHA-1 (not our code). */
function opensslOpen(key: Buffer, stored: string): Buffer {
  const all = Buffer.from(stored, 'base64');
  const iv = all.subarray(0, 16);
  const k16 = Buffer.concat([key, Buffer.alloc(16)]).subarray(0, 16);
  const r = spawnSync('openssl', ['enc', '-d', '-aes-128-cbc', '-K', k16.toString('hex'), '-iv', iv.toString('hex')], { input: all.subarray(16) });
  assert.equal(r.status, 0, r.stderr.toString());
  const digest = r.stdout.subarray(0, 4);
  const payload = r.stdout.subarray(4);
  assert.deepEqual(digest, createHash('sha1').update(payload).digest().subarray(0, 4));
  return payload;
}

describe('protected notes: cipher and document password', function () {
  this.timeout(60_000);

  it('checks the password against passwordVerificationHash and decrypts encryptedDataKey (scrypt N=16384, r=8, p=1)', async () => {
    assert.equal(await passwordMatches(V.password, V.options), true);
    assert.equal(await passwordMatches(V.password + ' ', V.options), false);
    const key = await unlockDataKey(V.password, V.options);
    assert.deepEqual(key, dataKey);
  });

  it('a wrong password is WRONG_PASSWORD and gives no key', async () => {
    await assert.rejects(unlockDataKey('not the password', V.options), (e: unknown) => isTriliumError(e, 'WRONG_PASSWORD'));
  });

  it('a document without password options is PROTECTED_NO_PASSWORD', async () => {
    await assert.rejects(unlockDataKey(V.password, {}), (e: unknown) => isTriliumError(e, 'PROTECTED_NO_PASSWORD'));
  });

  it('decrypts titles and contents made by openssl', () => {
    assert.equal(decryptString(dataKey, V.title.stored), V.title.plain);
    assert.equal(decryptString(dataKey, V.content.stored), V.content.plain);
    // As sync stores it: the bytes of the base64 string in a BLOB.
    assert.equal(decryptString(dataKey, Buffer.from(V.content.stored, 'utf8')), V.content.plain);
  });

  it('decrypts very old data with a 13-byte IV', () => {
    assert.equal(Buffer.from(V.legacyIv13.stored, 'base64').length % 16, 13);
    assert.equal(decryptString(dataKey, V.legacyIv13.stored), V.legacyIv13.plain);
  });

  it('a digest that does not match is PROTECTED_DIGEST, and so is a wrong key', () => {
    assert.throws(() => decrypt(dataKey, V.badDigest.stored), (e: unknown) => isTriliumError(e, 'PROTECTED_DIGEST'));
    const wrongKey = Buffer.from('another-key-0123456789AB', 'utf8');
    assert.throws(() => decrypt(wrongKey, V.title.stored), (e: unknown) => isTriliumError(e, 'PROTECTED_DIGEST'));
    assert.throws(() => decrypt(dataKey, 'bm90IGEgY2lwaGVydGV4dA=='), (e: unknown) => isTriliumError(e, 'PROTECTED_DIGEST'));
  });

  it('our ciphertexts open with openssl, each with a fresh IV', () => {
    const a = encrypt(dataKey, V.content.plain);
    const b = encrypt(dataKey, V.content.plain);
    assert.notEqual(a, b);
    assert.notDeepEqual(Buffer.from(a, 'base64').subarray(0, 16), Buffer.from(b, 'base64').subarray(0, 16));
    assert.equal(opensslOpen(dataKey, a).toString('utf8'), V.content.plain);
    assert.equal(opensslOpen(dataKey, b).toString('utf8'), V.content.plain);
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    assert.deepEqual(opensslOpen(dataKey, encrypt(dataKey, bytes)), bytes);
  });

  it('new password options: the hash verifies with Python scrypt and the data key is a 24-char token', async () => {
    const o = await newPasswordOptions('p4ss');
    const py = spawnSync('python3', ['-c',
      'import hashlib,base64,sys; print(base64.b64encode(hashlib.scrypt(sys.argv[1].encode(), salt=sys.argv[2].encode(), n=16384, r=8, p=1, dklen=32, maxmem=67108864)).decode())',
      'p4ss', o.passwordVerificationSalt]);
    assert.equal(py.stdout.toString().trim(), o.passwordVerificationHash);
    const key = await unlockDataKey('p4ss', o);
    assert.match(key.toString('utf8'), /^[A-Za-z0-9+/]{22}==$/);
  });

  it('the blobId of protected content is the content address of the fixed prefix plus the plaintext', () => {
    assert.equal(protectedBlobId('abc'), hashedBlobId('t$[nvQg7q)&_ENCRYPTED_?M:Bf&j3jr_abc'));
    assert.notEqual(protectedBlobId('abc'), hashedBlobId('abc'));
    assert.equal(protectedBlobId(Buffer.from('abc')), protectedBlobId('abc'));
  });
});
