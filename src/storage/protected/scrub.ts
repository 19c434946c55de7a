// After notes were protected, their old plaintext may linger in freed database pages, in FTS segments that only
// mark it deleted, and in WAL frames. Merge the FTS segments, rewrite the file without free pages, truncate the WAL.
import type { Connection } from '../db';

export async function scrubFreedPages(c: Connection): Promise<void> {
  await c.run("INSERT INTO search_text (search_text) VALUES ('optimize')");
  await c.exec('VACUUM');
  await c.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}
