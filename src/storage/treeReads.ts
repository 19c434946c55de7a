// The replica's reads for the tree, Open Note… and search, as plain queries on the reader connection. Protected
// titles and contents come back as stored; the Replica decrypts them when a protected session is open.
import type { Connection } from './db';
import type { SchemaProfile } from './profiles';
import { stripTags } from './search';
import type { TreeChild } from './types';

type ChildTuple = [string, string, number, string | null, string, string, string, number, number, string | null];

/**
 * The children of a note in Trilium's order, with what a tree item shows. Runs on the tree's own connection, whose
 * page cache is small (see TREE_CACHE_KIB in replica.ts), so it reads each page once: it takes the children in noteId
 * order from IDX_branches_parentNoteId_children, so that the lookups in the indexes keyed by noteId (notes, branches
 * by parent, IDX_attributes_iconClass) walk each index forward, and then reads the notes' rows in rowid order. `LIMIT -1` keeps
 * SQLite from dropping an ORDER BY that only sets the order of the work.
 */
export async function childrenOf(reader: Connection, parentNoteId: string, includeHidden: boolean): Promise<TreeChild[]> {
  const found = `WITH k AS MATERIALIZED (
       SELECT b.branchId, b.noteId, b.notePosition, b.prefix, n.rowid AS noteRow,
         EXISTS (SELECT 1 FROM branches c WHERE c.parentNoteId = b.noteId AND c.isDeleted = 0) AS hasChildren,
         (SELECT a.value FROM attributes a WHERE a.noteId = b.noteId AND a.type = 'label' AND a.name = 'iconClass'
            AND a.isDeleted = 0 ORDER BY a.position LIMIT 1) AS iconClass
       FROM branches b JOIN notes n ON n.noteId = b.noteId
       WHERE b.parentNoteId = ? AND b.isDeleted = 0 ${includeHidden ? '' : "AND b.noteId != '_hidden'"}
       ORDER BY noteRow LIMIT -1)`;
  const select = `SELECT k.branchId, k.noteId, k.notePosition, k.prefix, n.title, n.type, n.mime, n.isProtected, k.hasChildren, k.iconClass
     FROM k JOIN notes n ON n.rowid = k.noteRow WHERE n.isDeleted = 0
     ORDER BY k.notePosition, k.branchId`;
  let list: ChildTuple[];
  if (reader.allArrays) {
    list = (await reader.allArrays(`${found} ${select}`, [parentNoteId])) as ChildTuple[];
  } else {
    // One JSON text instead of 10k row objects: this driver's per-row cost dominates otherwise.
    const r = await reader.get<{ j: string | null }>(
      `${found} SELECT json_group_array(json_array(branchId, noteId, notePosition, prefix, title, type, mime, isProtected, hasChildren, iconClass)) AS j
       FROM (${select})`, [parentNoteId]);
    list = JSON.parse(r?.j ?? '[]') as ChildTuple[];
  }
  const out = list.map(([branchId, noteId, notePosition, prefix, title, type, mime, isProtected, hasChildren, iconClass]) => ({
    branchId, noteId, parentNoteId, notePosition, prefix, title, type, mime, isProtected, hasChildren: !!hasChildren, iconClass,
  }));
  // json_group_array follows the subquery's order in SQLite; keep the contract even if that changed.
  out.sort((a, b) => a.notePosition - b.notePosition || (a.branchId < b.branchId ? -1 : a.branchId > b.branchId ? 1 : 0));
  return out;
}

/** Every path from root to the note (at most 100), as noteId arrays starting with 'root'. */
export async function notePaths(reader: Connection, noteId: string): Promise<string[][]> {
  const parentsOf = new Map<string, string[]>();
  const parents = async (id: string) => {
    let p = parentsOf.get(id);
    if (!p) {
      p = (await reader.all<{ parentNoteId: string }>(
        `SELECT b.parentNoteId FROM branches b LEFT JOIN notes n ON n.noteId = b.parentNoteId
         WHERE b.noteId = ? AND b.isDeleted = 0 AND (b.parentNoteId = 'none' OR n.isDeleted = 0)`, [id])).map((r) => r.parentNoteId);
      parentsOf.set(id, p);
    }
    return p;
  };
  const out: string[][] = [];
  const walk = async (id: string, tail: string[]) => {
    if (out.length >= 100) return;
    if (id === 'root') { out.push(['root', ...tail]); return; }
    for (const p of await parents(id)) {
      if (p === 'none' || tail.includes(p) || p === noteId) continue;
      await walk(p, [id, ...tail]);
    }
  };
  await walk(noteId, []);
  return out;
}

const likeEscaped = (q: string) => q.replace(/[\\%_]/g, (m) => '\\' + m);

/** Unprotected notes whose title contains `q`: exact matches first, then prefixes, then shorter titles. */
export function titleMatches(reader: Connection, q: string, limit: number): Promise<Array<{ noteId: string; title: string; type: string }>> {
  return reader.all<{ noteId: string; title: string; type: string }>(
    `SELECT noteId, title, type FROM notes WHERE isDeleted = 0 AND isProtected = 0 AND title LIKE ? ESCAPE '\\' AND noteId NOT LIKE '\\_%' ESCAPE '\\'
     ORDER BY (lower(title) = lower(?)) DESC, (lower(title) LIKE lower(?) ESCAPE '\\') DESC, length(title), title LIMIT ?`,
    [`%${likeEscaped(q)}%`, q, `${likeEscaped(q)}%`, limit]);
}

/** Full-text matches of an FTS query (see ftsQuery), best first, with a plain-text snippet. */
export async function contentMatches(reader: Connection, fts: string, limit: number): Promise<Array<{ noteId: string; title: string; snippet: string }>> {
  const rows = await reader.all<{ noteId: string; title: string; snippet: string }>(
    `SELECT s.noteId, n.title, snippet(search_text, 1, '', '', '…', 16) AS snippet
     FROM search_text JOIN search_ids s ON s.id = search_text.rowid JOIN notes n ON n.noteId = s.noteId
     WHERE search_text MATCH ? AND n.isDeleted = 0 ORDER BY rank LIMIT ?`, [fts, limit]);
  return rows.map((r) => ({ ...r, snippet: stripTags(r.snippet ?? '') }));
}

export interface NoteListing {
  noteId: string;
  title: string;
  type: string;
  parentTitle: string | null;
  isProtected: number;
  parentProtected: number | null;
}

/** All non-deleted notes outside the hidden subtree, by title, with one parent's title each. */
export async function allNotes(reader: Connection): Promise<NoteListing[]> {
  const r = await reader.get<{ j: string | null }>(
    `SELECT json_group_array(json_array(noteId, title, type, parentTitle, isProtected, parentProtected)) AS j FROM (
       SELECT n.noteId, n.title, n.type, n.isProtected,
         (SELECT p.title FROM branches b JOIN notes p ON p.noteId = b.parentNoteId WHERE b.noteId = n.noteId AND b.isDeleted = 0 LIMIT 1) AS parentTitle,
         (SELECT p.isProtected FROM branches b JOIN notes p ON p.noteId = b.parentNoteId WHERE b.noteId = n.noteId AND b.isDeleted = 0 LIMIT 1) AS parentProtected
       FROM notes n WHERE n.isDeleted = 0 AND n.noteId NOT LIKE '\\_%' ESCAPE '\\' ORDER BY n.title)`);
  const list = JSON.parse(r?.j ?? '[]') as Array<[string, string, string, string | null, number, number | null]>;
  return list.map(([noteId, title, type, parentTitle, isProtected, parentProtected]) => ({ noteId, title, type, parentTitle, isProtected, parentProtected }));
}

/** Rows per synced table (not deleted), entity changes and open conflicts. */
export async function counts(reader: Connection, profile: SchemaProfile): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const def of Object.values(profile.tables)) {
    const del = def.columns.some((c) => c.name === 'isDeleted') ? ' WHERE isDeleted = 0' : '';
    out[def.name] = (await reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${def.name}${del}`))?.n ?? 0;
  }
  out.entity_changes = (await reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM entity_changes'))?.n ?? 0;
  out.conflicts = (await reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM conflicts WHERE resolved = 0'))?.n ?? 0;
  return out;
}
