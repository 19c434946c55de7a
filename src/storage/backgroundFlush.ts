// During an initial load the replica writes with SQLite's syncs off, and the load ends with one checkpoint that
// fsyncs the write-ahead log and the database file: of a 100k-note sync, what was written since the kernel last wrote
// back was still in the page cache then. Flushing both files every few seconds on libuv's thread pool (no JavaScript
// thread waits) leaves those fsyncs less to write.
import { open } from 'node:fs/promises';

export class BackgroundFlush {
  private last = 0;
  private running: Promise<void> | undefined;
  /** Flushes started so far. */
  started = 0;

  constructor(private readonly files: string[], private readonly intervalMs = 2000, private readonly now = () => Date.now()) {}

  /** Starts a flush of the file unless one runs or the last began less than the interval ago. */
  maybeFlush(): void {
    if (this.running || this.now() - this.last < this.intervalMs) return;
    this.last = this.now();
    this.started++;
    this.running = this.flush().finally(() => (this.running = undefined));
  }

  /** Waits for a flush under way. */
  async settle(): Promise<void> {
    await this.running;
  }

  private async flush(): Promise<void> {
    for (const file of this.files) {
      try {
        const handle = await open(file, 'r');
        try {
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } catch {
        // only an optimisation: the checkpoint that ends the load syncs the files in any case
      }
    }
  }
}
