// Paged PUT /api/sync/update bodies, keyed by requestId; dropped after 20 minutes. Each page goes into the body's
// reader as it arrives (a huge blob is decoded there, src/sync/recordsJsonReader.ts), so the pages are never
// kept and never joined into one Buffer.
export const PARTIAL_REQUEST_TTL_MS = 20 * 60 * 1000;

/** A page that does not follow the previous one of its request (Trilium's wording). */
export class PageGapError extends Error {
  constructor(requestId: string, pageIndex: number, pageCount: number, url: string) {
    super(`Partial request ${requestId}, page ${pageIndex + 1} of ${pageCount} of ${url} does not have expected record.`);
  }
}

/** Where a body's pages go, in order. */
export interface PageSink {
  write(page: Buffer): void;
}

export class PartialRequests<S extends PageSink> {
  private readonly bodies = new Map<string, { sink: S; nextIndex: number; createdAt: number }>();

  constructor(private readonly newSink: () => S) {}

  /**
   * Gives the page to its body's sink; returns the sink once the last page arrived, or null while pages are
   * missing. Throws on a gap, or what the sink throws (the body is dropped then).
   */
  add(requestId: string, pageIndex: number, pageCount: number, page: Buffer, now: number, url: string): S | null {
    this.expire(now);
    if (pageIndex === 0) {
      this.bodies.set(requestId, { sink: this.newSink(), nextIndex: 0, createdAt: now });
    }
    const entry = this.bodies.get(requestId);
    if (!entry || entry.nextIndex !== pageIndex) {
      this.bodies.delete(requestId);
      throw new PageGapError(requestId, pageIndex, pageCount, url);
    }
    try {
      entry.sink.write(page);
    } catch (e) {
      this.bodies.delete(requestId);
      throw e;
    }
    entry.nextIndex++;
    if (pageIndex < pageCount - 1) return null;
    this.bodies.delete(requestId);
    return entry.sink;
  }

  get size(): number {
    return this.bodies.size;
  }

  private expire(now: number): void {
    for (const [id, entry] of this.bodies) if (entry.createdAt < now - PARTIAL_REQUEST_TTL_MS) this.bodies.delete(id);
  }
}
