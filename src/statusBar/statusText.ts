// What the sync status bar item says, as a pure function of the sync state (tested in plain Node).
import { localDateTimeStr } from '../storage/ids';
import type { SyncState } from '../sync/engineApi';

export interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' and 'warning' map to the status bar's error/warning background. */
  severity: 'normal' | 'warning' | 'error';
}

export interface StatusContext {
  serverUrl: string | null;
  syncVersion: number | null;
  conflicts: number;
  now: Date;
}

export function timeAgo(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/**
 * Local date and time as `YYYY-MM-DD HH:mm:ss`. Not toLocaleString: its first call in a process loads ICU's date
 * formats, 26-41 ms on the extension host's thread right when a sync ends.
 */
export function shownDateTime(d: Date): string {
  return localDateTimeStr(d).slice(0, 19);
}

function lastSyncLine(state: SyncState, now: Date, lastSyncedAt: Date | null): string {
  return `Last sync: ${lastSyncedAt ? `${shownDateTime(lastSyncedAt)} (${timeAgo(lastSyncedAt, now)})` : 'never'}`;
}

export function statusView(state: SyncState, ctx: StatusContext, lastSyncedAt: Date | null): StatusView {
  const conflicts = ctx.conflicts > 0 ? ` $(warning) ${ctx.conflicts}` : '';
  const lines = [
    `Server: ${ctx.serverUrl ?? 'none (local document)'}`,
    `Sync version: ${ctx.syncVersion ?? 'unknown'}`,
    lastSyncLine(state, ctx.now, lastSyncedAt),
  ];
  if (ctx.conflicts > 0) lines.push(`Conflicts: ${ctx.conflicts} (Trilium: Show Conflicts)`);
  let view: StatusView;
  switch (state.kind) {
    case 'unconfigured':
      view = ctx.serverUrl
        ? { text: '$(sync) Trilium: starting sync', tooltip: 'Sync starts in a moment', severity: 'normal' }
        : { text: '$(cloud) Trilium: local', tooltip: 'Not synced with a server', severity: 'normal' };
      break;
    case 'idle': {
      const pending = state.pendingChanges > 0 ? `, ${state.pendingChanges} pending` : '';
      const ago = state.lastSyncedAt ? timeAgo(state.lastSyncedAt, ctx.now) : 'not yet';
      view = { text: `$(check) Trilium: synced ${ago}${pending}`, tooltip: 'Synced', severity: 'normal' };
      break;
    }
    case 'syncing': {
      const outstanding = state.outstandingPullCount !== null ? `, outstanding ${state.outstandingPullCount}` : '';
      // A still icon: the count moving says it is working, and a spinning one repaints the window all the time
      // (in code-server's browser without a GPU: +0.4 s of browser CPU per 10 s, test/exthost/spinCost.bench.ts).
      view = {
        text: `$(sync) Trilium: syncing (pulled ${state.pulled}${outstanding})`,
        tooltip: `Syncing: ${state.phase}, pulled ${state.pulled}, pushed ${state.pushed}`,
        severity: 'normal',
      };
      break;
    }
    case 'offline':
      view = { text: '$(cloud-offline) Trilium: offline', tooltip: `Offline: ${state.error.userMessage}`, severity: 'warning' };
      break;
    case 'error':
      view = { text: '$(error) Trilium: sync error', tooltip: `Sync error: ${state.error.userMessage}`, severity: 'error' };
      break;
  }
  if ((state.kind === 'offline' || state.kind === 'error') && state.nextAttemptAt) {
    lines.push(`Next attempt: ${shownDateTime(state.nextAttemptAt).slice(11)}`);
  }
  return {
    text: view.text + conflicts,
    tooltip: [view.tooltip, ...lines].join('\n'),
    severity: ctx.conflicts > 0 && view.severity === 'normal' ? 'warning' : view.severity,
  };
}
