// The synced-table schema changes between two profiles: new tables (e.g. flashcards at 41) and new columns
// (blobs.textRepresentation at 38, revisions.description/source at 39). Profiles only ever add.
import type { Connection } from '../db';
import type { SchemaProfile, TableDef } from '../profiles';

export interface SchemaChange {
  table: string;
  /** null: the whole table is new. */
  columns: string[] | null;
  sql: string[];
}

function createTableSql(t: TableDef): string {
  const cols = t.columns.map((col) => `"${col.name}" ${col.ddl}${col.name === t.pk ? ' PRIMARY KEY' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${t.name} (${cols.join(', ')})`;
}

/** Pure: what `to` has that `from` lacks. */
export function schemaChanges(from: SchemaProfile, to: SchemaProfile): SchemaChange[] {
  const out: SchemaChange[] = [];
  for (const t of Object.values(to.tables)) {
    const old = from.tables[t.name];
    if (!old) {
      out.push({ table: t.name, columns: null, sql: [createTableSql(t)] });
      continue;
    }
    const have = from.columnSet(t.name);
    const added = t.columns.filter((col) => !have.has(col.name));
    if (added.length) {
      out.push({ table: t.name, columns: added.map((col) => col.name), sql: added.map((col) => `ALTER TABLE ${t.name} ADD COLUMN "${col.name}" ${col.ddl}`) });
    }
  }
  return out;
}

/** Applies the changes; a column that is already there (an earlier, interrupted attempt cannot leave one) is skipped. */
export async function applySchemaChanges(c: Connection, changes: SchemaChange[]): Promise<string[]> {
  const lines: string[] = [];
  for (const change of changes) {
    if (change.columns === null) {
      await c.run(change.sql[0]);
      lines.push(`New synced table ${change.table}.`);
      continue;
    }
    const existing = new Set((await c.all<{ name: string }>(`PRAGMA table_info(${change.table})`)).map((r) => r.name));
    for (let i = 0; i < change.columns.length; i++) {
      if (!existing.has(change.columns[i])) await c.run(change.sql[i]);
    }
    lines.push(`New column${change.columns.length > 1 ? 's' : ''} ${change.columns.map((n) => `${change.table}.${n}`).join(', ')}.`);
  }
  return lines;
}

/** Tables whose entity hash takes other columns in `to` than in `from` (revisions at 39). */
export function tablesWithNewHashColumns(from: SchemaProfile, to: SchemaProfile): TableDef[] {
  return Object.values(to.tables).filter((t) => {
    const old = from.tables[t.name];
    return old && t.hashed.length > 0
      && (old.hashed.join('|') !== t.hashed.join('|') || old.booleans.join('|') !== t.booleans.join('|'));
  });
}
