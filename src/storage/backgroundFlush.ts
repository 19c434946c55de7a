// During an initial load the replica writes with SQLite's syncs off, and the load ends with one checkpoint that
// fsyncs the write-ahead log and the database file: of a 100k-note sync, what was written since the kernel last wrote
// back was still in the page cache then. Flushing both files every few seconds on libuv's thread pool (no JavaScript
// thread waits) leaves those fsyncs less to write. The load's end copies the log into the database without a sync and
// flushes the database here too, while the replica goes on (its content hashes); a sync reports success only after it.
import { open } from 'node:fs/promises';

export class BackgroundFlush {
  private last = 0;
  private running: Promise<void> | undefined;
  /** Flushes started so far. */
  started = 0;

  constructor(private readonly files: string[], private readonly intervalMs = 2000, private readonly now = () => Date.now()) {}

  /** Starts a flush of the files unless one runs or the last began less than the interval ago. */
  maybeFlush(): void {
    if (this.running || this.now() - this.last < this.intervalMs) return;
    this.last = this.now();
    this.started++;
    this.running = this.flush().finally(() => (this.running = undefined));
  }

  /** Flushes both files now (after one under way), failing as the flush does: the load's end awaits it. */
  async flushNow(): Promise<void> {
    await this.running;
    this.last = this.now();
    this.started++;
    const now = this.flush(true);
    this.running = now.catch(() => undefined).finally(() => (this.running = undefined));
    return now;
  }

  /** Waits for a flush under way. */
  async settle(): Promise<void> {
    await this.running;
  }

  private async flush(strict = false): Promise<void> {
    for (const file of this.files) {
      try {
        const handle = await open(file, 'r');
        try {
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } catch (e) {
        // during the load only an optimisation: the flush that ends it (strict) is the one that must succeed; a file
        // that is not there (an empty write-ahead log removed) has nothing to flush
        if (strict && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}
