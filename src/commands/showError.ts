// Failures as notifications a user can act on: the TriliumError's message and hint, with buttons that open the
// setting that fixes it or the sync log.
import * as vscode from 'vscode';
import { isTriliumError, TriliumError } from '../sync/errors';
import { openSettings } from '../settings';

const SETTING_FOR_CODE: Partial<Record<string, string>> = {
  CONNECTION_REFUSED: 'trilium.sync.serverUrl',
  HOST_NOT_FOUND: 'trilium.sync.serverUrl',
  NOT_CONFIGURED: 'trilium.sync.serverUrl',
  TIMEOUT: 'trilium.sync.timeoutSeconds',
  TLS_CERTIFICATE: 'trilium.sync.caFile',
  TLS_PIN_MISMATCH: 'trilium.sync.trustedCertificates',
  TLS_CLIENT_CERTIFICATE: 'trilium.sync.certFile',
  PROXY_AUTH_REQUIRED: 'trilium.sync.proxy',
  PROXY_UNREACHABLE: 'trilium.sync.proxy',
  PROXY_ERROR: 'trilium.sync.proxy',
};

export function toTriliumError(e: unknown): TriliumError {
  if (isTriliumError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TriliumError('PROTOCOL', message);
}

/** Shows the error; resolves to the button the user chose (after acting on it). */
export async function showTriliumError(e: unknown, log: vscode.LogOutputChannel, prefix = 'Trilium'): Promise<string | undefined> {
  const error = toTriliumError(e);
  log.error(`${prefix}: [${error.code}] ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
  const setting = SETTING_FOR_CODE[error.code];
  const passphrase = error.code === 'TLS_CLIENT_CERTIFICATE' ? ['Set Passphrase…'] : [];
  const setUp = error.code === 'NO_REPLICA' || error.code === 'NOT_CONFIGURED' ? ['Set Up Sync from Server…'] : [];
  const buttons = [...setUp, ...(setting && !setUp.length ? ['Open Setting'] : []), ...passphrase, 'Show Sync Log'];
  const choice = await vscode.window.showErrorMessage(`${prefix}: ${error.userMessage}`, ...buttons);
  if (choice === 'Open Setting' && setting) await openSettings(setting);
  if (choice === 'Set Up Sync from Server…') await vscode.commands.executeCommand('trilium.setupFromServer');
  if (choice === 'Set Passphrase…') await vscode.commands.executeCommand('trilium.setCertificatePassphrase');
  if (choice === 'Show Sync Log') log.show(true);
  return choice;
}
