// The secondary indexes of an initial load (the replica's bulk load): dropped when it begins, built when it ends, or
// earlier, while the sync fetches its last pages (Replica.buildIndexesDuringBulkLoad); the pages applied after that
// keep the newest change of each entity themselves.
import type { Connection } from './db';
import { SECONDARY_INDEXES } from './schema';

/**
 * The page cache while the entity_changes indexes are built: the sorter sorts runs of at most the cache's size (but
 * 250 pages at least) in memory and merges them from temp files. Runs of 4 MB sort in the CPU's caches: 100k notes,
 * ~30% less CPU for these builds than with runs of 16 MB (64 MB runs: more still).
 */
const INDEX_BUILD_CACHE_KIB = 2048;
/** The other tables' indexes sort in one run, and with this cache their pages stay cached for the reads that follow. */
const SMALL_INDEX_CACHE_KIB = 16384;

export const UNIQUE_CHANGE_INDEX = SECONDARY_INDEXES.find((ix) => ix.unique)!;

/**
 * Builds every secondary index inside the caller's transaction, keeping only the newest change of an entity that
 * came twice. Leaves the page cache at SMALL_INDEX_CACHE_KIB.
 */
export async function buildSecondaryIndexes(c: Connection): Promise<void> {
  await c.exec(`PRAGMA cache_size = -${INDEX_BUILD_CACHE_KIB}`);
  // The unique index first: it fails (statement rolled back, transaction intact) only when an entity came twice; then
  // keep its newest change and build again. Saves a full grouping pass in the usual case.
  try {
    await c.run(UNIQUE_CHANGE_INDEX.sql);
  } catch (e) {
    if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw e;
    await c.run('DELETE FROM entity_changes WHERE id NOT IN (SELECT MAX(id) FROM entity_changes GROUP BY entityName, entityId)');
    await c.run(UNIQUE_CHANGE_INDEX.sql);
  }
  for (const ix of SECONDARY_INDEXES) {
    if (ix === UNIQUE_CHANGE_INDEX) continue;
    if (!ix.sql.includes(' ON entity_changes ')) await c.exec(`PRAGMA cache_size = -${SMALL_INDEX_CACHE_KIB}`);
    await c.run(ix.sql);
  }
}

/** Whether the unique index of entity changes exists (an initial load that built its indexes early). */
export async function hasUniqueChangeIndex(c: Connection): Promise<boolean> {
  return !!(await c.get<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?", [UNIQUE_CHANGE_INDEX.name]));
}
