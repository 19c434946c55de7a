// A protected session: the data key, in memory only, until lock() or until `timeoutSeconds` pass without any
// protected read or write (Trilium's protectedSessionTimeout, measured from the last use).
import { TriliumError } from '../errors';
import type { Clock } from '../types';
import { systemClock } from '../types';

export function lockedError(what = 'This note'): TriliumError {
  return new TriliumError('PROTECTED_LOCKED', `${what} is protected and the protected session is locked.`,
    'Unlock protected notes first ("Trilium: Unlock Protected Notes", or --unlock with TRILIUM_PASSWORD for the CLI).');
}

export class ProtectedSession {
  private key: Buffer | null = null;
  private lastUsed = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(unlocked: boolean) => void>();

  constructor(private timeoutSeconds = 600, private readonly clock: Clock = systemClock) {}

  /** Starts (or restarts) a session with this data key; the session keeps its own copy. */
  unlock(dataKey: Buffer, timeoutSeconds?: number): void {
    if (timeoutSeconds !== undefined && Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) this.timeoutSeconds = timeoutSeconds;
    this.wipe();
    this.key = Buffer.from(dataKey);
    this.touch();
    this.emit(true);
  }

  lock(): void {
    if (!this.key) return;
    this.wipe();
    this.emit(false);
  }

  isUnlocked(): boolean {
    this.expireIfIdle();
    return this.key !== null;
  }

  /** The data key without counting as a use (for writes that only copy ciphertext when locked). */
  peekKey(): Buffer | null {
    return this.isUnlocked() ? this.key : null;
  }

  /** The data key, marking the session as used; null when locked (or expired just now). */
  keyOrNull(): Buffer | null {
    if (!this.isUnlocked()) return null;
    this.touch();
    return this.key;
  }

  /** The data key, or PROTECTED_LOCKED naming what needed it. */
  requireKey(what?: string): Buffer {
    const key = this.keyOrNull();
    if (!key) throw lockedError(what);
    return key;
  }

  get timeout(): number {
    return this.timeoutSeconds;
  }

  setTimeoutSeconds(seconds: number): void {
    if (Number.isFinite(seconds) && seconds > 0) this.timeoutSeconds = seconds;
    if (this.key) this.schedule();
  }

  onDidChange(listener: (unlocked: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.wipe();
    this.listeners.clear();
  }

  private touch(): void {
    this.lastUsed = this.clock.now().getTime();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const due = this.lastUsed + this.timeoutSeconds * 1000 - this.clock.now().getTime();
    this.timer = setTimeout(() => { this.timer = null; this.expireIfIdle(); }, Math.max(due, 0) + 5);
    this.timer.unref?.();
  }

  private expireIfIdle(): void {
    if (!this.key) return;
    if (this.clock.now().getTime() - this.lastUsed >= this.timeoutSeconds * 1000) this.lock();
    else if (!this.timer) this.schedule();
  }

  private wipe(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.key) this.key.fill(0);
    this.key = null;
  }

  private emit(unlocked: boolean): void {
    for (const l of this.listeners) {
      try { l(unlocked); } catch { /* a listener's failure is not the session's */ }
    }
  }
}
