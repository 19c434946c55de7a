// Protected titles and contents of notes, revisions and attachments as Trilium stores them: the stored value is
// the ciphertext (so entity and blob hashes cover it), and the blobId is the content address of a fixed prefix
// plus the plaintext, so equal contents share a blob whatever their IVs.
import { hashedBlobId, blobHash } from '../hash';
import type { WriteContext } from '../writeContext';
import { decrypt, decryptString, encrypt } from './cipher';
import { lockedError } from './session';

export const PROTECTED_TITLE = '[protected]';
export const UNREADABLE_TITLE = '[protected: cannot be decrypted]';
const BLOB_ID_PREFIX = 't$[nvQg7q)&_ENCRYPTED_?M:Bf&j3jr_';

export function protectedBlobId(plain: string | Buffer): string {
  return hashedBlobId(Buffer.isBuffer(plain) ? Buffer.concat([Buffer.from(BLOB_ID_PREFIX, 'utf8'), plain]) : BLOB_ID_PREFIX + plain);
}

/** The title to show: plaintext when the key is there, "[protected]" when locked. */
export function shownTitle(stored: string, isProtected: number | boolean, key: Buffer | null): string {
  if (!isProtected) return stored;
  if (!key) return PROTECTED_TITLE;
  try {
    return decryptString(key, stored);
  } catch {
    return UNREADABLE_TITLE;
  }
}

/** Plaintext content of a protected entity (bytes); PROTECTED_LOCKED without a key, PROTECTED_DIGEST if damaged. */
export function openContent(stored: string | Buffer | null, key: Buffer | null, what: string): Buffer | null {
  if (stored === null) return null;
  if (!key) throw lockedError(what);
  if ((Buffer.isBuffer(stored) ? stored.length : stored.length) === 0) return Buffer.alloc(0);
  return decrypt(key, stored, what);
}

export function sealTitle(key: Buffer, title: string): string {
  return encrypt(key, title);
}

/** Stores plaintext as a protected blob (ciphertext content, prefixed-plaintext blobId); returns the blobId. */
export async function saveProtectedBlob(w: WriteContext, key: Buffer, plain: string | Buffer): Promise<string> {
  const blobId = protectedBlobId(plain);
  if (await w.c.get('SELECT 1 AS x FROM blobs WHERE blobId = ?', [blobId])) return blobId;
  const stored = encrypt(key, plain);
  await w.c.run('INSERT INTO blobs (blobId, content, dateModified, utcDateModified) VALUES (?,?,?,?)', [blobId, stored, w.localNow, w.utcNow]);
  await w.putEntityChange('blobs', blobId, blobHash(blobId, stored), w.utcNow);
  return blobId;
}

/** A title copied into a new protected row (revision, attachment copy): re-encrypted with a fresh IV when possible. */
export function recopyTitle(stored: string, isProtected: number | boolean, key: Buffer | null): string {
  if (!isProtected || !key) return stored;
  try {
    return encrypt(key, decryptString(key, stored));
  } catch {
    return stored;
  }
}
