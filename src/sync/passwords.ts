// Password verification options as Trilium keeps them (synced options, so every instance shares the password):
// passwordVerificationHash = base64(scrypt(password, passwordVerificationSalt, 32, N=16384, r=8, p=1)).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { TriliumError } from '../storage/errors';
import { newPasswordOptions, PASSWORD_OPTION_NAMES } from '../storage/protected/documentPassword';

const scrypt = promisify(scryptCb) as (password: string, salt: string, keylen: number, options: object) => Promise<Buffer>;
const SCRYPT_OPTIONS = { N: 16384, r: 8, p: 1 };

export interface PasswordOptions {
  passwordVerificationSalt: string;
  passwordVerificationHash: string;
  passwordDerivedKeySalt: string;
}

export async function verificationHash(password: string, salt: string): Promise<string> {
  return (await scrypt(password, salt, 32, SCRYPT_OPTIONS)).toString('base64');
}

export async function createPasswordOptions(password: string): Promise<PasswordOptions> {
  const passwordVerificationSalt = randomBytes(32).toString('base64');
  return {
    passwordVerificationSalt,
    passwordVerificationHash: await verificationHash(password, passwordVerificationSalt),
    passwordDerivedKeySalt: randomBytes(32).toString('base64'),
  };
}

export async function verifyPassword(password: string, salt: string, expectedHash: string): Promise<boolean> {
  const actual = Buffer.from(await verificationHash(password, salt), 'base64');
  const expected = Buffer.from(expectedHash, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Stores Trilium's password options (verification hash and salts, and an encrypted data key for protected notes)
 * as synced options. A document that already has a data key keeps it: the same password is a no-op, another one
 * is refused, since replacing the key would make its protected notes unreadable.
 */
export async function setPassword(
  store: { getOption(name: string): Promise<string | null>; setOption(name: string, value: string, isSynced: boolean): Promise<void> },
  password: string,
): Promise<void> {
  const salt = await store.getOption('passwordVerificationSalt');
  const hash = await store.getOption('passwordVerificationHash');
  if (salt && hash && (await store.getOption('encryptedDataKey'))) {
    if (await verifyPassword(password, salt, hash)) return;
    throw new TriliumError('WRONG_PASSWORD', 'This document already has a different password.',
      'Use the document\'s password (change it in Trilium if you must; the change arrives by sync).');
  }
  const options = await newPasswordOptions(password);
  for (const name of PASSWORD_OPTION_NAMES) await store.setOption(name, options[name], true);
}
