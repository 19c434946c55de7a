// The cursor fields at the end of a /api/sync/changed answer, read without parsing the records before them, so the
// next page can be requested while a replica in a worker thread parses this one (SYNC-PROTOCOL.md §4.3: Trilium
// and our server write `entityChanges` first and the two numbers last). Whoever parses the page checks them.

export interface PageTail {
  lastEntityChangeId: number;
  outstandingPullCount: number;
}

const TAIL_BYTES = 160;
const TAIL = /,\s*"lastEntityChangeId"\s*:\s*(\d+)\s*,\s*"outstandingPullCount"\s*:\s*(\d+)\s*\}\s*$/;

/**
 * The two numbers when the body (in the pieces it came in) ends with them as the last members of its top-level
 * object; else undefined.
 */
export function readPageTail(body: Uint8Array[]): PageTail | undefined {
  let tail = '';
  for (let i = body.length - 1; i >= 0 && tail.length < TAIL_BYTES; i--) {
    const piece = body[i];
    const from = Math.max(0, piece.length - (TAIL_BYTES - tail.length));
    tail = Buffer.from(piece.buffer, piece.byteOffset + from, piece.length - from).toString('latin1') + tail;
  }
  const m = TAIL.exec(tail);
  if (!m) return undefined;
  const lastEntityChangeId = Number(m[1]);
  const outstandingPullCount = Number(m[2]);
  if (!Number.isSafeInteger(lastEntityChangeId) || !Number.isSafeInteger(outstandingPullCount)) return undefined;
  return { lastEntityChangeId, outstandingPullCount };
}
