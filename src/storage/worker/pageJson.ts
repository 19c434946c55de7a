// Pulled pages handed to the replica's worker as JSON text (a /api/sync/changed answer each): parsed here, in the
// worker, instead of on the host's thread and then cloned across (SYNC-PROTOCOL.md §4.3).
import { TriliumError } from '../errors';
import type { SyncRecord } from '../types';

/**
 * One page: its body in the pieces it came in, and the cursor the host read from the body's end (and already used for
 * the next request).
 */
export interface PageJson {
  json: Uint8Array[];
  lastEntityChangeId: number;
}

/** The records of the pages in order; throws when a body is not a page or its cursor is not the one the host read. */
export function recordsOfPages(pages: PageJson[]): SyncRecord[] {
  const records: SyncRecord[] = [];
  for (const page of pages) {
    let body: { entityChanges?: unknown; lastEntityChangeId?: unknown };
    try {
      const bytes = page.json.length === 1 ? page.json[0] : Buffer.concat(page.json);
      body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as typeof body;
    } catch (e) {
      throw new TriliumError('NOT_JSON', `The server's answer to GET /api/sync/changed is not complete JSON (${e instanceof Error ? e.message : String(e)}).`,
        'The answer was cut short or garbled on the way (a proxy, a broken connection); sync again.', { cause: e });
    }
    if (!Array.isArray(body?.entityChanges) || body.lastEntityChangeId !== page.lastEntityChangeId) {
      throw new TriliumError('PROTOCOL', 'The server\'s /api/sync/changed answer is malformed.', 'Check that the URL points at a Trilium server.');
    }
    const list = body.entityChanges as SyncRecord[];
    for (let i = 0; i < list.length; i++) records.push(list[i]);
  }
  return records;
}
