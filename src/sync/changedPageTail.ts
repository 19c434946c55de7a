// The cursor fields at the end of a /api/sync/changed answer, read without parsing the records before them, so the
// next page can be requested while a replica in a worker thread parses this one (SYNC-PROTOCOL.md §4.3: Trilium
// and our server write `entityChanges` first and the two numbers last). Whoever parses the page checks them.

export interface PageTail {
  lastEntityChangeId: number;
  outstandingPullCount: number;
}

const TAIL_BYTES = 160;
const TAIL = /,\s*"lastEntityChangeId"\s*:\s*(\d+)\s*,\s*"outstandingPullCount"\s*:\s*(\d+)\s*\}\s*$/;

/** The two numbers when the body ends with them as the last members of its top-level object; else undefined. */
export function readPageTail(body: Uint8Array): PageTail | undefined {
  const from = Math.max(0, body.length - TAIL_BYTES);
  const m = TAIL.exec(Buffer.from(body.buffer, body.byteOffset + from, body.length - from).toString('latin1'));
  if (!m) return undefined;
  const lastEntityChangeId = Number(m[1]);
  const outstandingPullCount = Number(m[2]);
  if (!Number.isSafeInteger(lastEntityChangeId) || !Number.isSafeInteger(outstandingPullCount)) return undefined;
  return { lastEntityChangeId, outstandingPullCount };
}
