// The error type lives below both layers (src/storage/errors.ts); the sync layer re-exports it.
export { TriliumError, isTriliumError, type TriliumErrorCode } from '../storage/errors';
