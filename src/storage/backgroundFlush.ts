// During an initial load the replica writes with SQLite's syncs off, and the load ends with one checkpoint that
// fsyncs the database file: ~200 MB of pages written during a 100k-note sync were still in the page cache then, and
// that fsync took 0.05–0.5 s after the last page. Flushing the file every few seconds on libuv's thread pool (no
// JavaScript thread waits) leaves that fsync little to write.
import { open } from 'node:fs/promises';

export class BackgroundFlush {
  private last = 0;
  private running: Promise<void> | undefined;
  /** Flushes started so far. */
  started = 0;

  constructor(private readonly file: string, private readonly intervalMs = 2000, private readonly now = () => Date.now()) {}

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
    try {
      const handle = await open(this.file, 'r');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch {
      // only an optimisation: the checkpoint that ends the load syncs the file in any case
    }
  }
}
