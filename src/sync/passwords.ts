// Password verification options as Trilium keeps them (synced options, so every instance shares the password):
// passwordVerificationHash = base64(scrypt(password, passwordVerificationSalt, 32, N=16384, r=8, p=1)).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

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

/** Stores the password options as synced options of a replica-like store. */
export async function setPassword(
  store: { setOption(name: string, value: string, isSynced: boolean): Promise<void> },
  password: string,
): Promise<void> {
  const options = await createPasswordOptions(password);
  for (const [name, value] of Object.entries(options)) await store.setOption(name, value, true);
}
