// Sync commands: set-up, push, Sync Now, Test Sync, Force Full Sync, the sync log and the status bar menu.
import * as vscode from 'vscode';
import type { TestSyncResult } from '../sync/engineApi';
import { openSettings } from '../settings';
import { ProgressReports } from '../setup/progressReports';
import { offerTrust, progressMessage, pushDocumentToServer, ServerAnswers, startLocalDocument, syncFromServer } from '../setup/flows';
import type { Services } from './services';
import { showTriliumError } from './showError';

export function describeRoute(result: TestSyncResult): string {
  const parts: string[] = [];
  const route = result.route;
  if (route) {
    parts.push(route.proxy ? `via proxy ${route.proxy}${route.proxySource ? ` (${route.proxySource})` : ''}` : 'direct');
    if (route.tlsProtocol) parts.push(route.tlsProtocol);
    parts.push(`round trip ${Math.round(route.elapsedMs)} ms`);
  }
  if (result.serverSyncVersion !== undefined) parts.push(`server sync version ${result.serverSyncVersion}`);
  if (result.replicaSyncVersion !== undefined) parts.push(`replica sync version ${result.replicaSyncVersion}`);
  if (result.storage) parts.push(`local copy on ${result.storage.name} (SQLite ${result.storage.sqliteVersion})`);
  return parts.join(', ');
}

export function registerSyncCommands(services: Services): vscode.Disposable[] {
  const { session, log } = services;

  async function testSync(): Promise<TestSyncResult | undefined> {
    let result: TestSyncResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Trilium: testing sync…' },
        () => session.testSync(),
      );
    } catch (e) {
      void showTriliumError(e, log, 'Test Sync failed');
      return undefined;
    }
    for (const step of result.steps) log.info(`Test Sync ${step.ok ? '✓' : '✗'} ${step.name}: ${step.detail}`);
    if (result.ok) {
      const route = describeRoute(result);
      log.info(`Test Sync: ${result.message} (${route})`);
      void vscode.window.showInformationMessage(`Trilium: ${result.message} ${route ? `(${route})` : ''}`.trim(), 'Show Sync Log')
        .then((c) => c && log.show(true));
      return result;
    }
    const error = result.error;
    if (error?.code === 'TLS_CERTIFICATE' && session.serverUrl && (await offerTrust(session, session.serverUrl))) {
      await session.startScheduler();
      return testSync();
    }
    void showTriliumError(error ?? new Error(result.message), log, 'Test Sync failed');
    return result;
  }

  const commands: Record<string, (...args: any[]) => unknown> = {
    'trilium.setupFromServer': (answers?: ServerAnswers) => syncFromServer(session, answers),
    'trilium.newLocalDocument': (confirmed?: boolean) => startLocalDocument(session, confirmed === true),
    'trilium.pushToServer': (answers?: ServerAnswers) => pushDocumentToServer(session, answers),
    'trilium.testSync': testSync,
    'trilium.syncNow': async () => {
      try {
        const result = await session.syncNow();
        log.info(`Sync: pulled ${result.pulled}, pushed ${result.pushed} in ${result.durationMs} ms`);
        return result;
      } catch (e) {
        void showTriliumError(e, log, 'Sync failed');
        return undefined;
      }
    },
    'trilium.forceFullSync': async (confirmed?: boolean) => {
      if (!confirmed) {
        const ok = await vscode.window.showWarningMessage('Force a full sync? Every change is pulled and pushed again; on big documents this takes a while.', { modal: true }, 'Force Full Sync');
        if (ok !== 'Force Full Sync') return undefined;
      }
      try {
        return await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Trilium: full sync', cancellable: false },
          async (progress) => {
            const reports = new ProgressReports(progressMessage);
            const sub = session.onDidProgress((p) => {
              const step = reports.next(p);
              if (step) progress.report(step);
            });
            try {
              return await session.forceFullSync();
            } finally {
              sub.dispose();
            }
          },
        );
      } catch (e) {
        void showTriliumError(e, log, 'Full sync failed');
        return undefined;
      }
    },
    'trilium.showSyncLog': () => log.show(true),
    'trilium.setCertificatePassphrase': async (value?: string) => {
      const passphrase = value ?? (await vscode.window.showInputBox({
        title: 'Passphrase of the client certificate',
        prompt: 'For trilium.sync.pfxFile or an encrypted trilium.sync.keyFile; kept in VS Code\'s secret storage. Empty removes it.',
        password: true,
        ignoreFocusOut: true,
      }));
      if (passphrase === undefined) return;
      await session.secrets.set('pfxPassphrase', passphrase);
      await session.startScheduler();
    },
    'trilium.openSettings': () => openSettings(),
    'trilium.statusMenu': async () => {
      const items: Array<vscode.QuickPickItem & { command: string }> = [
        { label: '$(sync) Sync Now', command: 'trilium.syncNow' },
        { label: '$(debug-disconnect) Test Sync', command: 'trilium.testSync' },
        { label: '$(output) Show Sync Log', command: 'trilium.showSyncLog' },
        { label: '$(gear) Open Settings', command: 'trilium.openSettings' },
      ];
      if (!session.serverUrl && session.replica) items.unshift({ label: '$(cloud-upload) Push Document to Server…', command: 'trilium.pushToServer' });
      if (!session.replica) {
        items.splice(0, items.length,
          { label: '$(cloud-download) Set Up Sync from Server…', command: 'trilium.setupFromServer' },
          { label: '$(new-file) Start New Local Document', command: 'trilium.newLocalDocument' },
          { label: '$(output) Show Sync Log', command: 'trilium.showSyncLog' },
          { label: '$(gear) Open Settings', command: 'trilium.openSettings' });
      }
      const conflicts = session.replica ? (await session.replica.listConflicts().catch(() => [])).length : 0;
      if (conflicts > 0) items.push({ label: `$(warning) Show Conflicts (${conflicts})`, command: 'trilium.conflicts.focus' });
      const pick = await vscode.window.showQuickPick(items, { title: 'Trilium Sync', placeHolder: services.statusBar.text.replace(/\$\([^)]*\)\s*/g, '') });
      if (pick) await vscode.commands.executeCommand(pick.command);
    },
  };

  return Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn));
}
