// Generates a large synthetic document straight into a replica as sync records (for benchmarks and big tests):
// folders of notes with HTML content, each note with its blob and branch, and a label on every tenth note.
import { blobHash, entityHash, getProfile, hashedBlobId } from '../../storage';
import type { ReplicaApi } from '../../storage/replicaApi';
import type { Row, SyncRecord } from '../../storage/types';
import { randomString } from '../credentials';

const GENERATOR_INSTANCE = 'generator000';
const BATCH_RECORDS = 3000;
const NOTES_PER_FOLDER = 100;

export interface GenerateOptions {
  noteCount: number;
  /** Approximate bytes of HTML per note. */
  contentBytes?: number;
  onProgress?: (generated: number) => void;
}

export async function generateNotes(replica: ReplicaApi, opts: GenerateOptions): Promise<{ notes: number; records: number }> {
  const profile = getProfile(replica.syncVersion);
  const tables = profile.tables;
  const blobColumns = profile.columnSet('blobs');
  const base = Date.now();
  let batch: SyncRecord[] = [];
  let records = 0;
  let tick = 0;
  const stamp = () => new Date(base + tick++).toISOString().replace('T', ' ');
  const local = (utc: string) => utc.replace('Z', '+0000');

  const add = (entityName: string, entityId: string, hash: string, utc: string, entity: Row) => {
    batch.push({
      entityChange: { id: 0, entityName, entityId, hash, isErased: 0, changeId: randomString(12), componentId: 'NA', instanceId: GENERATOR_INSTANCE, isSynced: 1, utcDateChanged: utc },
      entity,
    });
  };
  const flush = async () => {
    if (!batch.length) return;
    await replica.applyRecords(batch, { senderInstanceId: GENERATOR_INSTANCE });
    records += batch.length;
    batch = [];
  };
  const note = (noteId: string, parentNoteId: string, position: number, title: string, content: string) => {
    const utc = stamp();
    const blobId = hashedBlobId(content);
    const blob: Row = { blobId, content: Buffer.from(content, 'utf8').toString('base64'), dateModified: local(utc), utcDateModified: utc };
    if (blobColumns.has('textRepresentation')) blob.textRepresentation = null;
    add('blobs', blobId, blobHash(blobId, content), utc, blob);
    const row: Row = {
      noteId, title, isProtected: 0, type: 'text', mime: 'text/html', blobId, isDeleted: 0, deleteId: null,
      dateCreated: local(utc), dateModified: local(utc), utcDateCreated: utc, utcDateModified: utc,
    };
    add('notes', noteId, entityHash(tables.notes, row), utc, row);
    const branch: Row = {
      branchId: `${parentNoteId}_${noteId}`, noteId, parentNoteId, notePosition: position, prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: utc,
    };
    add('branches', branch.branchId as string, entityHash(tables.branches, branch), utc, branch);
  };

  const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil((opts.contentBytes ?? 300) / 57));
  let folderId = '';
  for (let i = 0; i < opts.noteCount; i++) {
    if (i % NOTES_PER_FOLDER === 0) {
      folderId = `gen${randomString(9)}`;
      note(folderId, 'root', 100_000 + i, `Folder ${i / NOTES_PER_FOLDER + 1}`, `<p>Folder of notes ${i + 1}–${i + NOTES_PER_FOLDER}</p>`);
      i++;
      if (i >= opts.noteCount) break;
    }
    const noteId = randomString(12);
    note(noteId, folderId, (i % NOTES_PER_FOLDER) * 10, `Note ${i + 1}`, `<h2>Note ${i + 1}</h2><p>${filler.slice(0, opts.contentBytes ?? 300)}</p><p>${noteId}</p>`);
    if (i % 10 === 0) {
      const utc = stamp();
      const attr: Row = { attributeId: randomString(12), noteId, type: 'label', name: 'generated', value: String(i), position: 10, utcDateModified: utc, isDeleted: 0, deleteId: null, isInheritable: 0 };
      add('attributes', attr.attributeId as string, entityHash(tables.attributes, attr), utc, attr);
    }
    if (batch.length >= BATCH_RECORDS) {
      await flush();
      opts.onProgress?.(i + 1);
    }
  }
  await flush();
  return { notes: opts.noteCount, records };
}
