// Buffers of paged PUT /api/sync/update bodies, keyed by requestId; dropped after 20 minutes.
export const PARTIAL_REQUEST_TTL_MS = 20 * 60 * 1000;

export class PartialRequests {
  private readonly buffers = new Map<string, { chunks: Buffer[]; nextIndex: number; createdAt: number }>();

  /** Returns the whole body once the last page arrived, or null while pages are missing. Throws on a gap. */
  add(requestId: string, pageIndex: number, pageCount: number, chunk: Buffer, now: number, url: string): Buffer | null {
    this.expire(now);
    if (pageIndex === 0) {
      this.buffers.set(requestId, { chunks: [chunk], nextIndex: 1, createdAt: now });
    } else {
      const entry = this.buffers.get(requestId);
      if (!entry || entry.nextIndex !== pageIndex) {
        this.buffers.delete(requestId);
        throw new Error(`Partial request ${requestId}, page ${pageIndex + 1} of ${pageCount} of ${url} does not have expected record.`);
      }
      entry.chunks.push(chunk);
      entry.nextIndex++;
    }
    if (pageIndex < pageCount - 1) return null;
    const entry = this.buffers.get(requestId)!;
    this.buffers.delete(requestId);
    return Buffer.concat(entry.chunks);
  }

  get size(): number {
    return this.buffers.size;
  }

  private expire(now: number): void {
    for (const [id, entry] of this.buffers) if (entry.createdAt < now - PARTIAL_REQUEST_TTL_MS) this.buffers.delete(id);
  }
}
