// Our own sync server: plain Node http/https speaking Trilium's sync protocol (SYNC-PROTOCOL.md §2–§4) on top of
// our replica. Started in-process by tests and as a process by the demo (main.ts).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { createReplica, openReplica } from '../../storage';
import type { ReplicaApi } from '../../storage/replicaApi';
import { systemClock, type Clock, type SyncRecord } from '../../storage/types';
import { loginHash } from '../credentials';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { Mutex } from '../mutex';
import { setPassword, verifyPassword } from '../passwords';
import { FailureRateLimiter } from './rateLimiter';
import { PageGapError, PartialRequests } from './partialRequests';
import { RecordsBody } from '../recordsBody';
import { parseRecordsJson, RecordsJsonReader } from '../recordsJsonReader';
import { SessionStore } from './sessions';
import { upgradeDocument } from './upgrade';

export const DOCUMENT_FILE = 'document.db';
const MAX_BODY_BYTES = 500 * 1024 * 1024;
const MAX_CLOCK_DIFF_MS = 5 * 60 * 1000;

export interface SyncServerOptions {
  dataDir: string;
  /** Login password of a new document (ignored when the document exists and already has one). */
  password?: string;
  host?: string;
  port?: number;
  syncVersion?: number;
  /** Start without a document, as an empty Trilium server waiting for a "push to server". */
  uninitialised?: boolean;
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
  clock?: Clock;
  logger?: Logger;
  /** Failed login/seed attempts allowed per window (Trilium: 10 per 15 minutes). */
  rateLimit?: { max: number; windowMs: number };
  /** Called with the new document before the server starts listening (e.g. sample notes). */
  populate?: (replica: ReplicaApi) => Promise<void>;
  /** Test hook: return 'reset' to cut the connection of a request before it is handled. */
  fault?: (req: { method: string; path: string; pageIndex: number; pageCount: number }) => 'reset' | undefined;
}

export interface RunningSyncServer {
  url: string;
  port: number;
  /** The document, or null while an uninitialised server waits for its seed. */
  readonly replica: ReplicaApi | null;
  /** Stops listening, cuts open connections (as a killed process would) and closes the document. */
  close(): Promise<void>;
  /** Forget all login sessions (as a restarted Trilium loses in-memory state). */
  dropSessions(): void;
}

interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  /** A JSON body of records, written in pieces (large blobs as base64 slices). */
  body?: RecordsBody;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly asText = false, readonly key: 'message' | 'error' = 'message') {
    super(message);
  }
}

export async function startSyncServer(options: SyncServerOptions): Promise<RunningSyncServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const syncVersion = options.syncVersion ?? 39;
  const dbPath = join(options.dataDir, DOCUMENT_FILE);
  await mkdir(options.dataDir, { recursive: true });

  let replica: ReplicaApi | null = null;
  if (existsSync(dbPath)) {
    replica = await openReplica(options.dataDir, { clock });
    if (options.syncVersion !== undefined) await upgradeDocument(replica, options.syncVersion, logger).catch(async (e) => { await replica?.close(); throw e; });
  } else if (!options.uninitialised) {
    replica = await createReplica(options.dataDir, { syncVersion, kind: 'newDocument', clock });
    if (options.populate) await options.populate(replica);
    if ((await replica.getOption('initialized')) !== 'true') await replica.setOption('initialized', 'true', false);
  }
  if (replica && options.password && !(await replica.getOption('passwordVerificationHash'))) {
    await setPassword(replica, options.password);
  }
  const serverSyncVersion = replica?.syncVersion ?? syncVersion;

  const sessions = new SessionStore();
  const limiter = new FailureRateLimiter(options.rateLimit?.max ?? 10, options.rateLimit?.windowMs ?? 15 * 60 * 1000);
  const partial = new PartialRequests(() => new RecordsJsonReader('PUT /api/sync/update'));
  const mutex = new Mutex();
  const sockets = new Set<Socket>();

  const now = (): number => clock.now().getTime();

  async function isInitialized(): Promise<boolean> {
    return !!replica && (await replica.getOption('initialized')) === 'true';
  }

  async function checkCredentials(req: http.IncomingMessage): Promise<void> {
    if (!(await isInitialized())) throw new HttpError(400, 'Database is not initialized yet.', true);
    const salt = await replica!.getOption('passwordVerificationSalt');
    const hash = await replica!.getOption('passwordVerificationHash');
    if (!salt || !hash) throw new HttpError(400, 'Password has not been set yet. Please set a password and repeat the action', true);
    const header = req.headers['trilium-cred'];
    if (typeof header !== 'string') throw new HttpError(400, 'Invalid data type for trilium-cred.', true);
    const decoded = Buffer.from(header, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (!(await verifyPassword(password, salt, hash))) throw new HttpError(401, 'Incorrect password', true);
  }

  async function handle(req: http.IncomingMessage, url: URL, body: Buffer, sessionId: string | undefined, loggedIn: boolean, res: http.ServerResponse): Promise<Reply> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/setup/status':
        return { status: 200, json: { isInitialized: await isInitialized(), schemaExists: !!replica, syncVersion: serverSyncVersion } };
      case 'GET /api/setup/sync-seed':
        return limited(req, async () => {
          await checkCredentials(req);
          const options = [];
          for (const name of ['documentId', 'documentSecret']) {
            options.push({ name, value: await replica!.getOption(name), isSynced: false, utcDateModified: clock.now().toISOString().replace('T', ' ') });
          }
          return { status: 200, json: { options, syncVersion: serverSyncVersion } };
        });
      case 'POST /api/setup/sync-seed': {
        if (await isInitialized()) throw new HttpError(401, 'App already initialized.', true);
        const seed = parseJson(body) as { options?: Array<{ name: string; value: string }>; syncVersion?: unknown };
        if (seed.syncVersion !== serverSyncVersion) {
          throw new HttpError(400, `Could not setup sync since local sync protocol version is ${serverSyncVersion} while remote is ${String(seed.syncVersion)}. To fix this issue, use same Trilium version on all instances.`, false, 'error');
        }
        const documentId = seed.options?.find((o) => o.name === 'documentId')?.value;
        const documentSecret = seed.options?.find((o) => o.name === 'documentSecret')?.value;
        if (!documentId || !documentSecret) throw new HttpError(400, 'The seed must hold the documentId and documentSecret options.');
        if (replica && (await replica.getOption('documentId')) !== documentId) {
          throw new HttpError(400, 'This server already holds the schema of another document.', false, 'error');
        }
        if (!replica) replica = await createReplica(options.dataDir, { syncVersion: serverSyncVersion, kind: 'empty', clock });
        await replica.setOption('documentId', documentId, false);
        await replica.setOption('documentSecret', documentSecret, false);
        logger.info(`Received the seed of document ${documentId}.`);
        return { status: 204 };
      }
      case 'POST /api/login/sync':
        return limited(req, async () => {
          if (!replica) throw new HttpError(500, "DB schema does not exist, can't sync.");
          const login = parseJson(body) as { timestamp?: string; syncVersion?: unknown; hash?: string };
          const timestamp = String(login.timestamp ?? '');
          if (Math.abs(Date.parse(timestamp) - now()) > MAX_CLOCK_DIFF_MS) {
            throw new HttpError(401, 'Auth request time is out of sync, please check that both client and server have correct time. The difference between clocks has to be smaller than 5 minutes.');
          }
          if (login.syncVersion !== serverSyncVersion) {
            throw new HttpError(400, `Non-matching sync versions, local is version ${serverSyncVersion}, remote is ${String(login.syncVersion)}. It is recommended to run same version of Trilium on both sides of sync.`);
          }
          const secret = (await replica.getOption('documentSecret')) ?? '';
          const expected = Buffer.from(loginHash(secret, timestamp));
          const given = Buffer.from(String(login.hash ?? ''));
          if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
            throw new HttpError(400, "Sync login credentials are incorrect. It looks like you're trying to sync two different initialized documents which is not possible.");
          }
          const id = sessions.regenerate(sessionId, now());
          res.setHeader('Set-Cookie', sessions.touch(id, now()));
          return { status: 200, json: { instanceId: replica.instanceId, maxEntityChangeId: await replica.maxSyncedEntityChangeId() } };
        });
      case 'GET /api/sync/stats':
        return { status: 200, json: { initialized: await isInitialized(), outstandingPullCount: 0 } };
    }
    if (!url.pathname.startsWith('/api/sync/')) throw new HttpError(404, `Not found: ${req.method} ${url.pathname}`);
    if (!loggedIn || !replica) throw new HttpError(401, 'Logged in session not found', true);
    const doc = replica;
    switch (route) {
      case 'GET /api/sync/changed': {
        const last = Number(url.searchParams.get('lastEntityChangeId'));
        if (url.searchParams.get('lastEntityChangeId') === null || !Number.isInteger(last)) {
          throw new HttpError(400, 'Missing or invalid last entity change ID.');
        }
        return { status: 200, body: RecordsBody.of(await doc.getChangedForPull(last, url.searchParams.get('instanceId') ?? ''), 'entityChanges') };
      }
      case 'PUT /api/sync/update': {
        const pageCount = Number(req.headers['pagecount'] ?? 1);
        const pageIndex = Number(req.headers['pageindex'] ?? 0);
        const requestId = req.headers['requestid'];
        let update: { entities?: SyncRecord[]; instanceId?: string };
        if (pageCount !== 1) {
          if (typeof requestId !== 'string' || !requestId) throw new HttpError(500, 'Missing request ID.');
          const reader = asBadRequest(() => partial.add(requestId, pageIndex, pageCount, body, now(), url.pathname));
          if (!reader) return { status: 204 };
          update = asBadRequest(() => reader.result<{ entities?: SyncRecord[]; instanceId?: string }>('entities'));
        } else {
          update = parseRecords(body);
        }
        if (!Array.isArray(update.entities) || typeof update.instanceId !== 'string') {
          throw new HttpError(400, 'The update must hold entities and instanceId.');
        }
        await doc.applyRecords(update.entities, { senderInstanceId: update.instanceId });
        return { status: 204 };
      }
      case 'POST /api/sync/finished':
        if (!(await isInitialized())) {
          await doc.setOption('initialized', 'true', false);
          logger.info('The document is now initialised.');
        }
        return { status: 204 };
      case 'GET /api/sync/check':
        await doc.eraseUnusedBlobs();
        return { status: 200, json: { entityHashes: await doc.sectorHashes(), maxEntityChangeId: await doc.maxSyncedEntityChangeId() } };
      case 'POST /api/sync/check-entity-changes':
        await doc.runEntityChangeChecks();
        return { status: 204 };
    }
    const sector = /^\/api\/sync\/queue-sector\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && sector) {
      const entityName = decodeURIComponent(sector[1]).replace(/[^A-Za-z0-9_]/g, '');
      const sectorId = decodeURIComponent(sector[2]).replace(/[^A-Za-z0-9_]/g, '');
      await doc.requeueSector(entityName, sectorId);
      return { status: 204 };
    }
    throw new HttpError(404, `Not found: ${req.method} ${url.pathname}`);
  }

  async function limited(req: http.IncomingMessage, work: () => Promise<Reply>): Promise<Reply> {
    const key = req.socket.remoteAddress ?? '?';
    if (limiter.isLimited(key, now())) {
      throw Object.assign(new HttpError(429, 'Too many requests, please try again later.', true), { retryAfter: limiter.retryAfterSeconds(key, now()) });
    }
    try {
      return await work();
    } catch (e) {
      limiter.recordFailure(key, now());
      throw e;
    }
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.fault) {
      const verdict = options.fault({
        method: req.method ?? 'GET', path: url.pathname,
        pageIndex: Number(req.headers['pageindex'] ?? 0), pageCount: Number(req.headers['pagecount'] ?? 1),
      });
      if (verdict === 'reset') {
        req.socket.destroy();
        return;
      }
    }
    readBody(req).then(async (body) => {
      const found = sessions.find(req.headers.cookie, now());
      res.setHeader('Date', clock.now().toUTCString());
      let reply: Reply;
      try {
        reply = await mutex.run(() => handle(req, url, body, found?.id, !!found?.session.loggedIn, res));
      } catch (e) {
        if (e instanceof HttpError) {
          reply = e.asText ? { status: e.status, text: e.message } : { status: e.status, json: { [e.key]: e.message } };
          const retryAfter = (e as { retryAfter?: number }).retryAfter;
          if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
        } else {
          logger.error(`${req.method} ${url.pathname} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          reply = { status: 500, json: { message: e instanceof Error ? e.message : String(e) } };
        }
      }
      if (found && !res.hasHeader('Set-Cookie')) res.setHeader('Set-Cookie', sessions.touch(found.id, now()));
      if (replica && url.pathname.startsWith('/api/')) {
        res.setHeader('trilium-max-entity-change-id', String(await replica.maxSyncedEntityChangeId().catch(() => 0)));
      }
      send(res, reply);
    }).catch((e) => {
      if (!(e instanceof HttpError)) logger.error(`Request failed: ${String(e)}`);
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) send(res, { status, json: { message: String(e instanceof Error ? e.message : e) } });
      else res.destroy();
    });
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: options.tls.requestCert, rejectUnauthorized: !!options.tls.requestCert }, onRequest)
    : http.createServer(onRequest);
  // Longer than a client's idle gaps between requests (Node's 5 s default invites keep-alive reset races).
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info(`Sync server listening on ${url} (sync version ${serverSyncVersion}).`);

  let closed = false;
  return {
    url,
    port,
    get replica() {
      return replica;
    },
    dropSessions: () => sessions.clear(),
    async close() {
      if (closed) return;
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      await mutex.run(async () => {
        if (replica) await replica.close();
      });
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'request entity too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

/** A body's JSON (or its base64) that turns out broken is the client's error: 400, as a JSON.parse failure is. */
function asBadRequest<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PageGapError) throw e;
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

/** A PUT /api/sync/update body; a huge blob in it is decoded as it is read, never held as base64 text. */
function parseRecords(body: Buffer): { entities?: SyncRecord[]; instanceId?: string } {
  try {
    return parseRecordsJson<{ entities?: SyncRecord[]; instanceId?: string }>(body, 'entities', 'PUT /api/sync/update');
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (reply.status === 204) {
    res.statusCode = 204;
    res.end();
    return;
  }
  res.statusCode = reply.status;
  if (reply.body) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', String(reply.body.length));
    Readable.from(reply.body.pieces()).pipe(res);
    return;
  }
  if (reply.text !== undefined) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(reply.text);
    return;
  }
  const payload = Buffer.from(JSON.stringify(reply.json ?? null), 'utf8');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(payload.length));
  res.end(payload);
}
