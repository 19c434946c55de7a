// What the replica does for protected notes: the session (living with the replica, in its thread), decrypted
// reads, the document password, protect/unprotect. The replica calls in here from one line per operation.
import type { Connection } from '../db';
import { TriliumError } from '../errors';
import type { AttachmentRow, Clock, NoteRow, ReplicaChange, RevisionRow, TreeChild } from '../types';
import type { WriteContext } from '../writeContext';
import { newPasswordOptions, passwordMatches, PASSWORD_OPTION_NAMES, unlockDataKey, wrongPasswordError, type PasswordOptions } from './documentPassword';
import { openContent, shownTitle } from './entities';
import { searchProtectedContent, searchProtectedTitles } from './search';
import { ProtectedSession } from './session';
import { protectSubtree } from './subtree';

export interface ProtectionHost {
  reader: Connection;
  clock: Clock;
  getOption(name: string): Promise<string | null>;
  /** Runs a local operation (one transaction with its entity changes). */
  op<T>(fn: (w: WriteContext) => Promise<T>): Promise<T>;
  /** Removes freed pages and stale index segments from the file (after plaintext was replaced by ciphertext). */
  scrub(): Promise<void>;
  emit(change: ReplicaChange): void;
}

const DEFAULT_TIMEOUT_SECONDS = 600;

export class ReplicaProtection {
  readonly session: ProtectedSession;

  constructor(private readonly host: ProtectionHost) {
    this.session = new ProtectedSession(DEFAULT_TIMEOUT_SECONDS, host.clock);
    this.session.onDidChange((unlocked) => void this.announce(unlocked));
  }

  /** Tells views that every protected note's title and content changed (they read decrypted, or "[protected]", now). */
  private async announce(unlocked: boolean): Promise<void> {
    const rows = await this.host.reader.all<{ noteId: string; parentNoteId: string | null }>(
      `SELECT n.noteId, b.parentNoteId FROM notes n LEFT JOIN branches b ON b.noteId = n.noteId AND b.isDeleted = 0
       WHERE n.isProtected = 1 AND n.isDeleted = 0`).catch(() => []);
    const change: ReplicaChange = {
      noteIds: new Set(rows.map((r) => r.noteId)), parentNoteIds: new Set(['root']), origin: 'local',
      protectedSession: unlocked ? 'unlocked' : 'locked',
    };
    for (const r of rows) if (r.parentNoteId) change.parentNoteIds.add(r.parentNoteId);
    this.host.emit(change);
  }

  private async passwordOptions(): Promise<Partial<PasswordOptions>> {
    const out: Partial<PasswordOptions> = {};
    for (const name of PASSWORD_OPTION_NAMES) {
      const v = await this.host.getOption(name);
      if (v) out[name] = v;
    }
    return out;
  }

  private async timeoutSeconds(): Promise<number> {
    const v = Number(await this.host.getOption('protectedSessionTimeout'));
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_TIMEOUT_SECONDS;
  }

  /** Checks the document password and opens the session with the data key. */
  async unlock(password: string): Promise<void> {
    const options = await this.passwordOptions();
    if (options.passwordVerificationHash && options.passwordVerificationSalt && (!options.encryptedDataKey || !options.passwordDerivedKeySalt)) {
      await this.addMissingDataKey(password, options);
      return this.unlock(password);
    }
    const key = await unlockDataKey(password, options);
    try {
      this.session.unlock(key, await this.timeoutSeconds());
    } finally {
      key.fill(0);
    }
  }

  /** A document whose password was set before it had a data key (no protected data can exist): give it one. */
  private async addMissingDataKey(password: string, options: Partial<PasswordOptions>): Promise<void> {
    if (!(await passwordMatches(password, options as PasswordOptions))) throw wrongPasswordError();
    const fresh = await newPasswordOptions(password);
    await this.host.op(async (w) => {
      for (const name of ['passwordDerivedKeySalt', 'encryptedDataKey'] as const) {
        await w.saveRow('options', { name, value: fresh[name], isSynced: 1, utcDateModified: w.utcNow });
      }
    });
  }

  /**
   * New password options arrived from another instance. Trilium keeps the data key through a password change,
   * but a reset gives the document a new one, and the session cannot tell which without the new password:
   * it locks, so nothing is written with a key the document may no longer use.
   */
  passwordChangedElsewhere(): void {
    this.session.lock();
  }

  /** "Set Document Password" for a document that has none yet (Trilium's setPassword). */
  async setDocumentPassword(password: string): Promise<void> {
    if (!password) throw new TriliumError('INVALID_OPERATION', 'The password is empty.', 'Type a password.');
    if (await this.host.getOption('passwordVerificationHash')) {
      throw new TriliumError('INVALID_OPERATION', 'This document already has a password.', 'Change it in Trilium (Options → Password); the change arrives here by sync.');
    }
    const options = await newPasswordOptions(password);
    await this.host.op(async (w) => {
      for (const name of PASSWORD_OPTION_NAMES) await w.saveRow('options', { name, value: options[name], isSynced: 1, utcDateModified: w.utcNow });
    });
  }

  async changeDocumentPassword(oldPassword: string, newPassword: string): Promise<void> {
    if (!newPassword) throw new TriliumError('INVALID_OPERATION', 'The new password is empty.', 'Type a new password.');
    const dataKey = await unlockDataKey(oldPassword, await this.passwordOptions());
    try {
      const options = await newPasswordOptions(newPassword, dataKey);
      await this.host.op(async (w) => {
        for (const name of PASSWORD_OPTION_NAMES) await w.saveRow('options', { name, value: options[name], isSynced: 1, utcDateModified: w.utcNow });
      });
    } finally {
      dataKey.fill(0);
    }
  }

  async protectSubtree(noteId: string, protect: boolean): Promise<number> {
    const key = this.session.requireKey(protect ? 'Protecting notes needs the data key: this document' : 'This subtree');
    const changed = await this.host.op((w) => protectSubtree(w, key, noteId, protect));
    if (protect && changed > 0) await this.host.scrub();
    return changed;
  }

  // ----- reads -----

  private keyFor(isProtected: number | boolean | undefined): Buffer | null {
    return isProtected ? this.session.keyOrNull() : null;
  }

  note<T extends NoteRow | null | undefined>(row: T): T {
    if (!row || !row.isProtected) return row;
    return { ...row, title: shownTitle(row.title, 1, this.keyFor(1)) };
  }

  children(list: TreeChild[]): TreeChild[] {
    if (!list.some((c) => c.isProtected)) return list;
    const key = this.keyFor(1);
    return list.map((c) => (c.isProtected ? { ...c, title: shownTitle(c.title, 1, key) } : c));
  }

  revisions(list: RevisionRow[]): RevisionRow[] {
    return list.map((r) => (r.isProtected ? { ...r, title: shownTitle(r.title, 1, this.keyFor(1)) } : r));
  }

  attachments(list: AttachmentRow[]): AttachmentRow[] {
    return list.map((a) => (a.isProtected ? { ...a, title: shownTitle(a.title, 1, this.keyFor(1)) } : a));
  }

  /** Content as stored, or decrypted for a protected entity (PROTECTED_LOCKED when locked). */
  content(stored: string | Buffer | null, isProtected: number | boolean, what: string): string | Buffer | null {
    if (!isProtected) return stored;
    return openContent(stored, this.session.keyOrNull(), what);
  }

  /** Titles of protected notes for listAllNotes: real ones while unlocked, "[protected]" otherwise. */
  listTitle(title: string, isProtected: number): string {
    return shownTitle(title, isProtected, this.keyFor(isProtected));
  }

  async searchTitles(query: string, limit: number): Promise<Array<{ noteId: string; title: string; type: string }>> {
    const key = this.session.keyOrNull();
    return key ? searchProtectedTitles(this.host.reader, key, query, limit) : [];
  }

  async searchContent(query: string, limit: number): Promise<Array<{ noteId: string; title: string; snippet: string }>> {
    const key = this.session.keyOrNull();
    return key ? searchProtectedContent(this.host.reader, key, query, limit) : [];
  }

  dispose(): void {
    this.session.dispose();
  }
}
