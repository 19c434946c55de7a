// Wires the core (src/storage, src/sync) to VS Code. Kept thin: no logic that a test in plain Node could cover.
import * as vscode from 'vscode';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Trilium Sync', { log: true });
  context.subscriptions.push(log);
  log.info('Trilium extension activated');
}

export function deactivate(): void {
  // disposables are released through context.subscriptions
}
