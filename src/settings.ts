// The ONE place settings are read. Everything below hands plain objects to the core (src/sync, src/storage).
import * as vscode from 'vscode';

export interface TriliumSettings {
  serverUrl: string;
  proxy: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  pfxFile: string;
  trustedCertificates: Record<string, string>;
  timeoutSeconds: number;
  autoSync: boolean;
  intervalSeconds: number;
  showHidden: boolean;
  showArchived: boolean;
  revealActiveNote: boolean;
  textNotesAsMarkdown: boolean;
}

export interface VscodeHttpSettings {
  proxy: string;
  noProxy: string[];
  proxyStrictSSL: boolean;
  proxyAuthorization: string | null;
  proxySupport: string;
}

export interface AllSettings {
  trilium: TriliumSettings;
  vscode: VscodeHttpSettings;
}

export function readSettings(): AllSettings {
  const t = vscode.workspace.getConfiguration('trilium');
  const h = vscode.workspace.getConfiguration('http');
  return {
    trilium: {
      serverUrl: (t.get<string>('sync.serverUrl') ?? '').trim(),
      proxy: (t.get<string>('sync.proxy') ?? '').trim(),
      caFile: t.get<string>('sync.caFile') ?? '',
      certFile: t.get<string>('sync.certFile') ?? '',
      keyFile: t.get<string>('sync.keyFile') ?? '',
      pfxFile: t.get<string>('sync.pfxFile') ?? '',
      trustedCertificates: { ...(t.get<Record<string, string>>('sync.trustedCertificates') ?? {}) },
      timeoutSeconds: t.get<number>('sync.timeoutSeconds') ?? 120,
      autoSync: t.get<boolean>('sync.autoSync') ?? true,
      intervalSeconds: t.get<number>('sync.intervalSeconds') ?? 60,
      showHidden: t.get<boolean>('tree.showHidden') ?? false,
      showArchived: t.get<boolean>('tree.showArchived') ?? false,
      revealActiveNote: t.get<boolean>('tree.revealActiveNote') ?? true,
      textNotesAsMarkdown: t.get<boolean>('editor.textNotesAsMarkdown') ?? true,
    },
    vscode: {
      proxy: h.get<string>('proxy') ?? '',
      noProxy: h.get<string[]>('noProxy') ?? [],
      proxyStrictSSL: h.get<boolean>('proxyStrictSSL') ?? true,
      proxyAuthorization: h.get<string | null>('proxyAuthorization') ?? null,
      proxySupport: h.get<string>('proxySupport') ?? 'override',
    },
  };
}

export function onDidChangeSettings(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('trilium') || e.affectsConfiguration('http')) listener(e);
  });
}

export async function setServerUrl(url: string): Promise<void> {
  await vscode.workspace.getConfiguration('trilium').update('sync.serverUrl', url, vscode.ConfigurationTarget.Global);
}

/** "Show Archived Notes" / "Hide Archived Notes": the tree setting, for the user. */
export async function setShowArchived(show: boolean): Promise<void> {
  await vscode.workspace.getConfiguration('trilium').update('tree.showArchived', show, vscode.ConfigurationTarget.Global);
}

/** Remember a self-signed certificate the user accepted, by "host:port". */
export async function trustCertificate(hostPort: string, sha256: string): Promise<void> {
  const t = vscode.workspace.getConfiguration('trilium');
  const current = { ...(t.get<Record<string, string>>('sync.trustedCertificates') ?? {}) };
  current[hostPort] = sha256;
  await t.update('sync.trustedCertificates', current, vscode.ConfigurationTarget.Global);
}

export function openSettings(query = '@ext:trilium-vscode.trilium-vscode'): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', query);
}
