// Trilium's protected-data cipher: base64(IV ‖ AES-128-CBC(key, IV, SHA-1(plaintext)[0..4] ‖ plaintext)).
// The key and the IV are zero-padded or cut to 16 bytes; data written by very old versions has a 13-byte IV.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TriliumError } from '../errors';

const BLOCK = 16;
const LEGACY_IV_LENGTH = 13;
const DIGEST_LENGTH = 4;

/** Zero-pads or truncates to 16 bytes, as Trilium does with keys and IVs. */
export function to16Bytes(data: Buffer): Buffer {
  if (data.length === BLOCK) return Buffer.from(data);
  if (data.length > BLOCK) return Buffer.from(data.subarray(0, BLOCK));
  return Buffer.concat([data, Buffer.alloc(BLOCK - data.length)]);
}

function digest(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest().subarray(0, DIGEST_LENGTH);
}

function asBytes(plain: string | Buffer): Buffer {
  return Buffer.isBuffer(plain) ? plain : Buffer.from(plain, 'utf8');
}

/** Encrypts with a fresh random IV; returns the base64 string Trilium stores. */
export function encrypt(key: Buffer, plain: string | Buffer, iv: Buffer = randomBytes(BLOCK)): string {
  const cipher = createCipheriv('aes-128-cbc', to16Bytes(key), to16Bytes(iv));
  const bytes = asBytes(plain);
  const body = Buffer.concat([cipher.update(Buffer.concat([digest(bytes), bytes])), cipher.final()]);
  return Buffer.concat([iv, body]).toString('base64');
}

export function digestError(what: string): TriliumError {
  return new TriliumError('PROTECTED_DIGEST', `${what} could not be decrypted: it fails its integrity check.`,
    'The data key does not match this data (the document password was reset elsewhere?) or the data is damaged. Nothing was changed.');
}

/** Decrypts a stored ciphertext (a base64 string, or its bytes). Throws PROTECTED_DIGEST when the check fails. */
export function decrypt(key: Buffer, stored: string | Buffer, what = 'Protected data'): Buffer {
  const withIv = Buffer.from(Buffer.isBuffer(stored) ? stored.toString('latin1') : stored, 'base64');
  const ivLength = withIv.length % BLOCK === 0 ? BLOCK : LEGACY_IV_LENGTH;
  if (withIv.length < ivLength + BLOCK) throw digestError(what);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-128-cbc', to16Bytes(key), to16Bytes(withIv.subarray(0, ivLength)));
    plain = Buffer.concat([decipher.update(withIv.subarray(ivLength)), decipher.final()]);
  } catch {
    throw digestError(what);
  }
  const payload = plain.subarray(DIGEST_LENGTH);
  if (plain.length < DIGEST_LENGTH || !digest(payload).equals(plain.subarray(0, DIGEST_LENGTH))) throw digestError(what);
  return payload;
}

export function decryptString(key: Buffer, stored: string | Buffer, what?: string): string {
  return decrypt(key, stored, what).toString('utf8');
}
