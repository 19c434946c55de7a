// A server document and a client replica at one sync version, with unsynced client changes of every kind, for
// the tests that upgrade the server under the client (issue 16).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { blobHash, entityHash, hashedBlobId } from '../../../src/storage/hash';
import { getProfile } from '../../../src/storage/profiles';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import type { SyncRecord } from '../../../src/storage/types';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { newClient, startServer, type Client, type TempDirs } from './helpers';

const NOW = '2026-11-30 10:00:00.000Z';
const LOCAL_NOW = '2026-11-30 11:00:00.000+0100';
let changeSeq = 0;

function change(entityName: string, entityId: string, hash: string): SyncRecord['entityChange'] {
  changeSeq++;
  return {
    id: 0, entityName, entityId, hash, isErased: 0, changeId: `helpchange${String(changeSeq).padStart(2, '0')}`,
    componentId: 'helpInstall', instanceId: 'helpInstaller', isSynced: 1, utcDateChanged: NOW,
  };
}

/** The in-app help subtree as a Trilium server before sync version 40 holds it (fixed `_help…` ids). */
export function helpRecords(syncVersion: number): SyncRecord[] {
  const p = getProfile(syncVersion);
  const records: SyncRecord[] = [];
  const notes: Array<[string, string, string]> = [['_help', 'root', 'User Guide'], ['_help_Otzi9La2YAUX', '_help', 'Quick start']];
  for (const [noteId, parent, title] of notes) {
    const content = `<p>${title}</p>`;
    const blobId = hashedBlobId(content);
    const blob = { blobId, content: Buffer.from(content).toString('base64'), dateModified: LOCAL_NOW, utcDateModified: NOW } as Record<string, unknown>;
    if (p.columnSet('blobs').has('textRepresentation')) blob.textRepresentation = null;
    records.push({ entityChange: change('blobs', blobId, blobHash(blobId, content)), entity: blob as never });
    const note = {
      noteId, title, isProtected: 0, type: 'text', mime: 'text/html', blobId, isDeleted: 0, deleteId: null,
      dateCreated: LOCAL_NOW, dateModified: LOCAL_NOW, utcDateCreated: NOW, utcDateModified: NOW,
    };
    records.push({ entityChange: change('notes', noteId, entityHash(p.tables.notes, note)), entity: note });
    const branch = { branchId: `${parent}_${noteId}`, noteId, parentNoteId: parent, notePosition: 10, prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: NOW };
    records.push({ entityChange: change('branches', branch.branchId, entityHash(p.tables.branches, branch)), entity: branch });
    const attr = { attributeId: `${noteId}_liconClass`, noteId, type: 'label', name: 'iconClass', value: 'bx bx-help-circle', position: 10, utcDateModified: NOW, isDeleted: 0, deleteId: null, isInheritable: 0 };
    records.push({ entityChange: change('attributes', attr.attributeId, entityHash(p.tables.attributes, attr)), entity: attr });
  }
  return records;
}

export interface UpgradeWorld {
  serverDir: string;
  server: RunningSyncServer;
  client: Client;
  /** What the unsynced client changes did, to look for on the server after the sync. */
  expect: { createdNoteId: string; createdTitle: string; editedNoteId: string; editedContent: string; movedNoteId: string; movedTo: string; deletedNoteId: string; revisedNoteId: string };
}

/** Server and client at `syncVersion`, in sync; then the client makes changes it does not push. */
export async function buildWorld(dirs: TempDirs, syncVersion: number): Promise<UpgradeWorld> {
  const serverDir = await dirs.make('trilium-upgrade-server-');
  const server = await startServer(dirs, { dataDir: serverDir, syncVersion });
  const s = server.replica!;
  await s.applyRecords(helpRecords(syncVersion), { senderInstanceId: 'helpInstaller' });
  const folderA = await s.createNote({ parentNoteId: 'root', title: 'Folder A' });
  const folderB = await s.createNote({ parentNoteId: 'root', title: 'Folder B' });
  const edited = await s.createNote({ parentNoteId: folderA.noteId, title: 'Edited', content: '<p>old</p>' });
  const moved = await s.createNote({ parentNoteId: folderA.noteId, title: 'Moved', content: '<p>moves</p>' });
  const doomed = await s.createNote({ parentNoteId: folderB.noteId, title: 'Deleted', content: '<p>bye</p>' });
  await s.saveRevision(edited.noteId, { source: 'manual' });
  const client = await newClient(dirs, server);
  const r = client.replica;
  const created = await r.createNote({ parentNoteId: folderB.noteId, title: `Made offline at ${syncVersion}`, content: '<p>new</p>' });
  await r.addAttribute(created.noteId, 'label', 'offline', String(syncVersion));
  await r.setNoteContent(edited.noteId, `<p>edited offline at ${syncVersion}</p>`);
  await r.saveRevision(edited.noteId, { source: 'manual' });
  await r.moveBranch(moved.branchId, folderB.noteId);
  await r.deleteNote(doomed.noteId);
  await r.setNoteContent('_help_Otzi9La2YAUX', '<p>a local edit to a help note</p>');
  return {
    serverDir, server, client,
    expect: {
      createdNoteId: created.noteId, createdTitle: `Made offline at ${syncVersion}`, editedNoteId: edited.noteId,
      editedContent: `<p>edited offline at ${syncVersion}</p>`, movedNoteId: moved.noteId, movedTo: folderB.noteId,
      deletedNoteId: doomed.noteId, revisedNoteId: edited.noteId,
    },
  };
}

/** Every unsynced change of buildWorld is on `replica` (the server's document after the sync). */
export async function hasClientChanges(replica: ReplicaApi, e: UpgradeWorld['expect']): Promise<string[]> {
  const missing: string[] = [];
  const created = await replica.getNote(e.createdNoteId);
  if (!created || created.title !== e.createdTitle) missing.push('created note');
  if (!(await replica.getAttributes(e.createdNoteId)).some((a) => a.name === 'offline' && !a.isDeleted)) missing.push('attribute');
  if ((await replica.getNoteContent(e.editedNoteId)) !== e.editedContent) missing.push('content edit');
  const parents = (await replica.getParentBranches(e.movedNoteId)).filter((b) => !b.isDeleted).map((b) => b.parentNoteId);
  if (parents.join() !== e.movedTo) missing.push(`move (parents ${parents.join()})`);
  if (!(await replica.getNote(e.deletedNoteId))?.isDeleted) missing.push('delete');
  if ((await replica.getRevisions(e.revisedNoteId)).length < 2) missing.push('revision');
  return missing;
}

/** Bytes of the replica's files (document.db and its WAL) and the directory listing. */
export function fileFingerprint(dataDir: string): string {
  const h = createHash('sha256');
  const names = readdirSync(dataDir).sort();
  h.update(names.join('\n'));
  for (const name of names) if (name.startsWith('document.db') && !name.endsWith('-shm')) h.update(readFileSync(join(dataDir, name)));
  return h.digest('hex');
}
