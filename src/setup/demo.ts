// `npm start` demo: when the harness hands a server and password in the environment and no document is set up yet,
// set up from that server without asking, so the window opens on the demo document's tree.
import * as vscode from 'vscode';
import type { DocumentSession } from './session';
import { syncFromServer } from './flows';

export async function startDemoIfAsked(session: DocumentSession): Promise<void> {
  const serverUrl = process.env.TRILIUM_DEMO_SERVER_URL;
  const password = process.env.TRILIUM_DEMO_PASSWORD;
  if (!serverUrl || !password || session.replica) return;
  session.log.info(`Demo mode: setting up from ${serverUrl}`);
  if (await syncFromServer(session, { serverUrl, password })) {
    await vscode.commands.executeCommand('trilium.noteTree.focus');
  }
}
