// Stored entity hashes recomputed with the new profile's hashed columns. The entity change keeps its id,
// changeId and date: a synced row is not sent again, an unsynced one is pushed with the new hash.
import type { Connection } from '../db';
import { entityHash } from '../hash';
import type { TableDef } from '../profiles';
import type { Row } from '../types';

const BATCH = 500;

export async function rehashTable(c: Connection, def: TableDef): Promise<number> {
  let changed = 0;
  let afterId = 0;
  for (;;) {
    const rows = await c.all<Row & { __ecId: number; __hash: string }>(
      `SELECT r.*, e.id AS __ecId, e.hash AS __hash FROM entity_changes e JOIN ${def.name} r ON r."${def.pk}" = e.entityId
       WHERE e.entityName = ? AND e.isErased = 0 AND e.id > ? ORDER BY e.id LIMIT ${BATCH}`, [def.name, afterId]);
    if (rows.length === 0) return changed;
    const updates: Array<[number, string]> = [];
    for (const row of rows) {
      afterId = row.__ecId;
      const computed = entityHash(def, row, 'isDeleted' in row && !!row.isDeleted);
      if (computed !== row.__hash) updates.push([row.__ecId, computed]);
    }
    if (updates.length) {
      await c.run(
        `UPDATE entity_changes SET hash = json_extract(j.value, '$[1]') FROM json_each(?) j WHERE entity_changes.id = json_extract(j.value, '$[0]')`,
        [JSON.stringify(updates)]);
      changed += updates.length;
    }
  }
}
