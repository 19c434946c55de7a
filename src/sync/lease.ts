// One sync at a time per replica, across processes: a lease file next to document.db. The holder renews it every
// few seconds; a lease that was not renewed within its time to live, or whose holder process on this machine is
// gone, is taken over: one taker at a time, writing the file atomically (rename). A holder that finds someone
// else's record at its next renewal (it was frozen longer than the time to live) knows it lost the lease.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const LEASE_FILE = 'sync-lease.json';

export interface LeaseRecord {
  holderId: string;
  pid: number;
  hostname: string;
  /** Who holds it, for people: "VS Code window (pid 123)", "trilium-sync sync (pid 456)". */
  label: string;
  acquiredAt: number;
  renewedAt: number;
  ttlMs: number;
}

export interface LeaseOptions {
  label?: string;
  /** A lease not renewed for this long is free; 20 s by default. */
  ttlMs?: number;
  /** How often the holder renews; 5 s by default. */
  renewMs?: number;
  now?: () => number;
}

/** True when a process with this id runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lease record still binds others: renewed recently and, on this machine, its process still runs. */
export function leaseIsLive(rec: LeaseRecord, now: number, host = hostname()): boolean {
  if (now - rec.renewedAt >= rec.ttlMs) return false;
  return rec.hostname !== host || processAlive(rec.pid);
}

export class SyncLease {
  readonly holderId = randomBytes(9).toString('base64url');
  readonly file: string;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly now: () => number;
  private readonly label: string;
  private heldValue = false;
  private acquiredAt = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly lostListeners = new Set<() => void>();
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly dataDir: string, opts: LeaseOptions = {}) {
    this.file = path.join(dataDir, LEASE_FILE);
    this.ttlMs = opts.ttlMs ?? 20_000;
    this.renewMs = opts.renewMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.label = opts.label ?? `process ${process.pid}`;
  }

  get held(): boolean {
    return this.heldValue;
  }

  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** The current record, or null when there is none (or it cannot be read). */
  async read(): Promise<LeaseRecord | null> {
    try {
      const rec = JSON.parse(await fs.readFile(this.file, 'utf8')) as LeaseRecord;
      return rec && typeof rec.holderId === 'string' ? rec : null;
    } catch {
      return null;
    }
  }

  /** The live holder other than us, if any. */
  async otherHolder(): Promise<LeaseRecord | null> {
    const rec = await this.read();
    return rec && rec.holderId !== this.holderId && leaseIsLive(rec, this.now()) ? rec : null;
  }

  /** Takes the lease when it is free or stale; true when we hold it afterwards. */
  tryAcquire(): Promise<boolean> {
    return this.serialized(() => this.acquire());
  }

  /** Gives the lease up (deletes the file when it is still ours). */
  release(): Promise<void> {
    return this.serialized(async () => {
      this.stopRenewing();
      if (!this.heldValue) return;
      this.heldValue = false;
      const rec = await this.read();
      if (rec?.holderId === this.holderId) await fs.rm(this.file, { force: true });
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private record(): LeaseRecord {
    const now = this.now();
    return {
      holderId: this.holderId, pid: process.pid, hostname: hostname(), label: this.label,
      acquiredAt: this.acquiredAt || now, renewedAt: now, ttlMs: this.ttlMs,
    };
  }

  private async acquire(): Promise<boolean> {
    if (this.heldValue) {
      const rec = await this.read();
      if (rec?.holderId === this.holderId) return true;
      this.lose();
    }
    this.acquiredAt = this.now();
    try {
      await fs.writeFile(this.file, JSON.stringify(this.record()), { flag: 'wx' });
      return this.won();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = await this.read();
    if (current && leaseIsLive(current, this.now())) return false;
    return this.takeOver();
  }

  /**
   * Replaces a stale record. Takers go one at a time (a directory made with mkdir, which only one can create)
   * and look again inside, so of several processes that saw the same stale record only the first replaces it.
   */
  private async takeOver(): Promise<boolean> {
    const gate = `${this.file}.takeover`;
    try {
      await fs.mkdir(gate);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A taker that died inside leaves the directory behind: clear it for the next attempt.
      const age = await fs.stat(gate).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (age > 10_000) await fs.rm(gate, { recursive: true, force: true });
      return false;
    }
    try {
      const current = await this.read();
      if (current && leaseIsLive(current, this.now())) return false;
      if (!current && (await this.youngFile())) return false; // being written right now
      await this.replace();
      return this.won();
    } finally {
      await fs.rmdir(gate).catch(() => undefined);
    }
  }

  /** A file that cannot be parsed yet but was touched a moment ago is someone's write in progress. */
  private async youngFile(): Promise<boolean> {
    try {
      return Date.now() - (await fs.stat(this.file)).mtimeMs < 1000;
    } catch {
      return false;
    }
  }

  private async replace(): Promise<void> {
    const tmp = `${this.file}.${this.holderId}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(this.record()));
    await fs.rename(tmp, this.file);
  }

  private won(): boolean {
    this.heldValue = true;
    this.stopRenewing();
    this.renewTimer = setInterval(() => void this.serialized(() => this.renew()).catch(() => undefined), this.renewMs);
    this.renewTimer.unref?.();
    return true;
  }

  private async renew(): Promise<void> {
    if (!this.heldValue) return;
    const rec = await this.read();
    if (rec?.holderId !== this.holderId) {
      this.lose();
      return;
    }
    await this.replace();
  }

  private lose(): void {
    this.heldValue = false;
    this.stopRenewing();
    for (const l of this.lostListeners) {
      try { l(); } catch { /* a listener's failure is not the lease's */ }
    }
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
