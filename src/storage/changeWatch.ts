// Commits made by other processes on the same document.db (another VS Code window, the CLI): SQLite's
// `PRAGMA data_version` on our own connection changes only when another connection committed, so polling it is
// cheap; when it moves, the entity changes and conflicts written since the last look become one ReplicaChange.
import { isPasswordOption } from './protected/documentPassword';
import type { Row, ReplicaChange, SqlValue } from './types';

/** The part of a connection the watch uses (any driver behind the replica's Connection). */
export interface WatchConnection {
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

export interface ChangeWatchOptions {
  /** Runs a read in turn with the replica's own writes (never inside one of its transactions). */
  inTurn<T>(read: (c: WatchConnection) => Promise<T>): Promise<T>;
  /** Changes this replica made itself were announced when it made them; they are left out. */
  ownInstanceId: string;
  emit(change: ReplicaChange): void;
  /** Poll period; 300 ms by default. */
  intervalMs?: number;
}

interface ChangedRow { entityName: string; entityId: string; instanceId: string }
interface ConflictState { conflictId: number; noteId: string | null; resolved: number }

export class ChangeWatch {
  private dataVersion = -1;
  private lastChangeId = 0;
  private conflicts = new Map<number, ConflictState>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: ChangeWatchOptions) {}

  /** Reads the starting point, then polls. */
  async start(): Promise<void> {
    await this.opts.inTurn(async (c) => {
      this.dataVersion = await readDataVersion(c);
      this.lastChangeId = await maxChangeId(c);
      this.conflicts = await readConflicts(c);
    });
    if (this.stopped) return;
    this.timer = setInterval(() => {
      this.polling = this.poll().catch(() => undefined);
    }, this.opts.intervalMs ?? 300);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One look: emits what other connections committed since the last one. Returns whether anything was new. */
  async poll(): Promise<boolean> {
    if (this.stopped) return false;
    const change = await this.opts.inTurn(async (c) => {
      const version = await readDataVersion(c);
      if (version === this.dataVersion) return null;
      this.dataVersion = version;
      return this.collect(c);
    });
    if (!change || this.stopped) return false;
    this.opts.emit(change);
    return true;
  }

  private async collect(c: WatchConnection): Promise<ReplicaChange | null> {
    const rows = await c.all<ChangedRow & { id: number }>(
      'SELECT id, entityName, entityId, instanceId FROM entity_changes WHERE id > ? ORDER BY id', [this.lastChangeId]);
    if (rows.length) this.lastChangeId = rows[rows.length - 1].id;
    const foreign = rows.filter((r) => r.instanceId !== this.opts.ownInstanceId);
    const change: ReplicaChange = { noteIds: new Set(), parentNoteIds: new Set(), origin: 'sync', external: true };
    if (foreign.length) {
      const local = new Set((await c.all<{ instanceId: string }>('SELECT instanceId FROM local_instances')).map((r) => r.instanceId));
      if (foreign.some((r) => local.has(r.instanceId))) change.origin = 'local';
      await affectedNotes(c, foreign, change);
    }
    const conflicts = await readConflicts(c);
    for (const [id, now] of conflicts) {
      const was = this.conflicts.get(id);
      if (!was || was.resolved !== now.resolved) this.conflictChanged(change, now);
    }
    for (const [id, was] of this.conflicts) if (!conflicts.has(id)) this.conflictChanged(change, was);
    this.conflicts = conflicts;
    if (change.noteIds.size === 0 && change.parentNoteIds.size === 0 && !change.passwordChanged) return null;
    return change;
  }

  private conflictChanged(change: ReplicaChange, c: ConflictState): void {
    change.conflictsChanged = true;
    change.noteIds.add(c.noteId ?? 'root');
  }
}

async function readDataVersion(c: WatchConnection): Promise<number> {
  return (await c.get<{ data_version: number }>('PRAGMA data_version'))?.data_version ?? 0;
}

async function maxChangeId(c: WatchConnection): Promise<number> {
  return (await c.get<{ id: number | null }>('SELECT MAX(id) AS id FROM entity_changes'))?.id ?? 0;
}

async function readConflicts(c: WatchConnection): Promise<Map<number, ConflictState>> {
  const rows = await c.all<ConflictState>('SELECT conflictId, noteId, resolved FROM conflicts');
  return new Map(rows.map((r) => [r.conflictId, r]));
}

/** Which notes and which parents' child lists the changed entities touch (rows read as they are now). */
async function affectedNotes(c: WatchConnection, rows: ChangedRow[], change: ReplicaChange): Promise<void> {
  const ids = (name: string) => JSON.stringify(rows.filter((r) => r.entityName === name).map((r) => r.entityId));
  for (const r of rows) {
    if (r.entityName === 'notes') change.noteIds.add(r.entityId);
    else if (r.entityName === 'note_reordering') change.parentNoteIds.add(r.entityId);
    else if (r.entityName === 'options' && isPasswordOption(r.entityId)) change.passwordChanged = true;
  }
  const lookups: Array<[string, string]> = [
    ['branches', 'SELECT noteId, parentNoteId FROM branches WHERE branchId IN (SELECT value FROM json_each(?))'],
    ['attributes', 'SELECT noteId, NULL AS parentNoteId FROM attributes WHERE attributeId IN (SELECT value FROM json_each(?))'],
    ['revisions', 'SELECT noteId, NULL AS parentNoteId FROM revisions WHERE revisionId IN (SELECT value FROM json_each(?))'],
    ['attachments', 'SELECT ownerId AS noteId, NULL AS parentNoteId FROM attachments WHERE attachmentId IN (SELECT value FROM json_each(?))'],
    ['blobs', 'SELECT noteId, NULL AS parentNoteId FROM notes WHERE blobId IN (SELECT value FROM json_each(?))'],
  ];
  for (const [name, sql] of lookups) {
    if (!rows.some((r) => r.entityName === name)) continue;
    for (const x of await c.all<{ noteId: string; parentNoteId: string | null }>(sql, [ids(name)])) {
      change.noteIds.add(x.noteId);
      if (x.parentNoteId) change.parentNoteIds.add(x.parentNoteId);
    }
  }
  // An erased branch is gone from the table; its id still names the parent (Trilium's `${parentNoteId}_${noteId}`).
  for (const r of rows) {
    if (r.entityName !== 'branches') continue;
    const cut = r.entityId.lastIndexOf('_');
    if (cut > 0) { change.parentNoteIds.add(r.entityId.slice(0, cut)); change.noteIds.add(r.entityId.slice(cut + 1)); }
  }
}
