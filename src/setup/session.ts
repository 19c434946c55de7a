// The open document: its replica (in the extension's global storage), its sync scheduler, and their state.
// Opens lazily after activation; nothing here blocks VS Code's start-up.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import type { SyncProgress, SyncResult, SyncState, TestSyncResult } from '../sync/engineApi';
import { TriliumError } from '../sync/errors';
import type { NetworkOptions } from '../sync/http/transport';
import { readSettings, setServerUrl } from '../settings';
import type { Secrets } from '../secrets';
import type { CoreApi, SchedulerHandle } from './coreApi';
import { migrationNotice } from './migrationNotice';
import { SyncStateThrottle } from './progressReports';

/** globalState key: the folder (under globalStorageUri) of the configured document. Read at activation. */
export const DOCUMENT_KEY = 'trilium.document';
export const SERVER_KEY = 'trilium.documentServer';

export class DocumentSession implements vscode.Disposable {
  private replicaValue: ReplicaApi | undefined;
  private scheduler: SchedulerHandle | undefined;
  private schedulerSubs: Array<() => void> = [];
  private stateValue: SyncState = { kind: 'unconfigured' };
  private lastSyncedAtValue: Date | null = null;
  /** Set while a set-up or push replaces the document; they restart the scheduler themselves at the end. */
  private transitioning = false;

  private readonly replicaEmitter = new vscode.EventEmitter<ReplicaApi | undefined>();
  readonly onDidChangeReplica = this.replicaEmitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<SyncState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly progressEmitter = new vscode.EventEmitter<SyncProgress>();
  readonly onDidProgress = this.progressEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly core: CoreApi,
    readonly log: vscode.LogOutputChannel,
    readonly secrets: Secrets,
  ) {}

  get replica(): ReplicaApi | undefined {
    return this.replicaValue;
  }

  get state(): SyncState {
    return this.stateValue;
  }

  get lastSyncedAt(): Date | null {
    return this.lastSyncedAtValue;
  }

  get documentName(): string | undefined {
    return this.context.globalState.get<string>(DOCUMENT_KEY);
  }

  /** The server this document syncs with (null for a local document, even when the setting still names one). */
  get serverUrl(): string | null {
    if (!this.context.globalState.get<string>(SERVER_KEY)) return null;
    return readSettings().trilium.serverUrl || null;
  }

  requireReplica(): ReplicaApi {
    if (!this.replicaValue) {
      throw new TriliumError('NO_REPLICA', 'No Trilium document is set up yet.', 'Run "Trilium: Set Up Sync from Server" or "Trilium: Start New Local Document".');
    }
    return this.replicaValue;
  }

  /** Opens the configured document, if there is one. */
  async restore(): Promise<boolean> {
    const name = this.documentName;
    if (!name) return false;
    const dataDir = this.dataDir(name);
    try {
      const replica = await this.core.openReplica(dataDir);
      await this.attach(replica);
      return true;
    } catch (e) {
      this.log.error(`Could not open the document in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  dataDir(name: string): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, name).fsPath;
  }

  async networkOptions(): Promise<NetworkOptions> {
    const secrets = await this.secrets.all();
    return this.core.buildNetworkOptions(readSettings(), process.env, { pfxPassphrase: secrets.pfxPassphrase });
  }

  /** Initial sync from a server into a new replica; the replica replaces the current document on success. */
  async setupFromServer(serverUrl: string, password: string, onProgress: (p: SyncProgress) => void, signal: AbortSignal): Promise<SyncResult | undefined> {
    // A fresh folder per set-up: the open document stays untouched (and open) until the new one is complete.
    const name = `${documentNameFor(serverUrl)}-${Date.now().toString(36)}`;
    const dataDir = this.dataDir(name);
    await fs.mkdir(dataDir, { recursive: true });
    const network = await this.networkOptions();
    const previousState = this.stateValue;
    this.setState({ kind: 'syncing', phase: 'login', pulled: 0, pushed: 0, outstandingPullCount: null });
    this.transitioning = true;
    try {
      const { replica, documentSecret, result } = await this.core.setupFromServer({
        dataDir, serverUrl, password, network, signal, logger: this.log,
        onProgress: (p) => {
          onProgress(p);
          this.progressEmitter.fire(p);
          const phase = p.phase === 'seed' ? 'login' : p.phase;
          this.setState({ kind: 'syncing', phase, pulled: p.pulled, pushed: p.pushed, outstandingPullCount: p.outstandingPullCount });
        },
      });
      const previous = this.documentName;
      await this.close({ quiet: true });
      if (previous) this.log.info(`The previous document stays in ${this.dataDir(previous)}.`);
      // each is a round trip to VS Code's window: at once, not one after another
      await Promise.all([
        this.secrets.set('password', password),
        documentSecret ? this.secrets.set('documentSecret', documentSecret) : undefined,
        this.context.globalState.update(DOCUMENT_KEY, name),
        this.context.globalState.update(SERVER_KEY, serverUrl),
        readSettings().trilium.serverUrl !== serverUrl ? setServerUrl(serverUrl) : undefined,
      ]);
      this.lastSyncedAtValue = new Date();
      this.transitioning = false;
      await this.attach(replica);
      return result;
    } catch (e) {
      this.transitioning = false;
      this.setState(this.scheduler ? this.scheduler.state : previousState.kind === 'syncing' ? { kind: 'unconfigured' } : previousState);
      await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  }

  async createLocalDocument(): Promise<void> {
    const name = `local-${Date.now().toString(36)}`;
    const dataDir = this.dataDir(name);
    await this.close({ quiet: true });
    await fs.mkdir(dataDir, { recursive: true });
    const replica = await this.core.createLocalDocument(dataDir, this.log);
    this.lastSyncedAtValue = null;
    await this.context.globalState.update(DOCUMENT_KEY, name);
    await this.context.globalState.update(SERVER_KEY, undefined);
    await this.attach(replica);
  }

  async pushToServer(serverUrl: string, password: string, onProgress: (p: SyncProgress) => void, signal: AbortSignal): Promise<void> {
    const replica = this.requireReplica();
    const network = await this.networkOptions();
    this.stopScheduler();
    this.transitioning = true;
    try {
      await this.core.pushToServer({ replica, serverUrl, password, network, signal, logger: this.log, onProgress });
      await this.secrets.set('password', password);
      const secret = await replica.getOption('documentSecret');
      if (secret) await this.secrets.set('documentSecret', secret);
      await this.context.globalState.update(SERVER_KEY, serverUrl);
      if (readSettings().trilium.serverUrl !== serverUrl) await setServerUrl(serverUrl);
      this.lastSyncedAtValue = new Date();
    } finally {
      this.transitioning = false;
    }
    await this.startScheduler();
  }

  async syncNow(): Promise<SyncResult> {
    return this.requireScheduler().syncNow();
  }

  async forceFullSync(): Promise<SyncResult> {
    return this.requireScheduler().forceFullSync();
  }

  async testSync(): Promise<TestSyncResult> {
    return this.requireScheduler().testSync();
  }

  localChange(): void {
    this.scheduler?.localChange();
  }

  private schedulerChain: Promise<void> = Promise.resolve();

  /** (Re)starts the scheduler with the current settings; called after set-up and when settings change. Serialized. */
  startScheduler(): Promise<void> {
    const run = this.schedulerChain.then(() => this.restartScheduler());
    this.schedulerChain = run.catch(() => undefined);
    return run;
  }

  private async restartScheduler(): Promise<void> {
    this.stopScheduler();
    const replica = this.replicaValue;
    const settings = readSettings().trilium;
    if (!replica || !settings.serverUrl || !this.context.globalState.get<string>(SERVER_KEY)) {
      this.setState({ kind: 'unconfigured' });
      return;
    }
    const scheduler = this.core.createScheduler(replica, {
      serverUrl: settings.serverUrl,
      network: await this.networkOptions(),
      autoSync: settings.autoSync,
      intervalSeconds: settings.intervalSeconds,
      documentSecret: async () => (await this.secrets.get('documentSecret')) ?? (await replica.getOption('documentSecret')),
      logger: this.log,
    });
    this.scheduler = scheduler;
    this.schedulerSubs.push(
      scheduler.onState((s) => this.setState(s)),
      scheduler.onProgress((p) => this.progressEmitter.fire(p)),
      scheduler.onMigration?.((m) => {
        void vscode.window.showInformationMessage(migrationNotice(m), 'Show Sync Log').then((c) => c && this.log.show(true));
      }) ?? (() => undefined),
    );
    this.setState(scheduler.state);
  }

  /** Settings changed: restart the scheduler with them, unless a set-up or push is replacing things right now. */
  settingsChanged(): void {
    if (!this.transitioning) void this.startScheduler();
  }

  private requireScheduler(): SchedulerHandle {
    this.requireReplica();
    if (!this.scheduler) {
      throw new TriliumError('NOT_CONFIGURED', 'This document is not synced with a server.', 'Run "Trilium: Push Document to Server" or "Trilium: Set Up Sync from Server".');
    }
    return this.scheduler;
  }

  private stopScheduler(): void {
    for (const unsubscribe of this.schedulerSubs.splice(0)) unsubscribe();
    this.scheduler?.dispose();
    this.scheduler = undefined;
  }

  private async attach(replica: ReplicaApi): Promise<void> {
    this.replicaValue = replica;
    const { name, sqliteVersion, synchronous } = replica.driver;
    this.log.info(`Local copy ${replica.dataDir}: ${name} (SQLite ${sqliteVersion}, Node ${process.version})${synchronous ? ' in a worker thread' : ''}.`);
    replica.onDidChange((change) => {
      if (change.origin === 'local') this.scheduler?.localChange();
    });
    await vscode.commands.executeCommand('setContext', 'trilium.configured', true);
    this.replicaEmitter.fire(replica);
    await this.startScheduler();
  }

  /** Closes the document; `quiet` when another one replaces it at once (no flash of "not configured"). */
  async close(opts: { quiet?: boolean } = {}): Promise<void> {
    this.stopScheduler();
    const replica = this.replicaValue;
    this.replicaValue = undefined;
    if (replica) {
      if (!opts.quiet) this.replicaEmitter.fire(undefined);
      await replica.close();
    }
    if (opts.quiet) return;
    await vscode.commands.executeCommand('setContext', 'trilium.configured', false);
    this.setState({ kind: 'unconfigured' });
  }

  private readonly stateThrottle = new SyncStateThrottle();

  private setState(state: SyncState): void {
    if (!this.stateThrottle.admits(this.stateValue, state)) return;
    if (state.kind === 'idle' && state.lastSyncedAt) this.lastSyncedAtValue = state.lastSyncedAt;
    if (state.kind === 'idle' && !state.lastSyncedAt && this.lastSyncedAtValue) state = { ...state, lastSyncedAt: this.lastSyncedAtValue };
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }

  dispose(): void {
    this.stopScheduler();
    void this.replicaValue?.close();
    this.replicaEmitter.dispose();
    this.stateEmitter.dispose();
    this.progressEmitter.dispose();
  }
}

/** A folder name per server, readable and safe: "server-example.com-8080". */
export function documentNameFor(serverUrl: string): string {
  let host = serverUrl;
  try {
    const u = new URL(serverUrl);
    host = u.host + u.pathname;
  } catch {
    // keep the raw text; sanitized below
  }
  return 'server-' + host.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
}
