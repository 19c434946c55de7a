// The sync indicator: synced (how long ago) / syncing (progress) / offline / error / conflicts; click → menu.
import * as vscode from 'vscode';
import type { DocumentSession } from '../setup/session';
import { statusView } from './statusText';

export class SyncStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trilium.sync', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private conflicts = 0;
  private syncVersion: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly session: DocumentSession) {
    this.item.name = 'Trilium Sync';
    this.item.command = 'trilium.statusMenu';
    this.disposables.push(
      session.onDidChangeState((state) => {
        this.render();
        if (state.kind !== 'syncing') void this.refreshCounts();
      }),
      session.onDidChangeReplica(() => void this.refreshCounts()),
    );
    this.timer = setInterval(() => this.render(), 30_000);
    this.render();
  }

  /** The text currently shown (for tests and the e2e run). */
  get text(): string {
    return this.item.text;
  }

  async refreshCounts(): Promise<void> {
    const replica = this.session.replica;
    if (!replica) {
      this.conflicts = 0;
      this.syncVersion = null;
    } else {
      try {
        this.conflicts = (await replica.listConflicts()).length;
        this.syncVersion = replica.syncVersion;
      } catch {
        // the replica may be closing; keep the last figures
      }
    }
    this.render();
  }

  private render(): void {
    if (!this.session.replica && this.session.state.kind === 'unconfigured') {
      this.item.text = '$(cloud) Trilium: not set up';
      this.item.tooltip = 'No Trilium document yet. Click to set up sync from a server or start a local document.';
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const view = statusView(
      this.session.state,
      { serverUrl: this.session.serverUrl, syncVersion: this.syncVersion, conflicts: this.conflicts, now: new Date() },
      this.session.lastSyncedAt,
    );
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
