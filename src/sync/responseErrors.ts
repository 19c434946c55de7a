// Maps what a sync server answered (status code and Trilium's messages, SYNC-PROTOCOL.md §2–§4) to typed errors
// a user can act on. Socket, TLS and proxy failures are the network layer's (src/sync/http); raw errors that still
// reach us from a minimal transport get a best-effort mapping in `fromTransportError`.
import { TriliumError, isTriliumError } from './errors';
import type { HttpResponse } from './http/transport';

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function responseMessage(res: HttpResponse): string {
  const text = res.body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.message === 'string') return parsed.message;
      if (typeof parsed.error === 'string') return parsed.error;
    }
  } catch {
    // plain text
  }
  return text.trim().slice(0, 300);
}

export function isHtml(res: HttpResponse): boolean {
  const type = res.headers['content-type'] ?? '';
  if (type.includes('text/html')) return true;
  return /^\s*<(!doctype|html|head|body)/i.test(res.body.subarray(0, 200).toString('utf8'));
}

/** Server clock minus our clock, from the HTTP `Date` header (second resolution), or undefined. */
export function clockOffsetFrom(res: HttpResponse, localNow: Date): number | undefined {
  const date = res.headers['date'];
  if (!date) return undefined;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return undefined;
  return server - localNow.getTime();
}

export function describeOffset(ms: number): string {
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const amount = minutes >= 60
    ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
    : minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
  return `${amount} ${ms > 0 ? 'behind' : 'ahead of'} the server`;
}

export interface ErrorContext {
  method: string;
  url: string;
  localSyncVersion?: number;
  clockOffsetMs?: number;
}

export function errorFromResponse(res: HttpResponse, ctx: ErrorContext): TriliumError {
  const message = responseMessage(res);
  const where = `${ctx.method} ${stripQuery(ctx.url)}`;
  if (res.status === 429) {
    const retry = res.headers['retry-after'];
    return new TriliumError('RATE_LIMITED',
      `The sync server refused the request because of too many failed attempts (HTTP 429${retry ? `, retry after ${retry} s` : ''}).`,
      'Wait about 15 minutes before trying again, and check the password first; repeated wrong passwords extend the lock-out.');
  }
  if (res.status === 413) {
    return new TriliumError('BODY_TOO_LARGE', `The server or a proxy in front of it rejected a request body as too large (${where}).`,
      'Raise the body size limit of the reverse proxy (e.g. nginx client_max_body_size).');
  }
  if (isHtml(res) && res.status !== 401) {
    return new TriliumError('NOT_JSON',
      `The server answered ${where} with an HTML page (HTTP ${res.status}) instead of Trilium's JSON.`,
      'Check the sync server URL: a reverse proxy, login portal or captive portal may be answering instead of Trilium.');
  }
  if (/Logged in session not found/i.test(message)) {
    return new TriliumError('SESSION_LOST', 'The sync server no longer knows our login session (401 Logged in session not found).',
      'This usually resolves itself with the next sync; if it keeps happening, a reverse proxy may be dropping the trilium.sid cookie.');
  }
  if (/^Incorrect password/i.test(message) || (res.status === 401 && /password/i.test(message) && !/not been set/i.test(message))) {
    return new TriliumError('WRONG_PASSWORD', 'The sync server rejected the password.',
      'Enter the password you use to log in to the Trilium server.');
  }
  const versions = /local is version (\d+), remote is (\d+)/i.exec(message) ?? /local sync protocol version is (\d+) while remote is (\d+)/i.exec(message);
  if (versions) {
    // In a server's answer "local" is the server and "remote" is us, in both the login and the seed message.
    return unsupportedVersion(Number(versions[1]), ctx.localSyncVersion ?? Number(versions[2]));
  }
  if (/Sync login credentials are incorrect/i.test(message)) {
    return new TriliumError('DIFFERENT_DOCUMENT',
      'The sync server holds a different Trilium document than this replica (the document secret does not match).',
      'Set this replica up again from the server ("sync from server"), or point it at the server it was created from.');
  }
  if (/time is out of sync/i.test(message)) return clockSkew(ctx.clockOffsetMs);
  if (/Database is not initialized yet|DB schema does not exist/i.test(message)) {
    return new TriliumError('SERVER_NOT_INITIALIZED', 'The sync server has no document yet.',
      'Push this document to it ("push to server"), or set up the server with Trilium first.');
  }
  if (/Password has not been set yet/i.test(message)) {
    return new TriliumError('PASSWORD_NOT_SET', 'The sync server has no password set yet.',
      'Open the Trilium server in a browser and set its password, then try again.');
  }
  if (/App already initialized/i.test(message)) {
    return new TriliumError('SERVER_ALREADY_INITIALIZED', 'The sync server already holds a document, so it cannot receive this one.',
      'Use "sync from server" to work with the server\'s document, or use an empty server.');
  }
  if (res.status >= 500) {
    return new TriliumError('SERVER_ERROR', `The sync server failed on ${where} (HTTP ${res.status}): ${message || res.statusText}`,
      'Check the server log; the sync will be retried.');
  }
  return new TriliumError('HTTP_ERROR', `Request ${where} failed: HTTP ${res.status} ${res.statusText}${message ? ` (${message})` : ''}.`,
    'Check the sync server URL and that it is a Trilium server.');
}

export function unsupportedVersion(serverVersion: number, ourVersion: number | number[]): TriliumError {
  const ours = Array.isArray(ourVersion) ? `versions ${ourVersion.join(', ')}` : `version ${ourVersion}`;
  return new TriliumError('UNSUPPORTED_VERSION',
    `The sync server speaks sync protocol version ${serverVersion}, but this replica speaks ${ours}.`,
    'Use a Trilium server release whose sync version this extension supports, or set up a new replica from the server.');
}

export function clockSkew(offsetMs: number | undefined): TriliumError {
  const by = offsetMs === undefined ? 'by more than 5 minutes' : `by ${describeOffset(offsetMs)}`;
  return new TriliumError('CLOCK_SKEW', `This computer's clock differs from the sync server's ${by}; Trilium allows at most 5 minutes.`,
    'Correct the date, time and time zone on this computer or on the server (enable automatic time sync).');
}

/** Best-effort typing of raw errors from a transport that did not type them itself. */
export function fromTransportError(e: unknown, ctx: ErrorContext): TriliumError {
  if (isTriliumError(e)) return e;
  const err = e as { name?: string; code?: string; errno?: string; type?: string; message?: string };
  const code = err?.code ?? err?.errno ?? '';
  const text = String(err?.message ?? e);
  const where = `${ctx.method} ${stripQuery(ctx.url)}`;
  if (err?.name === 'AbortError') return new TriliumError('CANCELLED', 'The sync was cancelled.', undefined, { cause: e });
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(text)) {
    return new TriliumError('CONNECTION_REFUSED', `Nothing is listening at the sync server address (${where}: connection refused).`,
      'Check the server URL and port, and that the Trilium server is running.', { cause: e });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TriliumError('HOST_NOT_FOUND', `The sync server host name could not be resolved (${where}).`,
      'Check the server URL and your network connection.', { cause: e });
  }
  if (err?.type === 'request-timeout' || code === 'ETIMEDOUT' || /timeout/i.test(text)) {
    return new TriliumError('TIMEOUT', `The sync server did not answer in time (${where}).`,
      'Check the network; a very large document may need a longer timeout (--timeout / trilium.sync.timeoutSeconds).', { cause: e });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|ECONNRESET|premature close/i.test(text)) {
    return new TriliumError('CONNECTION_RESET', `The connection to the sync server was cut (${where}).`,
      'The sync will resume where it stopped; if it keeps happening, check proxies and the server log.', { cause: e });
  }
  return new TriliumError('HTTP_ERROR', `Request ${where} failed: ${text}`, 'Check the sync server URL and the network.', { cause: e });
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
