// Protected notes (Trilium's encryption): cipher, document password, session, entity helpers.
export { encrypt, decrypt, decryptString, to16Bytes } from './cipher';
export { isPasswordOption, newPasswordOptions, unlockDataKey, passwordMatches, scryptKey, PASSWORD_OPTION_NAMES, type PasswordOptions } from './documentPassword';
export { ProtectedSession, lockedError } from './session';
export { PROTECTED_TITLE, protectedBlobId, shownTitle } from './entities';
