// The set-up flows behind the welcome view: sync from a server, start a local document, push it to a server.
import * as vscode from 'vscode';
import type { SyncProgress } from '../sync/engineApi';
import { isTriliumError } from '../sync/errors';
import { readSettings, trustCertificate } from '../settings';
import { showTriliumError } from '../commands/showError';
import { ProgressReports } from './progressReports';
import type { DocumentSession } from './session';

export interface ServerAnswers {
  serverUrl?: string;
  password?: string;
}

export function validateServerUrl(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// address.';
    return undefined;
  } catch {
    return 'Enter the address of your Trilium sync server, e.g. https://trilium.example.com';
  }
}

export async function askServer(title: string, answers: ServerAnswers = {}, passwordPrompt?: (url: string) => string): Promise<{ serverUrl: string; password: string } | undefined> {
  const serverUrl = answers.serverUrl ?? (await vscode.window.showInputBox({
    title,
    prompt: 'Address of the Trilium sync server (the URL you open Trilium at)',
    placeHolder: 'https://trilium.example.com',
    value: readSettings().trilium.serverUrl || undefined,
    ignoreFocusOut: true,
    validateInput: validateServerUrl,
  }));
  if (!serverUrl) return undefined;
  const password = answers.password ?? (await vscode.window.showInputBox({
    title,
    prompt: passwordPrompt ? passwordPrompt(serverUrl.trim()) : `Password of the Trilium server at ${serverUrl.trim()}`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'The password is needed once to fetch the document secret.'),
  }));
  if (!password) return undefined;
  return { serverUrl: serverUrl.trim().replace(/\/+$/, ''), password };
}

export function progressMessage(p: SyncProgress): string {
  const outstanding = p.outstandingPullCount !== null ? `, ${p.outstandingPullCount} outstanding` : '';
  const rate = p.rate > 0 ? ` (${Math.round(p.rate)}/s)` : '';
  switch (p.phase) {
    case 'seed':
    case 'login':
      return 'Connecting…';
    case 'push':
      return `Pushed ${p.pushed}${rate}`;
    case 'check':
      return `Checking content (pulled ${p.pulled})`;
    default:
      return `Pulled ${p.pulled}${outstanding}${rate}`;
  }
}

/** Offers to trust a self-signed certificate; true when the user accepted it (then retry). */
export async function offerTrust(session: DocumentSession, serverUrl: string): Promise<boolean> {
  const fetchCert = session.core.fetchServerCertificate;
  if (!fetchCert) return false;
  const cert = await fetchCert(serverUrl, await session.networkOptions()).catch(() => null);
  if (!cert || cert.trusted) return false;
  const hostPort = cert.hostPort;
  const choice = await vscode.window.showWarningMessage(
    `The server ${hostPort} presents a certificate that is not trusted.`,
    {
      modal: true,
      detail: `Subject: ${cert.subject}\nIssuer: ${cert.issuer}\nValid until: ${cert.validTo}\nSHA-256: ${cert.fingerprint256}\n\n` +
        'Trust it only if this fingerprint matches the one of your server. It is stored in trilium.sync.trustedCertificates.',
    },
    'Trust This Certificate',
  );
  if (choice !== 'Trust This Certificate') return false;
  await trustCertificate(hostPort, cert.fingerprint256);
  return true;
}

async function withSyncProgress<T>(title: string, run: (report: (p: SyncProgress) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const reports = new ProgressReports(progressMessage);
      return run((p) => {
        const step = reports.next(p);
        if (step) progress.report(step);
      }, abort.signal);
    },
  );
}

export async function syncFromServer(session: DocumentSession, answers: ServerAnswers = {}): Promise<boolean> {
  const title = 'Sync from a Trilium server';
  const asked = await askServer(title, answers);
  if (!asked) return false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const result = await withSyncProgress(`Trilium: syncing from ${asked.serverUrl}`, (report, signal) =>
        session.setupFromServer(asked.serverUrl, asked.password, report, signal));
      const counts = await session.replica?.counts().catch(() => undefined);
      const notes = counts?.notes !== undefined ? `${counts.notes} notes` : 'the document';
      session.log.info(`Set up from ${asked.serverUrl}: ${notes}${result ? `, ${result.pulled} changes in ${result.durationMs} ms` : ''}`);
      void vscode.window.showInformationMessage(`Trilium: synced ${notes} from ${asked.serverUrl}.`);
      return true;
    } catch (e) {
      if (isTriliumError(e, 'CANCELLED') || (e instanceof Error && e.name === 'AbortError')) {
        void vscode.window.showInformationMessage('Trilium: set-up cancelled; nothing was kept.');
        return false;
      }
      if (attempt === 0 && isTriliumError(e, 'TLS_CERTIFICATE') && (await offerTrust(session, asked.serverUrl))) continue;
      void showTriliumError(e, session.log, 'Set-up failed');
      return false;
    }
  }
  return false;
}

export async function startLocalDocument(session: DocumentSession, confirmed = false): Promise<boolean> {
  if (session.replica && !confirmed) {
    const ok = await vscode.window.showWarningMessage(
      'Start a new local document? The current document stays in VS Code\'s storage but is no longer shown.',
      { modal: true }, 'Start New Document');
    if (ok !== 'Start New Document') return false;
  }
  try {
    await session.createLocalDocument();
    void vscode.window.showInformationMessage(
      'Trilium: a new local document is ready. Push it to a server whenever you like.', 'Push to Server…')
      .then((choice) => choice && vscode.commands.executeCommand('trilium.pushToServer'));
    return true;
  } catch (e) {
    void showTriliumError(e, session.log, 'Could not create the document');
    return false;
  }
}

export async function pushDocumentToServer(session: DocumentSession, answers: ServerAnswers = {}): Promise<boolean> {
  if (!session.replica) {
    void vscode.window.showWarningMessage('Trilium: there is no document to push yet.');
    return false;
  }
  const asked = await askServer('Push this document to a Trilium server', answers,
    (url) => `Choose the password that ${url} will ask for (Trilium desktop and other clients log in with it)`);
  if (!asked) return false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await withSyncProgress(`Trilium: pushing to ${asked.serverUrl}`, (report, signal) =>
        session.pushToServer(asked.serverUrl, asked.password, report, signal));
      void vscode.window.showInformationMessage(`Trilium: this document is now synced with ${asked.serverUrl}.`);
      return true;
    } catch (e) {
      if (attempt === 0 && isTriliumError(e, 'TLS_CERTIFICATE') && (await offerTrust(session, asked.serverUrl))) continue;
      void showTriliumError(e, session.log, 'Push failed');
      return false;
    }
  }
  return false;
}
