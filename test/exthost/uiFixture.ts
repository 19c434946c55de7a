// Shared by the UI test files: our own sync server started inside the extension host, and the extension set up
// from it through its own command (as a user would, minus the input boxes).
import * as assert from 'assert';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import * as vscode from 'vscode';
import type { TriliumExtensionApi } from '../../src/extension';
import type { ReplicaApi } from '../../src/storage/replicaApi';
import { startSyncServer, type RunningSyncServer } from '../../src/sync/server/syncServer';

export const EXTENSION_ID = 'trilium-vscode.trilium-vscode';

export interface UiFixture {
  api: TriliumExtensionApi;
  server: RunningSyncServer;
  password: string;
  root: string;
  replica(): ReplicaApi;
  dispose(): Promise<void>;
}

export function text(content: string | Buffer | null): string {
  return content === null ? '' : typeof content === 'string' ? content : content.toString('utf8');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function activate(): Promise<TriliumExtensionApi> {
  const ext = vscode.extensions.getExtension<TriliumExtensionApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  const api = await ext.activate();
  await api.ready;
  return api;
}

/** A server populated by `populate`, and the extension set up from it (auto sync off: tests sync when they say). */
export async function setUpFromServer(name: string, populate: (server: ReplicaApi) => Promise<void>): Promise<UiFixture> {
  const root = await mkdtemp(join(tmpdir(), `trilium-exthost-${name}-`));
  const password = `pw-${name}`;
  const server = await startSyncServer({ dataDir: join(root, 'server'), password, host: '127.0.0.1', port: 0, syncVersion: 39, populate });
  const api = await activate();
  const config = vscode.workspace.getConfiguration('trilium');
  await config.update('sync.autoSync', false, vscode.ConfigurationTarget.Global);
  const ok = await vscode.commands.executeCommand<boolean>('trilium.setupFromServer', { serverUrl: server.url, password });
  assert.strictEqual(ok, true, 'Set Up Sync from Server succeeded');
  return {
    api, server, password, root,
    replica: () => api.services.session.requireReplica(),
    async dispose() {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await server.close();
      await vscode.workspace.getConfiguration('trilium').update('sync.autoSync', undefined, vscode.ConfigurationTarget.Global);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Gives a server document Trilium's hidden subtree root (`_hidden` under root), as another instance would sync it. */
export async function addHiddenSubtree(server: ReplicaApi): Promise<void> {
  const { entityHash, getProfile, randomString } = await import('../../src/storage');
  const profile = getProfile(server.syncVersion);
  const now = new Date().toISOString().replace('T', ' ');
  const note = {
    noteId: '_hidden', title: 'Hidden Notes', isProtected: 0, type: 'doc', mime: '', blobId: null, isDeleted: 0, deleteId: null,
    dateCreated: now, dateModified: now, utcDateCreated: now, utcDateModified: now,
  };
  const branch = {
    branchId: 'root__hidden', noteId: '_hidden', parentNoteId: 'root', notePosition: 999999999, prefix: null, isExpanded: 0,
    isDeleted: 0, deleteId: null, utcDateModified: now,
  };
  const change = (entityName: string, entityId: string, hash: string) => ({
    id: 0, entityName, entityId, hash, isErased: 0 as const, changeId: randomString(12), componentId: 'exthost',
    instanceId: 'exthostOther1', isSynced: 1 as const, utcDateChanged: now,
  });
  await server.applyRecords([
    { entityChange: change('notes', '_hidden', entityHash(profile.tables.notes, note)), entity: note },
    { entityChange: change('branches', 'root__hidden', entityHash(profile.tables.branches, branch)), entity: branch },
  ], { senderInstanceId: 'exthostOther1' });
}
