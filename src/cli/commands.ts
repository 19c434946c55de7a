// The trilium-sync commands: each opens the replica in --data, does one thing, and returns what to print.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openReplicaOn, type ReplicaThread } from '../storage';
import type { ReplicaApi } from '../storage/replicaApi';
import { systemClock } from '../storage/types';
import { SyncEngine } from '../sync/engine';
import type { SyncProgress, SyncResult, TestSyncResult } from '../sync/engineApi';
import { TriliumError } from '../sync/errors';
import type { Logger } from '../sync/logger';
import { replicaSecretSource } from '../sync/secrets';
import { createLocalDocument, pushToServer, setupFromServer, testServer } from '../sync/setup';
import { syncWithLease } from '../sync/leasedSync';
import { networkOptionsFrom, requireFlag, requirePositional, usage, type ParsedArgs } from './args';
import { searchCommand, todayCommand } from './dailyCommands';
import { convertCommand, noteTextFor } from './markdownCommands';
import { includeTitles } from '../markdown/includeTitles';

export interface CommandContext {
  args: ParsedArgs;
  env: Record<string, string | undefined>;
  logger: Logger;
  progress: (p: SyncProgress) => void;
}

export interface CommandOutput {
  /** Human text (stdout). */
  text: string | Buffer;
  /** What --json prints. */
  json: unknown;
  exitCode?: number;
}

const TEXT_TYPES = new Set(['text', 'code', 'mermaid', 'canvas', 'relationMap', 'search', 'book', 'render', 'webView', 'mindMap', 'geoMap', 'noteMap', 'doc', 'contentWidget', 'launcher', 'spreadsheet']);

export const COMMANDS: Record<string, (ctx: CommandContext) => Promise<CommandOutput>> = {
  init, setup, 'push-to': pushTo, sync, test, status, tree, cat, create, write, rename, move, delete: remove, revisions, verify, conflicts,
  search: searchCommand, today: todayCommand, convert: convertCommand,
  'set-password': setDocumentPassword, 'change-password': changeDocumentPassword, protect: (ctx) => protectSubtree(ctx, true), unprotect: (ctx) => protectSubtree(ctx, false),
};

function dataDir(ctx: CommandContext): string {
  return requireFlag(ctx.args.flags, 'data');
}

function password(ctx: CommandContext, required: boolean): string | undefined {
  const value = ctx.env.TRILIUM_PASSWORD;
  if (!value && required) {
    throw new TriliumError('PASSWORD_NOT_SET', 'No password given.', 'Set the environment variable TRILIUM_PASSWORD to the sync server\'s password.');
  }
  return value || undefined;
}

/** The document password for protected notes (the same as the sync password in Trilium). */
function documentPassword(ctx: CommandContext): string {
  const value = ctx.env.TRILIUM_PASSWORD;
  if (!value) throw new TriliumError('PASSWORD_NOT_SET', 'Protected notes need the document password.', 'Set the environment variable TRILIUM_PASSWORD to it.');
  return value;
}

/**
 * Opens the replica for one command. `thread: 'auto'` (the syncs) puts it in a worker thread when the driver is
 * synchronous, so applying pulled pages overlaps fetching the next ones.
 */
export async function withReplica<T>(ctx: CommandContext, work: (replica: ReplicaApi) => Promise<T>, thread: ReplicaThread = 'same'): Promise<T> {
  const dir = dataDir(ctx);
  if (!existsSync(join(dir, 'document.db'))) {
    throw new TriliumError('NO_REPLICA', `There is no replica in ${dir}.`, 'Run `trilium-sync init` or `trilium-sync setup --server URL` first.');
  }
  const replica = await openReplicaOn(thread, dir, { clock: systemClock });
  try {
    if (['unlock', 'protected'].some((s) => ctx.args.switches.has(s))) await replica.unlock(documentPassword(ctx));
    return await work(replica);
  } finally {
    await replica.close();
  }
}

async function serverUrlOf(ctx: CommandContext, replica: ReplicaApi): Promise<string> {
  const url = ctx.args.flags.server ?? (await replica.getOption('syncServerHost'));
  if (!url || url === 'disabled') {
    throw new TriliumError('NOT_CONFIGURED', 'No sync server is configured for this replica.', 'Pass --server URL.');
  }
  return url;
}

function engineFor(ctx: CommandContext, replica: ReplicaApi, serverUrl: string): SyncEngine {
  const network = networkOptionsFrom(ctx.args.flags, ctx.env);
  return new SyncEngine(replica, { serverUrl, network }, replicaSecretSource(replica), systemClock, ctx.logger);
}

function syncSummary(result: SyncResult): CommandOutput {
  const sectors = result.failedSectors.map((s) => `${s.entityName}/${s.sector}`).join(', ');
  const m = result.migration;
  const migrated = m ? `migrated the replica from sync version ${m.fromSyncVersion} (${m.fromReleases}) to ${m.toSyncVersion} (${m.toReleases}), as the server was upgraded:\n${m.steps.map((l) => `  ${l}\n`).join('')}` : '';
  const text = migrated + `pulled ${result.pulled}, pushed ${result.pushed} in ${result.rounds} round(s), ${(result.durationMs / 1000).toFixed(1)} s; `
    + `content hash check ${result.hashCheck}${sectors ? ` (${sectors})` : ''}`
    + (result.conflicts.length ? `; ${result.conflicts.length} conflict(s) kept as revisions (see \`conflicts\`)` : '') + '\n';
  return { text, json: result, exitCode: result.hashCheck === 'passed' ? 0 : 1 };
}

async function init(ctx: CommandContext): Promise<CommandOutput> {
  const dir = dataDir(ctx);
  if (existsSync(join(dir, 'document.db'))) {
    throw new TriliumError('REPLICA_EXISTS', `${dir} already holds a replica.`, 'Use another --data directory.');
  }
  const syncVersion = ctx.args.flags['sync-version'] ? Number(ctx.args.flags['sync-version']) : undefined;
  const replica = await createLocalDocument(dir, { syncVersion, password: password(ctx, false) });
  try {
    const info = await replica.info();
    return { text: `created document ${info.documentId} (sync version ${info.syncVersion}) in ${dir}\n`, json: { documentId: info.documentId, syncVersion: info.syncVersion, dataDir: dir } };
  } finally {
    await replica.close();
  }
}

async function setup(ctx: CommandContext): Promise<CommandOutput> {
  const dir = dataDir(ctx);
  if (existsSync(join(dir, 'document.db'))) {
    throw new TriliumError('REPLICA_EXISTS', `${dir} already holds a replica.`, 'Run `trilium-sync sync` to continue it, or use another --data directory.');
  }
  const { replica, result } = await setupFromServer({
    dataDir: dir, serverUrl: requireFlag(ctx.args.flags, 'server'), password: password(ctx, true)!,
    network: networkOptionsFrom(ctx.args.flags, ctx.env), onProgress: ctx.progress, logger: ctx.logger, thread: 'auto',
  });
  await replica.close();
  return syncSummary(result);
}

async function pushTo(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    const result = await pushToServer({
      replica, serverUrl: requireFlag(ctx.args.flags, 'server'), password: password(ctx, false),
      network: networkOptionsFrom(ctx.args.flags, ctx.env), onProgress: ctx.progress, logger: ctx.logger,
    });
    return syncSummary(result);
  });
}

async function sync(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    const engine = engineFor(ctx, replica, await serverUrlOf(ctx, replica));
    // One sync at a time per replica: a VS Code window (or another run) holding the lease does it for us.
    const run = await syncWithLease(replica.dataDir, `trilium-sync sync (pid ${process.pid})`, () => engine.sync({ onProgress: ctx.progress }));
    const out = syncSummary(run.result);
    if (run.syncedBy !== 'self') out.text = `synced by ${run.syncedBy}: ${String(out.text)}`;
    return { ...out, json: { ...run.result, syncedBy: run.syncedBy, startedAt: run.startedAt, finishedAt: run.finishedAt } };
  }, 'auto');
}

async function test(ctx: CommandContext): Promise<CommandOutput> {
  const dir = dataDir(ctx);
  if (!existsSync(join(dir, 'document.db')) && ctx.args.flags.server) {
    const network = networkOptionsFrom(ctx.args.flags, ctx.env);
    return testOutput(await testServer({ serverUrl: ctx.args.flags.server, password: password(ctx, false), network, logger: ctx.logger }));
  }
  return withReplica(ctx, async (replica) => {
    const engine = engineFor(ctx, replica, await serverUrlOf(ctx, replica));
    return testOutput(await engine.testSync({ startSync: false }));
  });
}

function testOutput(result: TestSyncResult): CommandOutput {
  const lines = result.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.name}: ${s.detail}`);
  if (result.route) {
    lines.push(`route: ${result.route.proxy ? `via proxy ${result.route.proxy}` : 'direct'}${result.route.tlsProtocol ? `, ${result.route.tlsProtocol}` : ''}, ${result.route.elapsedMs} ms`);
  }
  if (result.replicaSyncVersion !== undefined) lines.push(`sync versions: server ${result.serverSyncVersion ?? '?'}, replica ${result.replicaSyncVersion}`);
  if (result.storage) lines.push(`storage: ${result.storage.name} (SQLite ${result.storage.sqliteVersion})`);
  if (result.clockOffsetMs !== undefined) lines.push(`clock offset: ${Math.round(result.clockOffsetMs / 1000)} s`);
  lines.push(result.ok ? (result.steps.some((s) => s.name === 'login') ? 'Sync server handshake has been successful.' : result.message) : result.message);
  const json = { ...result, error: result.error ? { code: result.error.code, message: result.error.message, hint: result.error.hint } : undefined };
  return { text: lines.join('\n') + '\n', json, exitCode: result.ok ? 0 : 1 };
}

async function status(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    const info = await replica.info();
    const counts = await replica.counts();
    const server = await replica.getOption('syncServerHost');
    const pendingChanges = await replica.hasUnsentChanges(info.lastSyncedPush);
    const conflicts = (await replica.listConflicts()).length;
    const json = { ...info, server, counts, pendingChanges, conflicts, dataDir: replica.dataDir, storage: replica.driver };
    const text = [
      `document:     ${info.documentId ?? '(none)'}${info.initialized ? '' : ' (not initialised yet)'}`,
      `server:       ${server ?? '(not configured)'}`,
      `syncVersion:  ${info.syncVersion}`,
      `instanceId:   ${info.instanceId}`,
      `storage:      ${replica.driver.name} (SQLite ${replica.driver.sqliteVersion}, Node ${process.version})`,
      `counts:       ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `cursors:      lastSyncedPull ${info.lastSyncedPull}, lastSyncedPush ${info.lastSyncedPush}`,
      `pending:      ${pendingChanges} change(s) not yet pushed`,
      `conflicts:    ${conflicts}`,
    ].join('\n') + '\n';
    return { text, json };
  });
}

interface TreeNode { noteId: string; title: string; type: string; branchId: string; prefix: string | null; children?: TreeNode[] }

async function tree(ctx: CommandContext): Promise<CommandOutput> {
  const rootId = ctx.args.positional[0] ?? 'root';
  const depth = ctx.args.flags.depth ? Number(ctx.args.flags.depth) : 3;
  if (!Number.isInteger(depth) || depth < 0) throw usage('--depth takes a whole number.');
  return withReplica(ctx, async (replica) => {
    const note = await replica.getNote(rootId);
    if (!note) throw new TriliumError('NOT_FOUND', `Note ${rootId} does not exist.`, 'Run `trilium-sync tree` to see the note ids.');
    const walk = async (noteId: string, level: number): Promise<TreeNode[] | undefined> => {
      const children = await replica.getChildren(noteId);
      if (level >= depth) return children.length ? [] : undefined;
      const out: TreeNode[] = [];
      for (const c of children) {
        out.push({ noteId: c.noteId, title: c.title, type: c.type, branchId: c.branchId, prefix: c.prefix, children: c.hasChildren ? await walk(c.noteId, level + 1) : undefined });
      }
      return out;
    };
    const top: TreeNode = { noteId: note.noteId, title: note.title, type: note.type, branchId: '', prefix: null, children: await walk(rootId, 0) };
    const lines: string[] = [];
    const print = (n: TreeNode, indent: string) => {
      lines.push(`${indent}${n.prefix ? `${n.prefix} - ` : ''}${n.title}  [${n.noteId}${n.type !== 'text' ? `, ${n.type}` : ''}]${n.children && n.children.length === 0 ? ' …' : ''}`);
      for (const c of n.children ?? []) print(c, indent + '  ');
    };
    print(top, '');
    return { text: lines.join('\n') + '\n', json: top };
  });
}

async function cat(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  return withReplica(ctx, async (replica) => {
    const note = await replica.getNote(noteId);
    if (!note) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist.`, 'Run `trilium-sync tree` to see the note ids.');
    const content = (await replica.getNoteContent(noteId)) ?? '';
    const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const titles = note.type === 'text' && ctx.args.switches.has('markdown') ? await includeTitles(raw.toString('utf8'), (id) => replica.getNote(id)) : undefined;
    const buffer = noteTextFor(ctx, note.type, raw, titles);
    const isText = TEXT_TYPES.has(note.type) || note.mime.startsWith('text/');
    return {
      text: buffer,
      json: { noteId, title: note.title, type: note.type, mime: note.mime, blobId: note.blobId, ...(isText ? { content: buffer.toString('utf8') } : { contentBase64: buffer.toString('base64') }) },
    };
  });
}

async function readContent(file: string, type: string, mime: string): Promise<string | Buffer> {
  const bytes = await readFile(file);
  return TEXT_TYPES.has(type) || mime.startsWith('text/') ? bytes.toString('utf8') : bytes;
}

async function create(ctx: CommandContext): Promise<CommandOutput> {
  const { flags } = ctx.args;
  const parentNoteId = requireFlag(flags, 'parent');
  const title = requireFlag(flags, 'title');
  const type = flags.type ?? 'text';
  return withReplica(ctx, async (replica) => {
    if (!(await replica.getNote(parentNoteId))) throw new TriliumError('NOT_FOUND', `Parent note ${parentNoteId} does not exist.`, 'Run `trilium-sync tree` to see the note ids.');
    const mime = flags.mime ?? (type === 'text' ? 'text/html' : type === 'code' ? 'text/plain' : 'application/octet-stream');
    const content = flags['content-file'] ? await readContent(flags['content-file'], type, mime) : undefined;
    const { noteId, branchId } = await replica.createNote({ parentNoteId, title, type, mime: flags.mime, content, isProtected: ctx.args.switches.has('protected') || undefined });
    return { text: `${noteId}\n`, json: { noteId, branchId } };
  });
}

async function write(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  const file = requireFlag(ctx.args.flags, 'content-file');
  return withReplica(ctx, async (replica) => {
    const note = await replica.getNote(noteId);
    if (!note) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist.`, 'Run `trilium-sync tree` to see the note ids.');
    // The base is what the caller read (`cat --json` prints its blobId), else the note as this run found it.
    const base = { blobId: ctx.args.flags.base ?? note.blobId, source: 'trilium-sync write' };
    const outcome = await replica.setNoteContent(noteId, await readContent(file, note.type, note.mime), base);
    const c = outcome.conflict;
    const text = !c ? `wrote ${noteId}\n`
      : c.loser === 'remote' ? `wrote ${noteId}; it had changed since --base, so that text is kept as revision ${c.revisionId} (conflict #${c.conflictId})\n`
        : `did not write ${noteId}: a newer text is there; yours is kept as revision ${c.revisionId} (conflict #${c.conflictId})\n`;
    return { text, json: { noteId, saved: outcome.saved, conflict: c } };
  });
}

async function rename(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  const title = requirePositional(ctx.args.positional, 1, 'TITLE');
  return withReplica(ctx, async (replica) => {
    await replica.renameNote(noteId, title);
    return { text: `renamed ${noteId}\n`, json: { noteId, title } };
  });
}

async function move(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  const parent = requireFlag(ctx.args.flags, 'parent');
  return withReplica(ctx, async (replica) => {
    const branches = (await replica.getParentBranches(noteId)).filter((b) => !b.isDeleted);
    if (branches.length === 0) throw new TriliumError('NOT_FOUND', `Note ${noteId} has no parent to move it from.`, 'Run `trilium-sync tree` to see the note ids.');
    const from = ctx.args.flags.from ? branches.find((b) => b.parentNoteId === ctx.args.flags.from) : branches[0];
    if (!from) throw new TriliumError('NOT_FOUND', `Note ${noteId} is not a child of ${ctx.args.flags.from}.`, 'Check --from.');
    const branchId = await replica.moveBranch(from.branchId, parent);
    return { text: `moved ${noteId} to ${parent}\n`, json: { noteId, branchId, parentNoteId: parent } };
  });
}

async function remove(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  return withReplica(ctx, async (replica) => {
    const deleteId = await replica.deleteNote(noteId);
    return { text: `deleted ${noteId}\n`, json: { noteId, deleteId } };
  });
}

async function revisions(ctx: CommandContext): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  return withReplica(ctx, async (replica) => {
    const list = await replica.getRevisions(noteId);
    const text = list.length
      ? list.map((r) => `${r.revisionId}  ${r.utcDateCreated}  ${r.title}${r.source ? `  (${r.source})` : ''}`).join('\n') + '\n'
      : `no revisions of ${noteId}\n`;
    return { text, json: list };
  });
}

async function setDocumentPassword(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    await replica.setDocumentPassword(documentPassword(ctx));
    return { text: 'the document has a password now; protected notes can be made with --protected\n', json: { ok: true } };
  });
}

async function changeDocumentPassword(ctx: CommandContext): Promise<CommandOutput> {
  const newPassword = ctx.env.TRILIUM_NEW_PASSWORD;
  if (!newPassword) throw new TriliumError('PASSWORD_NOT_SET', 'No new password given.', 'Set TRILIUM_NEW_PASSWORD to the new document password (and TRILIUM_PASSWORD to the current one).');
  return withReplica(ctx, async (replica) => {
    await replica.changeDocumentPassword(documentPassword(ctx), newPassword);
    return { text: 'the document password is changed; other devices take it at their next sync\n', json: { ok: true } };
  });
}

async function protectSubtree(ctx: CommandContext, protect: boolean): Promise<CommandOutput> {
  const noteId = requirePositional(ctx.args.positional, 0, 'NOTE_ID');
  return withReplica(ctx, async (replica) => {
    if (!(await replica.isUnlocked())) await replica.unlock(documentPassword(ctx));
    const changed = await replica.protectSubtree(noteId, protect);
    return { text: `${protect ? 'protected' : 'unprotected'} ${changed} note(s)\n`, json: { noteId, changed } };
  });
}

async function verify(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    const result = await replica.verifyHashes();
    const notes = [
      result.triliumVariants ? `${result.triliumVariants} more match Trilium's hash of a newly created entity, where unset columns hash as "undefined"` : '',
      result.olderFormula ? `${result.olderFormula} more keep the hash of an older sync version, as Trilium keeps it through its migrations` : '',
      result.decryptedTitle ? `${result.decryptedTitle} protected more were hashed by Trilium over their decrypted title` : '',
      result.protectedLocked ? `${result.protectedLocked} protected not checked: Trilium may hash them over their decrypted title, so check them with --unlock` : '',
    ].filter(Boolean);
    const variants = notes.length ? ` (${notes.join('; ')})` : '';
    const text = `checked ${result.checked} entity hashes, ${result.mismatches.length} mismatch(es)${variants}\n`
      + result.mismatches.map((m) => `  ${m.entityName} ${m.entityId}: stored ${m.stored}, computed ${m.computed}\n`).join('');
    return { text, json: result, exitCode: result.mismatches.length ? 1 : 0 };
  });
}

async function conflicts(ctx: CommandContext): Promise<CommandOutput> {
  return withReplica(ctx, async (replica) => {
    const list = await replica.listConflicts({ includeResolved: ctx.args.flags.all === 'true' });
    const text = list.length
      ? list.map((c) => `#${c.conflictId} ${c.kind} ${c.entityName} ${c.entityId}${c.noteId ? ` (note ${c.noteId})` : ''}: ${c.loser} side lost`
        + `${c.revisionId ? `, kept as revision ${c.revisionId}` : ''} (${c.utcDateDetected})`).join('\n') + '\n'
      : 'no conflicts\n';
    return { text, json: list };
  });
}

export type { SyncProgress };
