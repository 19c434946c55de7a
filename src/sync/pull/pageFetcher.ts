// Fetches /api/sync/changed pages on this thread, ahead of the applier, at most MAX_PAGES_AHEAD at a time.
import { TriliumError } from '../errors';
import { MAX_BYTES_AHEAD, MAX_PAGES_AHEAD, isFinal, takeMergeable, type PageSource, type PulledPage } from './pulledPages';

export class PageFetcher implements PageSource {
  private readonly queue: PulledPage[] = [];
  private error: unknown;
  private done = false;
  private stopped = false;
  private wakeTaker: (() => void) | undefined;
  private wakeFetcher: (() => void) | undefined;
  /** Bytes of the pages last taken, which the caller applies until it takes again. */
  private applyingBytes = 0;

  constructor(private readonly fetchPage: (from: number) => Promise<PulledPage>, from: number) {
    void this.run(from);
  }

  private get heldBytes(): number {
    return this.applyingBytes + this.queue.reduce((n, p) => n + p.bytes, 0);
  }

  private async run(from: number): Promise<void> {
    try {
      for (;;) {
        while ((this.queue.length >= MAX_PAGES_AHEAD || this.heldBytes > MAX_BYTES_AHEAD) && !this.stopped) {
          await new Promise<void>((r) => (this.wakeFetcher = r));
        }
        if (this.stopped) return;
        const page = await this.fetchPage(from);
        this.queue.push(page);
        this.wakeTaker?.();
        if (isFinal(page)) break;
        from = page.lastEntityChangeId;
      }
    } catch (e) {
      this.error = e;
    }
    this.done = true;
    this.wakeTaker?.();
  }

  async take(maxRecords: number, maxJsonBytes: number): Promise<PulledPage[]> {
    this.applyingBytes = 0;
    this.wakeFetcher?.();
    while (this.queue.length === 0) {
      if (this.error) throw this.error;
      if (this.done) throw new TriliumError('PROTOCOL', 'The pull ended without a final page.');
      await new Promise<void>((r) => (this.wakeTaker = r));
    }
    const pages = takeMergeable(this.queue, maxRecords, maxJsonBytes);
    this.applyingBytes = pages.reduce((n, p) => n + p.bytes, 0);
    this.wakeFetcher?.();
    return pages;
  }

  stop(): void {
    this.stopped = true;
    this.wakeFetcher?.();
  }
}
