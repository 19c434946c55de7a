// Typed errors with messages a user can act on. Every failure the core reports is a TriliumError;
// `code` is stable (tests and the UI switch on it), `message` is for people, `hint` says what fixes it.

export type TriliumErrorCode =
  // network (src/sync/http)
  | 'CONNECTION_REFUSED' | 'HOST_NOT_FOUND' | 'TIMEOUT' | 'CONNECTION_RESET' | 'TLS_CERTIFICATE'
  | 'TLS_PIN_MISMATCH' | 'TLS_CLIENT_CERTIFICATE' | 'PROXY_AUTH_REQUIRED' | 'PROXY_UNREACHABLE' | 'PROXY_ERROR'
  | 'NOT_JSON' | 'BODY_TOO_LARGE' | 'SESSION_LOST' | 'HTTP_ERROR'
  // protocol (src/sync)
  | 'WRONG_PASSWORD' | 'DIFFERENT_DOCUMENT' | 'UNSUPPORTED_VERSION' | 'CLOCK_SKEW' | 'RATE_LIMITED'
  | 'SERVER_NOT_INITIALIZED' | 'SERVER_ALREADY_INITIALIZED' | 'PASSWORD_NOT_SET' | 'SAME_INSTANCE'
  | 'NOT_CONFIGURED' | 'SERVER_ERROR' | 'HASH_CHECK_FAILED' | 'CANCELLED' | 'PROTOCOL'
  // storage (src/storage)
  | 'SCHEMA_MISMATCH' | 'NOT_FOUND' | 'INVALID_OPERATION' | 'REPLICA_EXISTS' | 'NO_REPLICA' | 'NO_SQLITE_DRIVER'
  // protected notes (src/storage/protected)
  | 'PROTECTED_LOCKED' | 'PROTECTED_DIGEST' | 'PROTECTED_NO_PASSWORD';

export class TriliumError extends Error {
  constructor(
    readonly code: TriliumErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TriliumError';
  }

  /** One line for a notification or the CLI: the message, then what to do. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isTriliumError(e: unknown, code?: TriliumErrorCode): e is TriliumError {
  return e instanceof TriliumError && (code === undefined || e.code === code);
}
