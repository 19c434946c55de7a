// Stored entity hashes recomputed with the new profile's hashed columns. The entity change keeps its id,
// changeId and date: a synced row is not sent again, an unsynced one is pushed with the new hash.
import type { Connection } from '../db';
import { entityHash } from '../hash';
import type { TableDef } from '../profiles';
import type { Row } from '../types';

const BATCH = 500;

export async function rehashTable(c: Connection, def: TableDef): Promise<number> {
  // New hashes are collected in a keyed temp table and written with one indexed UPDATE at the end.
  await c.exec('CREATE TEMP TABLE IF NOT EXISTS migration_hashes (id INTEGER PRIMARY KEY, hash TEXT NOT NULL); DELETE FROM temp.migration_hashes');
  let afterRowid = 0;
  for (;;) {
    // In the table's rowid order, each row finding its change through the (entityName, entityId) index.
    const rows = await c.all<Row & { __rowid: number; __ecId: number; __hash: string }>(
      `SELECT r.*, r.rowid AS __rowid, e.id AS __ecId, e.hash AS __hash FROM ${def.name} r
       JOIN entity_changes e ON e.entityName = ? AND e.entityId = r."${def.pk}" AND e.isErased = 0
       WHERE r.rowid > ? ORDER BY r.rowid LIMIT ${BATCH}`, [def.name, afterRowid]);
    if (rows.length === 0) break;
    const updates: Array<[number, string]> = [];
    for (const row of rows) {
      afterRowid = row.__rowid;
      delete (row as Partial<typeof row>).__rowid;
      const computed = entityHash(def, row, 'isDeleted' in row && !!row.isDeleted);
      if (computed !== row.__hash) updates.push([row.__ecId, computed]);
    }
    if (updates.length) {
      await c.run("INSERT INTO temp.migration_hashes (id, hash) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)",
        [JSON.stringify(updates)]);
    }
  }
  const changed = (await c.run(
    `UPDATE entity_changes SET hash = (SELECT h.hash FROM temp.migration_hashes h WHERE h.id = entity_changes.id)
     WHERE id IN (SELECT id FROM temp.migration_hashes)`)).changes;
  await c.exec('DROP TABLE temp.migration_hashes');
  return changed;
}
