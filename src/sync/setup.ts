// The set-up flows (SYNC-PROTOCOL.md §3): a new replica from a server, an existing replica pushed to an empty
// server, and a new local document for offline-first use.
import { createReplicaOn, supportedSyncVersions, type ReplicaThread } from '../storage';
import type { ReplicaApi } from '../storage/replicaApi';
import { systemClock, type Clock } from '../storage/types';
import type { SyncProgress, SyncResult, TestSyncResult } from './engineApi';
import { SyncEngine } from './engine';
import { TriliumError } from './errors';
import { createTransport, type NetworkOptions, type Transport } from './http/transport';
import { silentLogger, type Logger } from './logger';
import { setPassword } from './passwords';
import { ProtocolClient, normalizeServerUrl } from './protocolClient';
import { unsupportedVersion } from './responseErrors';
import { replicaSecretSource } from './secrets';
import { runTestSteps } from './testSteps';

export const DEFAULT_NEW_DOCUMENT_SYNC_VERSION = 39;

interface CommonOptions {
  serverUrl: string;
  network?: NetworkOptions;
  onProgress?: (p: SyncProgress) => void;
  signal?: AbortSignal;
  clock?: Clock;
  logger?: Logger;
  transport?: Transport;
  pageBytes?: number;
  /** Which thread the new replica lives on (default: this one). */
  thread?: ReplicaThread;
}

export interface SetupFromServerOptions extends CommonOptions {
  dataDir: string;
  password: string;
}

/** Password → seed → empty replica → full pull. The replica stays usable (and resumable) if the pull fails. */
export async function setupFromServer(opts: SetupFromServerOptions): Promise<{ replica: ReplicaApi; result: SyncResult }> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const transport = opts.transport ?? createTransport(opts.network ?? {});
  const serverUrl = normalizeServerUrl(opts.serverUrl);
  const client = new ProtocolClient(transport, serverUrl, clock, logger);
  opts.onProgress?.({ phase: 'seed', pulled: 0, pushed: 0, outstandingPullCount: null, rate: 0 });
  const status = await client.status(opts.signal);
  const supported = supportedSyncVersions();
  if (!supported.includes(status.syncVersion)) throw unsupportedVersion(status.syncVersion, supported);
  if (!status.isInitialized) {
    throw new TriliumError('SERVER_NOT_INITIALIZED', 'The sync server has no document yet, so there is nothing to sync from.',
      'Use "push to server" to give it this document, or set up the server with Trilium first.');
  }
  const seed = await client.getSeed(opts.password, opts.signal);
  if (!supported.includes(seed.syncVersion)) throw unsupportedVersion(seed.syncVersion, supported);
  const replica = await createReplicaOn(opts.thread ?? 'same', opts.dataDir, { syncVersion: seed.syncVersion, kind: 'empty', clock });
  try {
    await replica.setOption('documentId', seed.documentId, false);
    await replica.setOption('documentSecret', seed.documentSecret, false);
    await replica.setOption('syncServerHost', serverUrl, false);
    await replica.setCursor('lastSyncedPull', 0);
    await replica.setCursor('lastSyncedPush', 0);
    logger.info(`Set up document ${seed.documentId} from ${serverUrl} (sync version ${seed.syncVersion}); pulling everything.`);
    const engine = new SyncEngine(replica, { serverUrl, network: opts.network ?? {} }, replicaSecretSource(replica), clock, logger,
      { transport, pageBytes: opts.pageBytes, pullWorker: opts.transport ? 'never' : 'auto' });
    const result = await engine.sync({ signal: opts.signal, onProgress: opts.onProgress });
    return { replica, result };
  } catch (e) {
    await replica.close();
    throw e;
  }
}

export interface PushToServerOptions extends CommonOptions {
  replica: ReplicaApi;
  /** The password the server will ask for; stored as the document's (synced) password options first. */
  password?: string;
}

/** Seed POST to an uninitialised server, full push, finished (SYNC-PROTOCOL.md §3.2). */
export async function pushToServer(opts: PushToServerOptions): Promise<SyncResult> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const transport = opts.transport ?? createTransport(opts.network ?? {});
  const serverUrl = normalizeServerUrl(opts.serverUrl);
  const { replica } = opts;
  const client = new ProtocolClient(transport, serverUrl, clock, logger);
  const status = await client.status(opts.signal);
  if (status.syncVersion !== replica.syncVersion) throw unsupportedVersion(status.syncVersion, replica.syncVersion);
  if (status.isInitialized) {
    throw new TriliumError('SERVER_ALREADY_INITIALIZED', 'The sync server already holds a document, so it cannot receive this one.',
      'Use "sync from server" to work with the server\'s document, or use an empty server.');
  }
  if (opts.password) await setPassword(replica, opts.password);
  if (!(await replica.getOption('passwordVerificationHash'))) {
    throw new TriliumError('PASSWORD_NOT_SET', 'This document has no password yet, so the server could not let anyone log in.',
      'Give a password (TRILIUM_PASSWORD for the CLI) when pushing to the server.');
  }
  const engine = new SyncEngine(replica, { serverUrl, network: opts.network ?? {} }, replicaSecretSource(replica), clock, logger,
    { transport, pageBytes: opts.pageBytes });
  if (!status.schemaExists) await engine.seedServer(client, status.syncVersion, opts.signal);
  await replica.setOption('syncServerHost', serverUrl, false);
  return engine.sync({ signal: opts.signal, onProgress: opts.onProgress });
}

/** A new local document (root, hidden subtree, id and secret) that can later be pushed to a server. */
export async function createLocalDocument(
  dataDir: string, opts: { syncVersion?: number; clock?: Clock; password?: string; thread?: ReplicaThread } = {},
): Promise<ReplicaApi> {
  const supported = supportedSyncVersions();
  const syncVersion = opts.syncVersion ?? (supported.includes(DEFAULT_NEW_DOCUMENT_SYNC_VERSION) ? DEFAULT_NEW_DOCUMENT_SYNC_VERSION : Math.max(...supported));
  if (!supported.includes(syncVersion)) throw unsupportedVersion(syncVersion, supported);
  const replica = await createReplicaOn(opts.thread ?? 'same', dataDir, { syncVersion, kind: 'newDocument', clock: opts.clock });
  if (opts.password) await setPassword(replica, opts.password);
  return replica;
}

export interface TestServerOptions {
  serverUrl: string;
  password?: string;
  network?: NetworkOptions;
  clock?: Clock;
  logger?: Logger;
  transport?: Transport;
}

/**
 * Test Sync before there is a replica: status → a sync version we have a profile for → (with a password) the
 * password, checked by fetching the seed. Nothing is written anywhere.
 */
export async function testServer(opts: TestServerOptions): Promise<TestSyncResult> {
  const client = new ProtocolClient(opts.transport ?? createTransport(opts.network), normalizeServerUrl(opts.serverUrl),
    opts.clock ?? systemClock, opts.logger ?? silentLogger, {});
  return runTestSteps(client, async (t) => {
    const status = await t.status();
    t.begin('version');
    const supported = supportedSyncVersions();
    if (!supported.includes(status.syncVersion)) throw unsupportedVersion(status.syncVersion, supported);
    t.passed(`Sync version ${status.syncVersion} is supported.`);
    if (opts.password !== undefined && status.schemaExists) {
      t.begin('password');
      await client.getSeed(opts.password);
      t.passed('The password is correct.');
    }
    return status.schemaExists
      ? 'The sync server is reachable and compatible; set up a replica from it to sync.'
      : 'The sync server is reachable, compatible and empty; push a document to it to sync.';
  });
}
