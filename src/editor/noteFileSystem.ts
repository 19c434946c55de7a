// Notes as editor documents: the `trilium:` file system over the replica. Text notes are served as Markdown (or HTML,
// by the setting), converted by the NoteConverter it is given; code notes by MIME; images and files as bytes.
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import type { ConflictRecord, NoteRow, ReplicaChange } from '../storage/types';
import { convertOnThisThread, type NoteConverter } from '../markdown/worker/noteConverter';
import { includeTitles } from './htmlMarkdown';
import { formatForExtension, noteExtension, notePath, parseNotePath, SCHEME } from './noteUri';

export const PROTECTED_PLACEHOLDER =
  'This note is protected: its content is encrypted with the document password.\n' +
  'Run "Trilium: Unlock Protected Notes" to read and edit it.\n';
/** The file name of every protected note's URI: titles of protected notes never go into URIs (VS Code keeps those on disk). */
export const PROTECTED_FILE_NAME = 'protected note';

function toText(content: string | Buffer | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.toString('utf8');
}

function toBytes(content: string | Buffer | null): Uint8Array {
  if (content === null) return new Uint8Array();
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function parseUtc(s: string | undefined | null): number {
  if (!s) return 0;
  const t = Date.parse(s.replace(' ', 'T'));
  return Number.isNaN(t) ? 0 : t;
}

export class NoteFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  private replica: ReplicaApi | undefined;
  private unsubscribe: (() => void) | undefined;
  /** URIs handed out per noteId, so that a sync change can tell every open editor of that note. */
  private readonly served = new Map<string, Set<string>>();
  /** Last time a change to a note was seen, so mtime moves even when utcDateModified does not. */
  private readonly changedAt = new Map<string, number>();
  /** Protected notes this provider has served (their editors are saved at once and closed on lock). */
  private readonly protectedIds = new Set<string>();
  /** Notes this provider is writing right now: their change event is not echoed back to the editor. */
  private readonly writing = new Set<string>();
  /** The blob each URI's editor last read: the base of its next save (text changed since then is not overwritten). */
  private readonly loadedBlob = new Map<string, string | null>();

  /** `converter`: where text notes are converted (the extension gives it a worker thread). */
  constructor(private readonly textAsMarkdown: () => boolean, private readonly converter: NoteConverter = convertOnThisThread) {}

  setReplica(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.replica = replica;
    this.unsubscribe = replica?.onDidChange((change) => this.onReplicaChange(change));
  }

  /**
   * The URI a note opens with. Every text note opens as Markdown unless the setting says HTML: the converter proves
   * each conversion as it makes it (what Markdown cannot say stays as HTML islands), so the content is not read here.
   */
  async uriFor(noteId: string): Promise<vscode.Uri> {
    const replica = this.requireReplica();
    const note = await replica.getNote(noteId);
    if (!note || note.isDeleted) throw vscode.FileSystemError.FileNotFound(`Note ${noteId} does not exist`);
    const locked = await this.isLocked(note);
    const ext = locked ? 'txt' : noteExtension(note, this.textAsMarkdown());
    return vscode.Uri.from({ scheme: SCHEME, path: notePath(noteId, note.isProtected ? PROTECTED_FILE_NAME : note.title, ext) });
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const parsed = parseNotePath(uri.path);
    if (!parsed || !parsed.ext) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const note = await this.getNote(parsed.noteId);
    const locked = await this.isLocked(note);
    const content = locked ? null : await this.requireReplica().getNoteContent(parsed.noteId);
    return {
      type: vscode.FileType.File,
      ctime: parseUtc(note.utcDateCreated),
      mtime: Math.max(parseUtc(note.utcDateModified), this.changedAt.get(note.noteId) ?? 0),
      size: locked ? PROTECTED_PLACEHOLDER.length : toBytes(content).byteLength,
      permissions: locked ? vscode.FilePermission.Readonly : undefined,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const parsed = this.parse(uri);
    const note = await this.getNote(parsed.noteId);
    this.remember(note.noteId, uri);
    this.loadedBlob.set(uri.toString(), note.blobId);
    if (await this.isLocked(note)) return Buffer.from(PROTECTED_PLACEHOLDER, 'utf8');
    const content = await this.requireReplica().getNoteContent(note.noteId);
    if (formatForExtension(note.type, parsed.ext) === 'markdown') {
      const html = toText(content);
      return Buffer.from(await this.converter.toMarkdown(html, await this.includeTitles(html)), 'utf8');
    }
    return toBytes(content);
  }

  async writeFile(uri: vscode.Uri, bytes: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const parsed = this.parse(uri);
    const replica = this.requireReplica();
    const note = await replica.getNote(parsed.noteId);
    if (!note || note.isDeleted) {
      throw vscode.FileSystemError.FileNotFound(options.create ? `Create notes from the Trilium tree, not by path (${uri.path})` : uri);
    }
    if (await this.isLocked(note)) {
      throw vscode.FileSystemError.NoPermissions('This note is protected and protected notes are locked. Run "Trilium: Unlock Protected Notes" first.');
    }
    const format = formatForExtension(note.type, parsed.ext);
    let content: string | Buffer;
    if (format === 'markdown') {
      const markdown = Buffer.from(bytes).toString('utf8');
      const currentHtml = toText(await replica.getNoteContent(note.noteId));
      const html = await this.converter.toNoteHtml(markdown, currentHtml, await this.includeTitles(currentHtml));
      if (html === undefined) return; // unchanged: the stored HTML stays byte for byte
      content = html;
    } else if (format === 'binary') {
      content = Buffer.from(bytes);
    } else {
      content = Buffer.from(bytes).toString('utf8');
    }
    const key = uri.toString();
    const base = this.loadedBlob.has(key) ? { blobId: this.loadedBlob.get(key) ?? null, source: 'a VS Code editor' } : undefined;
    this.writing.add(note.noteId);
    let outcome;
    try {
      outcome = await replica.setNoteContent(note.noteId, content, base);
    } finally {
      this.writing.delete(note.noteId);
    }
    this.loadedBlob.set(key, (await replica.getNote(note.noteId))?.blobId ?? null);
    this.changedAt.set(note.noteId, Date.now());
    this.remember(note.noteId, uri);
    if (outcome?.conflict) {
      if (!outcome.saved) this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
      void tellStaleSave(note.title, outcome.conflict);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Create notes from the Trilium tree.');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Delete notes from the Trilium tree.');
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri): Promise<void> {
    const from = this.parse(oldUri);
    const to = this.parse(newUri);
    if (from.noteId !== to.noteId) throw vscode.FileSystemError.NoPermissions('Move notes in the Trilium tree.');
    const name = newUri.path.split('/').pop() ?? '';
    await this.requireReplica().renameNote(from.noteId, name.replace(/\.[^.]+$/, ''));
  }

  private onReplicaChange(change: ReplicaChange): void {
    const events: vscode.FileChangeEvent[] = [];
    const now = Date.now();
    for (const noteId of change.noteIds) {
      this.changedAt.set(noteId, now);
      if (this.writing.has(noteId)) continue;
      for (const uri of this.served.get(noteId) ?? []) events.push({ type: vscode.FileChangeType.Changed, uri: vscode.Uri.parse(uri) });
    }
    if (events.length > 0) this.emitter.fire(events);
  }

  private includeTitles(html: string) {
    const replica = this.requireReplica();
    return includeTitles(html, (id) => replica.getNote(id));
  }

  private remember(noteId: string, uri: vscode.Uri): void {
    let set = this.served.get(noteId);
    if (!set) this.served.set(noteId, (set = new Set()));
    set.add(uri.toString());
  }

  private parse(uri: vscode.Uri): { noteId: string; ext: string } {
    const parsed = parseNotePath(uri.path);
    if (!parsed || !parsed.ext) throw vscode.FileSystemError.FileIsADirectory(uri);
    return parsed;
  }

  /** A protected note while the protected session is locked (its content cannot be read or written). */
  private async isLocked(note: NoteRow): Promise<boolean> {
    if (!note.isProtected) return false;
    this.protectedIds.add(note.noteId);
    return !(await this.requireReplica().isUnlocked());
  }

  isProtectedUri(uri: vscode.Uri): boolean {
    const noteId = noteIdFromUri(uri);
    return !!noteId && this.protectedIds.has(noteId);
  }

  private async getNote(noteId: string): Promise<NoteRow> {
    const note = await this.requireReplica().getNote(noteId);
    if (!note || note.isDeleted) throw vscode.FileSystemError.FileNotFound(`Note ${noteId} does not exist (deleted?)`);
    return note;
  }

  private requireReplica(): ReplicaApi {
    if (!this.replica) throw vscode.FileSystemError.Unavailable('No Trilium document is open. Set up Trilium first.');
    return this.replica;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.emitter.dispose();
  }
}

/** A save met text its editor had not seen (another window, the CLI, a sync): nothing was lost, say where it is. */
async function tellStaleSave(title: string, conflict: ConflictRecord): Promise<void> {
  const message = conflict.loser === 'remote'
    ? `"${title}" had changed since this editor loaded it. Your save replaced it; the other text is kept as a revision (conflict #${conflict.conflictId}).`
    : `"${title}" holds a newer text than your save. The newer text stays; yours is kept as a revision (conflict #${conflict.conflictId}).`;
  const answer = await vscode.window.showWarningMessage(message, 'Compare');
  if (answer === 'Compare') await vscode.commands.executeCommand('trilium.conflicts.compare', conflict.conflictId);
}

export function noteIdFromUri(uri: vscode.Uri): string | undefined {
  return uri.scheme === SCHEME ? parseNotePath(uri.path)?.noteId : undefined;
}
