// One sync server as Trilium's protocol exposes it (SYNC-PROTOCOL.md §2–§4): every endpoint as a typed method.
// It owns the cookie jar and the request headers; the round logic lives in engine.ts.
import { CookieJar } from './cookieJar';
import { credentialsHeader, loginHash, randomString, utcDateTimeString } from './credentials';
import { TriliumError, isTriliumError } from './errors';
import type { HttpRequest, HttpResponse, RouteInfo, Transport } from './http/transport';
import type { Logger } from './logger';
import { DEFAULT_PAGE_BYTES } from './paging';
import { RecordsBody } from './recordsBody';
import { RecordsJsonReader } from './recordsJsonReader';
import { readPageTail } from './changedPageTail';
import {
  MAX_CLOCK_SKEW_MS, clockOffsetFrom, clockSkew, errorFromResponse, fromTransportError, isHtml,
} from './responseErrors';
import type { Clock, SyncRecord } from '../storage/types';

export const SEED_TIMEOUT_MS = 30_000;
const MIN_PAGE_BYTES = 16 * 1024;

export interface ServerStatus {
  isInitialized: boolean;
  schemaExists: boolean;
  syncVersion: number;
}

export interface SeedOption {
  name: string;
  value: string;
  isSynced: boolean;
  utcDateModified: string;
}

export interface SyncSeed {
  documentId: string;
  documentSecret: string;
  syncVersion: number;
  options: SeedOption[];
}

export interface LoginResult {
  instanceId: string;
  maxEntityChangeId: number;
}

export interface ChangedPage {
  entityChanges: SyncRecord[];
  lastEntityChangeId: number;
  outstandingPullCount: number;
  /** Size of the JSON body, for progress and benchmarks. */
  bytes: number;
}

/**
 * A /api/sync/changed answer left unparsed, for a replica that parses its records itself (in its worker thread);
 * the cursor fields come from the end of the body (changedPageTail.ts) and are checked when it is parsed.
 */
export interface ChangedPageJson {
  /** The body in the pieces it came in (no copy into one Buffer). */
  json: Buffer[];
  lastEntityChangeId: number;
  outstandingPullCount: number;
  bytes: number;
}

/** Answers from this size up are handed over unparsed by changedJson (smaller ones, like the final empty page, are parsed). */
export const JSON_PAGE_MIN_BYTES = 64 * 1024;

export interface CheckResult {
  entityHashes: Record<string, Record<string, string>>;
  maxEntityChangeId: number;
}

/** Collapses duplicate slashes after the scheme and strips trailing ones (SYNC-PROTOCOL.md §2.1). */
export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim();
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/i.exec(trimmed);
  if (!match) {
    throw new TriliumError('NOT_CONFIGURED', `"${url}" is not a sync server URL.`, 'Use a URL like https://trilium.example.com or http://127.0.0.1:8080.');
  }
  return match[1] + match[2].replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

export class ProtocolClient {
  readonly serverUrl: string;
  private jar = new CookieJar();
  /** Server clock minus local clock, from the last response's Date header. */
  clockOffsetMs: number | undefined;
  lastRoute: RouteInfo | undefined;
  private pageBytes: number;

  constructor(
    private readonly transport: Transport,
    serverUrl: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    opts: { pageBytes?: number } = {},
  ) {
    this.serverUrl = normalizeServerUrl(serverUrl);
    this.pageBytes = opts.pageBytes ?? DEFAULT_PAGE_BYTES;
  }

  /** Every round starts with a fresh jar, as Trilium's client does. */
  resetSession(): void {
    this.jar = new CookieJar();
  }

  /** The session's cookies as a Cookie header, for another client to go on with the same login (see takeSession). */
  sessionCookies(): string | undefined {
    return this.jar.header();
  }

  /** Goes on with the login whose cookies another client's sessionCookies() gave. */
  takeSession(cookies: string | undefined): void {
    this.resetSession();
    if (cookies) this.jar.update(cookies.split('; '));
  }

  get cookieCount(): number {
    return this.jar.size;
  }

  async status(signal?: AbortSignal): Promise<ServerStatus> {
    const res = await this.send({ method: 'GET', path: '/api/setup/status', setup: true, signal });
    const body = this.json<Partial<ServerStatus>>(res, 'GET /api/setup/status');
    if (typeof body.syncVersion !== 'number') {
      throw new TriliumError('PROTOCOL', 'The server\'s /api/setup/status answer has no syncVersion.', 'Check that the URL points at a Trilium server.');
    }
    return { isInitialized: !!body.isInitialized, schemaExists: !!body.schemaExists, syncVersion: body.syncVersion };
  }

  async getSeed(password: string, signal?: AbortSignal): Promise<SyncSeed> {
    const res = await this.send({
      method: 'GET', path: '/api/setup/sync-seed', setup: true, signal, timeoutMs: SEED_TIMEOUT_MS,
      headers: { 'trilium-cred': credentialsHeader(password) },
    });
    const body = this.json<{ options?: SeedOption[]; syncVersion?: number }>(res, 'GET /api/setup/sync-seed');
    const options = Array.isArray(body.options) ? body.options : [];
    const documentId = options.find((o) => o.name === 'documentId')?.value;
    const documentSecret = options.find((o) => o.name === 'documentSecret')?.value;
    if (!documentId || !documentSecret || typeof body.syncVersion !== 'number') {
      throw new TriliumError('PROTOCOL', 'The server\'s sync seed lacks the document id, secret or sync version.', 'Check that the URL points at a Trilium server.');
    }
    return { documentId, documentSecret, syncVersion: body.syncVersion, options };
  }

  async postSeed(options: SeedOption[], syncVersion: number, signal?: AbortSignal): Promise<void> {
    await this.send({
      method: 'POST', path: '/api/setup/sync-seed', setup: true, signal, timeoutMs: SEED_TIMEOUT_MS, noRetry: true,
      json: { options, syncVersion },
    });
  }

  async login(documentSecret: string, syncVersion: number, signal?: AbortSignal): Promise<LoginResult> {
    this.resetSession();
    const timestamp = utcDateTimeString(this.clock.now());
    const res = await this.send({
      method: 'POST', path: '/api/login/sync', signal, localSyncVersion: syncVersion,
      json: { timestamp, syncVersion, hash: loginHash(documentSecret, timestamp) },
    });
    const body = this.json<Partial<LoginResult>>(res, 'POST /api/login/sync');
    if (typeof body.instanceId !== 'string' || typeof body.maxEntityChangeId !== 'number') {
      throw new TriliumError('PROTOCOL', 'The server\'s login answer lacks instanceId or maxEntityChangeId.', 'Check that the URL points at a Trilium server.');
    }
    return { instanceId: body.instanceId, maxEntityChangeId: body.maxEntityChangeId };
  }

  /** Starts the request at once; the caller may apply the previous page while this one is in flight. */
  async changed(instanceId: string, lastEntityChangeId: number, signal?: AbortSignal): Promise<ChangedPage> {
    return this.fetchChanged(instanceId, lastEntityChangeId, false, signal) as Promise<ChangedPage>;
  }

  /**
   * As changed(), but a page of ordinary size whose cursor fields close its body comes back as its JSON text, so
   * that parsing it costs this thread nothing. Huge pages (read as they arrive), small ones and any other shape are
   * parsed here.
   */
  async changedJson(instanceId: string, lastEntityChangeId: number, signal?: AbortSignal): Promise<ChangedPage | ChangedPageJson> {
    return this.fetchChanged(instanceId, lastEntityChangeId, true, signal);
  }

  private async fetchChanged(instanceId: string, lastEntityChangeId: number, asJson: boolean, signal?: AbortSignal): Promise<ChangedPage | ChangedPageJson> {
    const path = `/api/sync/changed?instanceId=${encodeURIComponent(instanceId)}&lastEntityChangeId=${lastEntityChangeId}&logMarkerId=${randomString(10)}`;
    // A page holding a huge blob is read as it arrives (recordsJsonReader.ts); HTML and errors are collected as usual.
    let reader: RecordsJsonReader | undefined;
    const bodySink = (status: number, headers: Record<string, string>) => {
      if (status < 200 || status > 299 || (headers['content-type'] ?? '').includes('text/html')) return undefined;
      reader = new RecordsJsonReader('GET /api/sync/changed');
      reader.expect(Number(headers['content-length'] ?? 0));
      return reader;
    };
    const res = await this.send({ method: 'GET', path, signal, bodySink });
    const json = asJson && reader && res.status !== 204 && reader.bytes >= JSON_PAGE_MIN_BYTES ? reader.unscanned() : undefined;
    const tail = json && readPageTail(json);
    if (json && tail) return { json, ...tail, bytes: reader!.bytes };
    const body = reader && res.status !== 204 && reader.bytes > 0
      ? reader.result<Omit<ChangedPage, 'bytes'>>('entityChanges')
      : this.json<Omit<ChangedPage, 'bytes'>>(res, 'GET /api/sync/changed');
    if (!Array.isArray(body.entityChanges) || typeof body.lastEntityChangeId !== 'number') {
      throw new TriliumError('PROTOCOL', 'The server\'s /api/sync/changed answer is malformed.', 'Check that the URL points at a Trilium server.');
    }
    return { ...body, bytes: res.bodyBytes ?? res.body.length };
  }

  /**
   * PUT /api/sync/update, split into pages; on a 413 the pages are made smaller and the request repeated.
   * A large blob may be a Buffer: it is written as base64 page by page (recordsBody.ts).
   */
  async update(records: SyncRecord[], instanceId: string, signal?: AbortSignal): Promise<void> {
    const body = RecordsBody.of({ entities: records, instanceId }, 'entities');
    let resets = 0;
    for (;;) {
      try {
        await this.sendPaged(body, signal);
        return;
      } catch (e) {
        // A reused keep-alive connection the server had just closed: send the whole request again once
        // (page 0 restarts the server's buffer; a re-applied batch is skipped by changeId).
        if (isTriliumError(e, 'CONNECTION_RESET') && resets++ === 0 && !signal?.aborted) {
          this.logger.warn('The connection was reset during a push; sending the request again.');
          continue;
        }
        if (isTriliumError(e, 'BODY_TOO_LARGE') && this.pageBytes > MIN_PAGE_BYTES) {
          this.pageBytes = Math.max(MIN_PAGE_BYTES, Math.floor(this.pageBytes / 2));
          this.logger.warn(`Push page rejected as too large; retrying with pages of ${this.pageBytes} bytes.`);
          continue;
        }
        throw e;
      }
    }
  }

  get currentPageBytes(): number {
    return this.pageBytes;
  }

  private async sendPaged(body: RecordsBody, signal?: AbortSignal): Promise<void> {
    const pages = body.pageRanges(this.pageBytes);
    const requestId = randomString(10);
    const path = `/api/sync/update?logMarkerId=${randomString(10)}`;
    for (let i = 0; i < pages.length; i++) {
      await this.send({
        method: 'PUT', path, signal, body: body.read(...pages[i]),
        contentType: pages.length > 1 ? 'text/plain' : 'application/json',
        paging: { pageCount: pages.length, pageIndex: i, requestId }, noRetry: true,
      });
    }
  }

  async finished(signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'POST', path: '/api/sync/finished', signal });
  }

  async check(signal?: AbortSignal): Promise<CheckResult> {
    const res = await this.send({ method: 'GET', path: '/api/sync/check', signal });
    return this.json<CheckResult>(res, 'GET /api/sync/check');
  }

  async checkEntityChanges(signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'POST', path: '/api/sync/check-entity-changes', signal });
  }

  async queueSector(entityName: string, sector: string, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'POST', path: `/api/sync/queue-sector/${encodeURIComponent(entityName)}/${encodeURIComponent(sector)}`, signal });
  }

  private async send(opts: {
    method: HttpRequest['method'];
    path: string;
    setup?: boolean;
    json?: unknown;
    body?: Buffer;
    bodySink?: HttpRequest['bodySink'];
    contentType?: string;
    headers?: Record<string, string>;
    paging?: { pageCount: number; pageIndex: number; requestId: string };
    timeoutMs?: number;
    signal?: AbortSignal;
    localSyncVersion?: number;
    /** Do not repeat the request after a connection reset (paged PUTs, the seed POST). */
    noRetry?: boolean;
  }): Promise<HttpResponse> {
    try {
      return await this.sendOnce(opts);
    } catch (e) {
      // Typically a keep-alive connection the server closed just as we reused it; every other route is
      // idempotent, so it is sent once more.
      if (opts.noRetry || !isTriliumError(e, 'CONNECTION_RESET') || opts.signal?.aborted) throw e;
      this.logger.debug(`${opts.method} ${opts.path.split('?')[0]}: connection reset; sending it once more.`);
      return this.sendOnce(opts);
    }
  }

  private async sendOnce(opts: Parameters<ProtocolClient['send']>[0]): Promise<HttpResponse> {
    if (opts.signal?.aborted) throw new TriliumError('CANCELLED', 'The sync was cancelled.');
    const url = this.serverUrl + opts.path;
    const paging = opts.paging ?? { pageCount: 1, pageIndex: 0, requestId: opts.setup ? 'n/a' : randomString(10) };
    const headers: Record<string, string> = {
      pageCount: String(paging.pageCount),
      pageIndex: String(paging.pageIndex),
      requestId: paging.requestId,
      ...opts.headers,
    };
    const cookie = this.jar.header();
    if (cookie) headers.Cookie = cookie;
    let body: Buffer | string | undefined = opts.body;
    if (opts.json !== undefined) body = JSON.stringify(opts.json);
    if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    let res: HttpResponse;
    const sentAt = this.clock.now();
    try {
      res = await this.transport.request({ method: opts.method, url, headers, body, timeoutMs: opts.timeoutMs, signal: opts.signal, bodySink: opts.bodySink });
    } catch (e) {
      if (opts.signal?.aborted) throw new TriliumError('CANCELLED', 'The sync was cancelled.', undefined, { cause: e });
      throw fromTransportError(e, { method: opts.method, url });
    }
    this.jar.update(res.setCookies);
    this.lastRoute = res.route ?? this.lastRoute;
    const offset = clockOffsetFrom(res, sentAt);
    if (offset !== undefined) this.clockOffsetMs = offset;
    if (res.status < 200 || res.status > 299) {
      const error = errorFromResponse(res, { method: opts.method, url, localSyncVersion: opts.localSyncVersion, clockOffsetMs: this.clockOffsetMs });
      if (error.code === 'CLOCK_SKEW' && this.clockOffsetMs !== undefined && Math.abs(this.clockOffsetMs) <= MAX_CLOCK_SKEW_MS) {
        // The Date header has one-second resolution; keep the server's verdict but say "more than 5 minutes".
        throw clockSkew(undefined);
      }
      throw error;
    }
    return res;
  }

  private json<T>(res: HttpResponse, what: string): T {
    if (res.status === 204 || res.body.length === 0) return {} as T;
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch (e) {
      throw new TriliumError('NOT_JSON',
        isHtml(res)
          ? `The server answered ${what} with an HTML page instead of Trilium's JSON.`
          : `The server's answer to ${what} is not JSON.`,
        'Check the sync server URL: a reverse proxy, login portal or captive portal may be answering instead of Trilium.', { cause: e });
    }
  }
}
