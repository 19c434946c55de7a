// VS Code glue for sync conflicts and revision history: the Conflicts view, the notification after a sync
// that produced conflicts, the compare/keep/restore actions, a note's revision history, and the read-only
// `trilium-revision:` documents. The logic lives in the pure modules next to this one.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ConflictRecord, ReplicaChange } from '../storage/types';
import type { SyncResult, SyncState } from '../sync/engineApi';
import { isTriliumError } from '../sync/errors';
import { compareConflict, compareRevisionWithCurrent, compareRevisions, openRevision, type NoteUriFor } from './compare';
import { ConflictItem, ConflictsViewProvider, CONFLICTS_VIEW_ID } from './conflictsView';
import { hasRestorableRevision, kindLabel, loserLabel, syncConflictsMessage } from './describe';
import { restoreConflict } from './restore';
import { noteIdFromArgument, restoreAndTell, showRevisionHistory } from './revisionHistory';
import { RevisionDocumentProvider } from './revisionProvider';
import { REVISION_SCHEME } from './revisionUri';

type Unsubscribe = { dispose(): void } | (() => void);
type Subscribe<T> = (listener: (value: T) => void) => Unsubscribe;

export interface ConflictServices {
  /** The open replica, or undefined while none is configured. */
  getReplica(): ReplicaApi | undefined;
  /** Fires when a replica is opened, replaced or closed. */
  onDidChangeReplica?: Subscribe<ReplicaApi | undefined>;
  /** Fires after every completed sync (with its result, when the caller has it). */
  onDidSync?: Subscribe<SyncResult | void>;
  /** Sync state changes; a change to 'idle' counts as a completed sync (for callers without onDidSync). */
  onDidChangeState?: Subscribe<SyncState>;
  /** Asks for a sync soon, so that a restore reaches the server without waiting for the timer. */
  requestSync?(): void;
  /** The `trilium:` URI the note editor uses for a note (NoteFileSystem.uriFor). */
  noteUri?: NoteUriFor;
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
}

export interface ConflictsApi {
  /** Fires with the number of unresolved conflicts whenever it may have changed. */
  readonly onDidChangeConflicts: vscode.Event<number>;
  unresolvedCount(): Promise<number>;
  /** The conflicts the view shows now (newest first). */
  shownConflicts(): ConflictRecord[];
  refresh(): Promise<void>;
}

function toDisposable(u: Unsubscribe): vscode.Disposable {
  return typeof u === 'function' ? new vscode.Disposable(u) : u;
}

export function registerConflicts(context: vscode.ExtensionContext, services: ConflictServices): ConflictsApi {
  const { log } = services;
  const getReplica = () => services.getReplica();
  const changed = new vscode.EventEmitter<number>();
  const view = new ConflictsViewProvider(getReplica);
  const documents = new RevisionDocumentProvider(getReplica);
  const treeView = vscode.window.createTreeView(CONFLICTS_VIEW_ID, { treeDataProvider: view, showCollapseAll: false });
  let lastCount = -1;

  async function unresolved(): Promise<ConflictRecord[]> {
    const replica = getReplica();
    return replica ? (await replica.listConflicts()).filter((c) => !c.resolved) : [];
  }

  async function refresh(): Promise<void> {
    const count = (await unresolved()).length;
    view.refresh();
    treeView.badge = count > 0 ? { value: count, tooltip: `${count} unresolved sync conflict${count === 1 ? '' : 's'}` } : undefined;
    treeView.message = count === 0 ? 'No unresolved sync conflicts.' : undefined;
    if (count !== lastCount) {
      lastCount = count;
      changed.fire(count);
    }
  }

  function refreshSoon(): void {
    refresh().catch((e) => log.error(`Conflicts view refresh failed: ${String(e)}`));
  }

  // --- subscriptions to the replica and the sync ---
  let replicaSubscription: vscode.Disposable | undefined;
  function watchReplica(replica: ReplicaApi | undefined): void {
    replicaSubscription?.dispose();
    replicaSubscription = replica
      ? toDisposable(replica.onDidChange((change: ReplicaChange) => {
        documents.refreshCurrent(change.noteIds);
        refreshSoon();
      }))
      : undefined;
    refreshSoon();
  }
  // Conflicts with an id above this were detected since the last notification.
  let notifiedUpTo: number | undefined;
  async function noticeNewConflicts(): Promise<void> {
    const open = await unresolved();
    const maxId = open.reduce((m, c) => Math.max(m, c.conflictId), notifiedUpTo ?? 0);
    const fresh = notifiedUpTo === undefined ? [] : open.filter((c) => c.conflictId > (notifiedUpTo as number));
    notifiedUpTo = maxId;
    if (fresh.length > 0) void notify(fresh);
  }
  function afterSync(): void {
    refreshSoon();
    noticeNewConflicts().catch((e) => log.error(`Could not read conflicts after sync: ${String(e)}`));
  }

  watchReplica(getReplica());
  void noticeNewConflicts().catch(() => undefined);
  if (services.onDidChangeReplica) {
    context.subscriptions.push(toDisposable(services.onDidChangeReplica((replica) => {
      notifiedUpTo = undefined;
      watchReplica(replica);
      void noticeNewConflicts().catch(() => undefined);
    })));
  }
  if (services.onDidSync) context.subscriptions.push(toDisposable(services.onDidSync(afterSync)));
  if (services.onDidChangeState) {
    let previous: SyncState['kind'] | undefined;
    context.subscriptions.push(toDisposable(services.onDidChangeState((state) => {
      if (state.kind === 'idle' && previous === 'syncing') afterSync();
      previous = state.kind;
    })));
  }

  async function titleOf(c: ConflictRecord): Promise<string> {
    const replica = getReplica();
    return (c.noteId && replica ? (await replica.getNote(c.noteId))?.title : undefined) ?? c.entityId;
  }

  async function notify(conflicts: ConflictRecord[]): Promise<void> {
    const titles = new Map<number, string>();
    for (const c of conflicts) titles.set(c.conflictId, await titleOf(c));
    for (const c of conflicts) {
      log.info(`Sync conflict #${c.conflictId} on "${titles.get(c.conflictId)}": ${kindLabel(c.kind)}, ${loserLabel(c.loser)}` +
        `${c.revisionId ? `, losing version kept as revision ${c.revisionId}` : ''}`);
    }
    const message = syncConflictsMessage(conflicts, (c) => titles.get(c.conflictId) ?? c.entityId);
    const answer = await vscode.window.showWarningMessage(message, 'Compare', 'Dismiss');
    if (answer !== 'Compare') return;
    await vscode.commands.executeCommand(`${CONFLICTS_VIEW_ID}.focus`);
    const first = conflicts.length === 1 ? conflicts[0] : undefined;
    if (first) await run(() => compareConflict(requireReplica(), first, services.noteUri));
  }

  function requireReplica(): ReplicaApi {
    const replica = getReplica();
    if (!replica) throw new Error('No Trilium replica is open. Set up sync first.');
    return replica;
  }

  async function run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (e) {
      const message = isTriliumError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
      log.error(message);
      void vscode.window.showErrorMessage(message);
    }
  }

  /** The conflict a command is about: its tree item, a record, an id, the selection, or a pick. */
  async function conflictFrom(arg: unknown): Promise<ConflictRecord | undefined> {
    if (arg instanceof ConflictItem) return arg.conflict;
    const all = await requireReplica().listConflicts({ includeResolved: true });
    if (typeof arg === 'number') return all.find((c) => c.conflictId === arg);
    if (arg && typeof arg === 'object' && typeof (arg as ConflictRecord).conflictId === 'number') {
      return all.find((c) => c.conflictId === (arg as ConflictRecord).conflictId);
    }
    if (treeView.selection.length > 0) return treeView.selection[0].conflict;
    const open = all.filter((c) => !c.resolved);
    if (open.length <= 1) return open[0];
    const picks = await Promise.all(open.map(async (c) => ({ label: await titleOf(c), description: `${kindLabel(c.kind)} · ${loserLabel(c.loser)}`, c })));
    return (await vscode.window.showQuickPick(picks, { title: 'Which conflict?' }))?.c;
  }

  function afterLocalEdit(): void {
    services.requestSync?.();
    refreshSoon();
  }

  const reg = (id: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => run(() => fn(...args)));

  context.subscriptions.push(
    changed, view, documents, treeView,
    { dispose: () => replicaSubscription?.dispose() },
    vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, documents),
    reg('trilium.conflicts.refresh', refresh),
    reg('trilium.conflicts.compare', async (arg) => {
      const c = await conflictFrom(arg);
      if (c) await compareConflict(requireReplica(), c, services.noteUri);
    }),
    reg('trilium.conflicts.keepCurrent', async (arg) => {
      const c = await conflictFrom(arg);
      if (!c) return;
      await requireReplica().resolveConflict(c.conflictId);
      await refresh();
    }),
    reg('trilium.conflicts.restoreOther', async (arg) => {
      const c = await conflictFrom(arg);
      if (!c) return;
      if (!hasRestorableRevision(c)) {
        void vscode.window.showInformationMessage(`This ${kindLabel(c.kind)} conflict has no revision to restore; Compare shows both recorded versions.`);
        return;
      }
      const outcome = await restoreConflict(requireReplica(), c);
      log.info(`Conflict #${c.conflictId}: restored revision ${c.revisionId}` +
        `${outcome.savedRevisionId ? `; the replaced version is kept as revision ${outcome.savedRevisionId}` : ''}`);
      afterLocalEdit();
      void vscode.window.showInformationMessage(`Restored the other version of "${await titleOf(c)}". It syncs out with the next sync.`);
    }),
    reg('trilium.conflicts.openRevision', async (arg) => {
      const c = await conflictFrom(arg);
      if (!c) return;
      if (!c.revisionId || !c.noteId) {
        await compareConflict(requireReplica(), c, services.noteUri);
        return;
      }
      await openRevision(requireReplica(), c.noteId, c.revisionId, services.noteUri);
    }),
    reg('trilium.revisions.show', async (arg) => {
      const noteId = noteIdFromArgument(arg);
      if (!noteId) {
        void vscode.window.showInformationMessage('Open a Trilium note (or select one in the tree) to see its revisions.');
        return;
      }
      await showRevisionHistory(requireReplica(), noteId, afterLocalEdit, services.noteUri);
    }),
    reg('trilium.revisions.open', async (noteId, revisionId) => {
      await openRevision(requireReplica(), String(noteId), String(revisionId), services.noteUri);
    }),
    reg('trilium.revisions.compareWithCurrent', async (noteId, revisionId) => {
      await compareRevisionWithCurrent(requireReplica(), String(noteId), String(revisionId), services.noteUri);
    }),
    reg('trilium.revisions.compare', async (noteId, a, b) => {
      await compareRevisions(requireReplica(), String(noteId), String(a), String(b), services.noteUri);
    }),
    reg('trilium.revisions.restore', async (noteId, revisionId) => {
      const replica = requireReplica();
      const revision = (await replica.getRevisions(String(noteId))).find((r) => r.revisionId === revisionId);
      if (revision) await restoreAndTell(replica, String(noteId), revision, afterLocalEdit);
    }),
  );

  return {
    onDidChangeConflicts: changed.event,
    unresolvedCount: async () => (await unresolved()).length,
    shownConflicts: () => view.shown.map((i) => i.conflict),
    refresh,
  };
}
