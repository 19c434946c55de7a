// One sync as the lead decided it: login → pull → push → pull → finished → content check (with recovery),
// looping under an iteration cap. Serialized by a mutex; progress reported per page.
import { MessageChannel } from 'node:worker_threads';
import type { ReplicaMigration } from '../storage/migrations/report';
import { supportedSyncVersions } from '../storage/profiles';
import { recordSize } from '../storage/records';
import type { ReplicaApi } from '../storage/replicaApi';
import type { Clock, ConflictRecord, EntityChange, SyncRecord } from '../storage/types';
import type {
  SyncConfig, SyncEngineApi, SyncProgress, SyncResult, TestSyncResult,
} from './engineApi';
import { TriliumError, isTriliumError } from './errors';
import { createTransport, type Transport } from './http/transport';
import type { Logger } from './logger';
import { Mutex } from './mutex';
import { ProtocolClient, type ChangedPage, type ChangedPageJson, type CheckResult, type SeedOption } from './protocolClient';
import { PageFetcher } from './pull/pageFetcher';
import { isFinal, isInInbox, isJson, type InboxPageRef, type PageSource } from './pull/pulledPages';
import { WorkerPageFetcher } from './pull/workerPageFetcher';
import { runTestSteps } from './testSteps';
import { decideVersion } from './serverVersion';
import type { SecretSource } from './secrets';
import { differingSectors, type FailedSector, type SectorHashes } from './sectors';

export const DEFAULT_MAX_ROUNDS = 5;
/** Roughly 1 MB of records per push request, as Trilium sends. */
export const PUSH_BUDGET_CHARS = 1_000_000;
const PUSH_FETCH_LIMIT = 1000;
const BUILD_CHUNK = 50;
/** Pages that are already here are merged into one apply transaction up to this many records… */
const MERGE_RECORDS = 8000;
/** …or, for pages still in their JSON text, this much of it (about as many records). */
const MERGE_JSON_BYTES = 5 * 1024 * 1024;

/** A pull of this many records or more asks the server for its hashes at once (see runSync). */
const EARLY_CHECK_AFTER = 10_000;
/**
 * A pull expected to bring this many changes or more (the server's newest change id minus our cursor) is fetched by
 * a worker thread when the replica can take its pages directly (see pull).
 */
export const PULL_WORKER_MIN_CHANGES = 20_000;

/**
 * An initial sync into an empty replica drops its indexes and builds them before the sync ends. When the pull's pages
 * come from the fetch worker, the build starts once the server has at most this share of what was pulled left to
 * send: the worker fetches the rest meanwhile, instead of the build following the last page.
 */
export const EARLY_INDEX_BUILD = { minPulled: 50_000, outstandingShare: 0.08 };

export interface SyncEngineOptions {
  transport?: Transport;
  maxRounds?: number;
  /**
   * Whether large pulls are fetched in a worker thread, which makes its own transport from config.network: 'auto'
   * (from PULL_WORKER_MIN_CHANGES; the default without `transport`), 'always' or 'never' (the default with one).
   */
  pullWorker?: 'auto' | 'always' | 'never';
  /** HTTP page size for pushes (UTF-8 bytes). */
  pageBytes?: number;
  /** When a large pull builds the replica's indexes (EARLY_INDEX_BUILD by default). */
  earlyIndexBuild?: typeof EARLY_INDEX_BUILD;
}

export interface SyncRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
}

interface RoundContext {
  client: ProtocolClient;
  serverInstanceId: string;
  /** The server's newest change id at login. */
  maxEntityChangeId: number;
}

class Counters {
  pulled = 0;
  pushed = 0;
  outstanding: number | null = null;
  conflicts: ConflictRecord[] = [];
  migration: ReplicaMigration | undefined;
  readonly started: number;
  constructor(private readonly clock: Clock, private readonly onProgress?: (p: SyncProgress) => void) {
    this.started = clock.now().getTime();
  }
  report(phase: SyncProgress['phase']): void {
    if (!this.onProgress) return;
    const seconds = Math.max(0.001, (this.clock.now().getTime() - this.started) / 1000);
    this.onProgress({ phase, pulled: this.pulled, pushed: this.pushed, outstandingPullCount: this.outstanding, rate: (this.pulled + this.pushed) / seconds });
  }
}

export class SyncEngine implements SyncEngineApi {
  private readonly mutex = new Mutex();
  private readonly transport: Transport;
  private readonly maxRounds: number;
  private readonly migrationListeners = new Set<(m: ReplicaMigration) => void>();

  constructor(
    readonly replica: ReplicaApi,
    readonly config: SyncConfig,
    private readonly secrets: SecretSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SyncEngineOptions = {},
  ) {
    this.transport = options.transport ?? createTransport(config.network);
    this.maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  }

  get busy(): boolean {
    return this.mutex.busy;
  }

  /** Called after the replica followed the server to a newer sync version (before the sync goes on). */
  onDidMigrate(listener: (m: ReplicaMigration) => void): () => void {
    this.migrationListeners.add(listener);
    return () => this.migrationListeners.delete(listener);
  }

  sync(opts: SyncRunOptions = {}): Promise<SyncResult> {
    return this.mutex.run(() => this.runSync(opts));
  }

  forceFullSync(opts: SyncRunOptions = {}): Promise<SyncResult> {
    return this.mutex.run(async () => {
      this.logger.info('Force full sync: both cursors reset to 0.');
      await this.replica.setCursor('lastSyncedPull', 0);
      await this.replica.setCursor('lastSyncedPush', 0);
      return this.runSync(opts);
    });
  }

  newClient(): ProtocolClient {
    return new ProtocolClient(this.transport, this.config.serverUrl, this.clock, this.logger, { pageBytes: this.options.pageBytes });
  }

  async testSync(opts: { startSync?: boolean } = {}): Promise<TestSyncResult> {
    const client = this.newClient();
    return runTestSteps(client, async (t) => {
      const status = await t.status();
      t.begin('version');
      t.replicaSyncVersion = this.replica.syncVersion;
      t.storage = this.replica.driver;
      const decision = decideVersion(this.replica.syncVersion, status.syncVersion, supportedSyncVersions());
      if (decision.kind === 'refuse') throw decision.error;
      t.passed(decision.kind === 'same'
        ? `Both sides speak sync version ${status.syncVersion}.`
        : `The server speaks sync version ${status.syncVersion}, this replica ${this.replica.syncVersion}: the next sync migrates the replica to ${status.syncVersion}.`);
      if (!status.schemaExists) {
        t.begin('seed');
        await this.seedServer(client, status.syncVersion);
        t.passed('The empty server received this document\'s id and secret.');
      }
      t.begin('login');
      // Before a migration the login speaks the server's version: it only proves the document secret.
      const login = await this.login(client, undefined, status.syncVersion);
      t.passed(`Logged in; server instance ${login.serverInstanceId}.`);
      if (opts.startSync !== false) {
        t.begin('pull');
        this.sync().catch((e) => this.logger.warn(`Sync started by Test Sync failed: ${isTriliumError(e) ? e.userMessage : String(e)}`));
        t.passed('A sync has been started.');
      }
      return 'Sync server handshake has been successful, sync has been started.';
    });
  }

  private async runSync(opts: SyncRunOptions): Promise<SyncResult> {
    const counters = new Counters(this.clock, opts.onProgress);
    let failedSectors: FailedSector[] = [];
    let sessionRetries = 0;
    for (let round = 1; round <= this.maxRounds; round++) {
      throwIfAborted(opts.signal);
      try {
        const timer = new PhaseTimer(this.clock);
        const ctx = await this.loginRound(counters, opts.signal);
        timer.lap('login');
        const pulledBefore = counters.pulled;
        await this.pull(ctx, counters, opts.signal);
        timer.lap('pull');
        // After a large pull both sides hash their content at once, each on its own core, while the push and the
        // second pull run: the server its side, the replica (after its initial load's tail) its own. Both are used
        // only if nothing moved on either side since (see checkContent).
        const early = counters.pulled - pulledBefore >= EARLY_CHECK_AFTER
          ? { remote: this.requestCheck(ctx, opts.signal), local: this.localHashes() } : undefined;
        const pushedBefore = counters.pushed;
        const pulledAfter = counters.pulled;
        await this.push(ctx, counters, opts.signal);
        timer.lap('push');
        await this.pull(ctx, counters, opts.signal);
        await ctx.client.finished(opts.signal);
        timer.lap('pull again');
        counters.report('check');
        const unmoved = counters.pushed === pushedBefore && counters.pulled === pulledAfter;
        const check = await this.checkContent(ctx, opts.signal, counters.pushed === pushedBefore ? early?.remote : undefined, unmoved ? early?.local : undefined);
        timer.lap('check');
        this.logger.debug(`Round ${round}: ${timer.summary()}.`);
        if (check.passed) {
          await this.markInitialized();
          for (const file of await this.replica.discardMigrationBackups()) this.logger.info(`Removed the pre-migration copy ${file}.`);
          const result = this.result(counters, round, 'passed', []);
          this.logger.info(`Sync finished: pulled ${result.pulled}, pushed ${result.pushed}, ${round} round(s), content hash check passed.`);
          return result;
        }
        failedSectors = check.failed;
        if (failedSectors.length) this.logger.warn(`Content hash check failed for ${failedSectors.map((s) => `${s.entityName}/${s.sector}`).join(', ')}; sectors requeued.`);
      } catch (e) {
        if (isTriliumError(e, 'SESSION_LOST') && sessionRetries < 2) {
          sessionRetries++;
          this.logger.warn('The server lost our session; logging in again.');
          continue;
        }
        throw asTriliumError(e);
      }
    }
    this.logger.error(`Sync did not converge after ${this.maxRounds} rounds; differing sectors: ${failedSectors.map((s) => `${s.entityName}/${s.sector}`).join(', ') || 'none (changes kept arriving)'}.`);
    return this.result(counters, this.maxRounds, 'failed', failedSectors);
  }

  private result(c: Counters, rounds: number, hashCheck: 'passed' | 'failed', failedSectors: FailedSector[]): SyncResult {
    return {
      pulled: c.pulled, pushed: c.pushed, rounds, hashCheck, failedSectors, conflicts: c.conflicts, durationMs: this.clock.now().getTime() - c.started,
      ...(c.migration ? { migration: c.migration } : {}),
    };
  }

  private async markInitialized(): Promise<void> {
    if ((await this.replica.getOption('initialized')) !== 'true') await this.replica.setOption('initialized', 'true', false);
  }

  private async loginRound(counters: Counters, signal?: AbortSignal): Promise<RoundContext> {
    counters.report('login');
    const client = this.newClient();
    const status = await client.status(signal);
    const migration = await this.followServerVersion(status.syncVersion);
    if (migration) counters.migration = migration;
    if (!status.schemaExists) {
      counters.report('seed');
      await this.seedServer(client, status.syncVersion, signal);
    }
    return this.login(client, signal);
  }

  /** Migrates the replica when the server speaks a newer version we know; throws before writing anything otherwise. */
  private async followServerVersion(serverVersion: number): Promise<ReplicaMigration | undefined> {
    const decision = decideVersion(this.replica.syncVersion, serverVersion, supportedSyncVersions());
    if (decision.kind === 'same') return undefined;
    if (decision.kind === 'refuse') throw decision.error;
    this.logger.info(`The sync server now speaks sync version ${decision.to}; migrating this replica from version ${decision.from}.`);
    const m = await this.replica.migrateTo(decision.to);
    for (const step of m.steps) this.logger.info(`Migration: ${step}`);
    if (m.fromSyncVersion === m.toSyncVersion) return undefined;
    this.logger.info(`The replica follows the server: ${m.fromReleases} → ${m.toReleases} (${m.durationMs} ms).`);
    for (const l of this.migrationListeners) {
      try { l(m); } catch { /* a listener's failure is not the sync's */ }
    }
    return m;
  }

  /** POST the seed to an empty server and start both cursors from 0 (SYNC-PROTOCOL.md §3.2). */
  async seedServer(client: ProtocolClient, syncVersion: number, signal?: AbortSignal): Promise<void> {
    const documentId = await this.replica.getOption('documentId');
    const documentSecret = await this.secrets.documentSecret();
    if (!documentId || !documentSecret) {
      throw new TriliumError('NOT_CONFIGURED', 'This replica has no document id or secret to give the empty server.', 'Create or set up the local document first.');
    }
    const now = this.clock.now().toISOString().replace('T', ' ');
    const options: SeedOption[] = [
      { name: 'documentId', value: documentId, isSynced: false, utcDateModified: now },
      { name: 'documentSecret', value: documentSecret, isSynced: false, utcDateModified: now },
    ];
    await client.postSeed(options, syncVersion, signal);
    await this.replica.setCursor('lastSyncedPull', 0);
    await this.replica.setCursor('lastSyncedPush', 0);
    this.logger.info(`Seeded the empty server ${client.serverUrl} with document ${documentId}.`);
  }

  private async login(client: ProtocolClient, signal?: AbortSignal, syncVersion = this.replica.syncVersion): Promise<RoundContext> {
    const secret = await this.secrets.documentSecret();
    if (!secret) {
      throw new TriliumError('NOT_CONFIGURED', 'The document secret of this replica is missing.', 'Set the replica up from the server again.');
    }
    const login = await client.login(secret, syncVersion, signal);
    if (login.instanceId === this.replica.instanceId) {
      throw new TriliumError('SAME_INSTANCE', `The sync server has instance id ${login.instanceId}, which is also ours: this replica is syncing with itself.`,
        'Point the sync server URL at a different Trilium instance.');
    }
    const pull = await this.replica.getCursor('lastSyncedPull');
    if (pull > login.maxEntityChangeId) {
      this.logger.warn(`lastSyncedPull ${pull} is past the server's newest change ${login.maxEntityChangeId}; lowering it.`);
      await this.replica.setCursor('lastSyncedPull', login.maxEntityChangeId);
    }
    return { client, serverInstanceId: login.instanceId, maxEntityChangeId: login.maxEntityChangeId };
  }

  /**
   * Pages are fetched ahead (bounded) while earlier ones are applied; pages that arrived while the previous apply
   * ran are merged into one transaction, with `lastSyncedPull` stored in the same transaction. A replica in a worker
   * takes ordinary pages as their JSON text and parses them there, or, from the pull's fetch worker, by their ids.
   */
  private async pull(ctx: RoundContext, counters: Counters, signal?: AbortSignal): Promise<void> {
    const unsentAfterId = await this.replica.getCursor('lastSyncedPush');
    const cursor = await this.replica.getCursor('lastSyncedPull');
    const fetcher = await this.pageSource(ctx, cursor, signal);
    const opts = { senderInstanceId: ctx.serverInstanceId, unsentAfterId };
    const early = fetcher instanceof WorkerPageFetcher ? this.options.earlyIndexBuild ?? EARLY_INDEX_BUILD : undefined;
    let pulled = 0;
    let indexesBuilt = false;
    try {
      for (;;) {
        const pages = await fetcher.take(MERGE_RECORDS, MERGE_JSON_BYTES);
        const last = pages[pages.length - 1];
        counters.outstanding = last.outstandingPullCount;
        const lastSyncedPull = { name: 'lastSyncedPull' as const, value: last.lastEntityChangeId };
        if (isJson(last) || isInInbox(last)) {
          const applied = isJson(last)
            ? await this.replica.applyPagesJson!(pages as ChangedPageJson[], opts, lastSyncedPull)
            : await this.replica.applyInboxPages!((pages as InboxPageRef[]).map((p) => ({ id: p.pageId, lastEntityChangeId: p.lastEntityChangeId })), opts, lastSyncedPull);
          counters.pulled += applied.records;
          pulled += applied.records;
          if (applied.conflicts.length) counters.conflicts.push(...applied.conflicts);
          counters.report('pull');
          throwIfAborted(signal);
          if (early && !indexesBuilt && pulled >= early.minPulled && last.outstandingPullCount <= pulled * early.outstandingShare) {
            indexesBuilt = true;
            await this.replica.buildIndexesDuringBulkLoad(); // nothing to do outside a bulk load
          }
          continue;
        }
        const parsed = pages as ChangedPage[];
        const records = parsed.length === 1 ? parsed[0].entityChanges : parsed.flatMap((p) => p.entityChanges);
        if (records.length > 0) {
          const applied = await this.replica.applyRecords(records, opts, lastSyncedPull);
          counters.pulled += records.length;
          if (applied.conflicts.length) counters.conflicts.push(...applied.conflicts);
        } else if (last.lastEntityChangeId !== (await this.replica.getCursor('lastSyncedPull'))) {
          await this.replica.setCursor('lastSyncedPull', last.lastEntityChangeId);
        }
        counters.report('pull');
        if (isFinal(last)) {
          if (fetcher instanceof WorkerPageFetcher && fetcher.cookies) ctx.client.takeSession(fetcher.cookies);
          return;
        }
        throwIfAborted(signal);
      }
    } finally {
      fetcher.stop();
      if (fetcher instanceof WorkerPageFetcher) await this.replica.closePageInbox!().catch(() => undefined);
    }
  }

  /**
   * Where the pull's pages come from: a worker thread that sends their bodies straight to the replica's worker, for a
   * large pull into a replica that takes them so (the ~200 MB of an initial sync's bodies never enter this thread's
   * heap), or this thread, which hands a replica in a worker the pages as JSON text.
   */
  private async pageSource(ctx: RoundContext, cursor: number, signal?: AbortSignal): Promise<PageSource> {
    const mode = this.options.pullWorker ?? (this.options.transport ? 'never' : 'auto');
    const large = ctx.maxEntityChangeId - cursor >= PULL_WORKER_MIN_CHANGES;
    if (this.replica.openPageInbox && (mode === 'always' || (mode === 'auto' && large))) {
      const { port1, port2 } = new MessageChannel();
      await this.replica.openPageInbox(port1);
      return new WorkerPageFetcher({
        serverUrl: ctx.client.serverUrl, network: this.config.network, cookies: ctx.client.sessionCookies(),
        instanceId: this.replica.instanceId, from: cursor, inbox: port2, logger: this.logger, signal,
      });
    }
    const fetchPage = this.replica.applyPagesJson
      ? (from: number) => ctx.client.changedJson(this.replica.instanceId, from, signal)
      : (from: number) => ctx.client.changed(this.replica.instanceId, from, signal);
    return new PageFetcher(fetchPage, cursor);
  }

  private async push(ctx: RoundContext, counters: Counters, signal?: AbortSignal): Promise<void> {
    let cursor = await this.replica.getCursor('lastSyncedPush');
    for (;;) {
      throwIfAborted(signal);
      const changes = await this.changesToPushOrStepOver(ctx, cursor, PUSH_FETCH_LIMIT);
      if (changes.length === 0) return;
      const { records, lastId } = await this.buildBatch(changes);
      if (records.length > 0) {
        counters.report('push');
        await ctx.client.update(records, this.replica.instanceId, signal);
        counters.pushed += records.length;
      }
      cursor = lastId;
      await this.replica.setCursor('lastSyncedPush', cursor);
      counters.report('push');
    }
  }

  /**
   * Own changes above the push cursor, up to `limit`. When there are none, everything above the cursor came from the
   * server (pulled rows carry its instance id) and the cursor steps over it. The newest id is read before the
   * changes, so a change written in between is above it and never stepped over.
   */
  private async changesToPushOrStepOver(ctx: RoundContext, cursor: number, limit: number): Promise<EntityChange[]> {
    const maxBefore = await this.replica.maxSyncedEntityChangeId();
    const changes = await this.replica.getChangesToPush(cursor, ctx.serverInstanceId, limit);
    if (changes.length === 0 && maxBefore > cursor) await this.replica.setCursor('lastSyncedPush', maxBefore);
    return changes;
  }

  /** Whether own changes wait to be pushed; the server's rows pulled after the push do not count (see above). */
  private async ownChangesUnsent(ctx: RoundContext): Promise<boolean> {
    const cursor = await this.replica.getCursor('lastSyncedPush');
    return (await this.changesToPushOrStepOver(ctx, cursor, 1)).length > 0;
  }

  /** Records in id order up to ~1 MB of JSON (the record crossing the budget is included). */
  private async buildBatch(changes: EntityChange[]): Promise<{ records: SyncRecord[]; lastId: number }> {
    const records: SyncRecord[] = [];
    let chars = 0;
    for (let i = 0; i < changes.length; i += BUILD_CHUNK) {
      const chunk = changes.slice(i, i + BUILD_CHUNK);
      const built = await this.replica.buildRecords(chunk);
      for (const record of built) {
        records.push(record);
        chars += recordSize(record);
        if (chars > PUSH_BUDGET_CHARS) return { records, lastId: record.entityChange.id };
      }
    }
    return { records, lastId: changes[changes.length - 1].id };
  }

  private requestCheck(ctx: RoundContext, signal?: AbortSignal): Promise<CheckResult> {
    const p = ctx.client.check(signal);
    p.catch(() => undefined);
    return p;
  }

  private localHashes(): Promise<SectorHashes> {
    const p = this.replica.sectorHashes();
    p.catch(() => undefined);
    return p;
  }

  /**
   * `early`: the server's hashes asked for before this round's push, when nothing was pushed since. They stand for
   * the server now when the pull ended exactly at their maxEntityChangeId; otherwise the pull moved past them (and
   * what it brought makes another round anyway) or the server has more. `earlyLocal`: the replica's hashes taken at
   * the same point, when nothing was pulled or pushed since; a local edit since then is caught by ownChangesUnsent.
   */
  private async checkContent(ctx: RoundContext, signal?: AbortSignal, early?: Promise<CheckResult>, earlyLocal?: Promise<SectorHashes>): Promise<{ passed: boolean; failed: FailedSector[] }> {
    // The server hashes its side while we hash ours (unused blobs are erased in the same transaction).
    const remotePromise = early ?? this.requestCheck(ctx, signal);
    const localPromise = earlyLocal ?? this.localHashes();
    const remote = await remotePromise;
    const pulled = await this.replica.getCursor('lastSyncedPull');
    if (pulled < remote.maxEntityChangeId || (early && pulled !== remote.maxEntityChangeId)) {
      this.logger.debug(`Server hashes of change ${remote.maxEntityChangeId}, pulled up to ${pulled}; another round.`);
      await localPromise;
      return { passed: false, failed: [] };
    }
    const local = await localPromise;
    if (await this.ownChangesUnsent(ctx)) {
      this.logger.debug('Local changes appeared during the sync; another round.');
      return { passed: false, failed: [] };
    }
    const failed = differingSectors(local, remote.entityHashes ?? {});
    if (failed.length === 0) return { passed: true, failed };
    await this.replica.runEntityChangeChecks();
    await ctx.client.checkEntityChanges(signal);
    for (const { entityName, sector } of failed) {
      await this.replica.requeueSector(entityName, sector);
      await ctx.client.queueSector(entityName, sector, signal);
    }
    return { passed: false, failed };
  }
}

class PhaseTimer {
  private last: number;
  private readonly laps: string[] = [];
  constructor(private readonly clock: Clock) {
    this.last = clock.now().getTime();
  }
  lap(name: string): void {
    const now = this.clock.now().getTime();
    this.laps.push(`${name} ${now - this.last} ms`);
    this.last = now;
  }
  summary(): string {
    return this.laps.join(', ');
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TriliumError('CANCELLED', 'The sync was cancelled.');
}

export function asTriliumError(e: unknown): TriliumError {
  if (isTriliumError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TriliumError('PROTOCOL', `Sync failed: ${message}`, 'See the Trilium log for details; the sync will be retried.', { cause: e });
}
