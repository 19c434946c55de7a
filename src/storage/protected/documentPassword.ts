// The document password as Trilium keeps it, in four synced options:
//   passwordVerificationHash = base64(scrypt(password, passwordVerificationSalt))  – checks the password
//   encryptedDataKey = encrypt(scrypt(password, passwordDerivedKeySalt), dataKey) – the key of all protected data
// scrypt: N=16384, r=8, p=1, 32 bytes; the salts are used as UTF-8 strings. The data key is a random token
// (base64 of 16 random bytes), so a password change re-encrypts only encryptedDataKey.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { TriliumError } from '../errors';
import { decrypt, encrypt } from './cipher';

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const PASSWORD_OPTION_NAMES = ['passwordVerificationSalt', 'passwordDerivedKeySalt', 'passwordVerificationHash', 'encryptedDataKey'] as const;
export type PasswordOptionName = typeof PASSWORD_OPTION_NAMES[number];
export type PasswordOptions = Record<PasswordOptionName, string>;

export function isPasswordOption(name: string): name is PasswordOptionName {
  return (PASSWORD_OPTION_NAMES as readonly string[]).includes(name);
}

export function scryptKey(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function secureToken(bytes: number): string {
  return randomBytes(bytes).toString('base64');
}

export async function passwordMatches(password: string, options: Pick<PasswordOptions, 'passwordVerificationSalt' | 'passwordVerificationHash'>): Promise<boolean> {
  const actual = await scryptKey(password, options.passwordVerificationSalt);
  const expected = Buffer.from(options.passwordVerificationHash, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Fresh password options with a new data key (Trilium's setPassword). */
export async function newPasswordOptions(password: string, dataKey: Buffer = Buffer.from(secureToken(16), 'utf8')): Promise<PasswordOptions> {
  const passwordVerificationSalt = secureToken(32);
  const passwordDerivedKeySalt = secureToken(32);
  return {
    passwordVerificationSalt,
    passwordDerivedKeySalt,
    passwordVerificationHash: (await scryptKey(password, passwordVerificationSalt)).toString('base64'),
    encryptedDataKey: encrypt(await scryptKey(password, passwordDerivedKeySalt), dataKey),
  };
}

export function wrongPasswordError(): TriliumError {
  return new TriliumError('WRONG_PASSWORD', 'The password is not this document\'s password.',
    'Type the password you use to log in to Trilium (if it was changed on another device, sync first).');
}

/**
 * Checks the password and returns the data key. WRONG_PASSWORD when the password does not verify;
 * PROTECTED_DIGEST when it verifies but the data key does not decrypt with it.
 */
export async function unlockDataKey(password: string, options: Partial<PasswordOptions>): Promise<Buffer> {
  const { passwordVerificationSalt, passwordVerificationHash, passwordDerivedKeySalt, encryptedDataKey } = options;
  if (!passwordVerificationHash || !passwordVerificationSalt || !passwordDerivedKeySalt || !encryptedDataKey) {
    throw new TriliumError('PROTECTED_NO_PASSWORD', 'This document has no password, so it has no protected notes to unlock.',
      'Set a document password first ("Trilium: Set Document Password", or TRILIUM_PASSWORD with `trilium-sync init`).');
  }
  if (!(await passwordMatches(password, { passwordVerificationSalt, passwordVerificationHash }))) throw wrongPasswordError();
  return decrypt(await scryptKey(password, passwordDerivedKeySalt), encryptedDataKey, 'The document\'s data key');
}
