// Keeps a note's link relations equal to the links in its content, inside the transaction that saves the content:
// a relation for each found link to an existing note (added once), and the note's link relations no longer found
// deleted, as Trilium's saveLinks does. The relations sync like any attribute, so Trilium's backlinks see them.
import type { WriteContext } from '../writeContext';
import { newEntityId, randomString } from '../ids';
import type { AttributeRow, NoteRow } from '../types';
import { findLinks, LINK_NAMES, scansLinks } from './findLinks';

export async function saveLinks(w: WriteContext, note: Pick<NoteRow, 'noteId' | 'type'>, content: string | Buffer): Promise<void> {
  if (!scansLinks(note.type)) return;
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const found = findLinks(note.type, text);
  const existing = await w.c.all<AttributeRow>(
    `SELECT * FROM attributes WHERE noteId = ? AND type = 'relation' AND isDeleted = 0 AND name IN (${LINK_NAMES.map(() => '?').join(',')})`,
    [note.noteId, ...LINK_NAMES]);
  const key = (name: string, target: string) => `${name}\u0000${target}`;
  const have = new Set(existing.map((a) => key(a.name, a.value)));
  const wanted = new Set<string>();
  let position = (await w.c.get<{ mx: number | null }>('SELECT MAX(position) AS mx FROM attributes WHERE noteId = ?', [note.noteId]))?.mx ?? 0;
  for (const link of found) {
    const target = await w.c.get<{ x: number }>('SELECT 1 AS x FROM notes WHERE noteId = ? AND isDeleted = 0', [link.noteId]);
    if (!target) continue;
    const k = key(link.name, link.noteId);
    wanted.add(k);
    if (have.has(k)) continue;
    have.add(k);
    position += 10;
    await w.saveRow('attributes', {
      attributeId: newEntityId(), noteId: note.noteId, type: 'relation', name: link.name, value: link.noteId, position,
      utcDateModified: w.utcNow, isDeleted: 0, deleteId: null, isInheritable: 0,
    });
    w.change.noteIds.add(note.noteId);
    w.change.noteIds.add(link.noteId);
  }
  for (const a of existing) {
    if (wanted.has(key(a.name, a.value))) continue;
    await w.saveRow('attributes', { ...a, isDeleted: 1, deleteId: randomString(10), utcDateModified: w.utcNow } as unknown as Record<string, string | number | null>);
    w.change.noteIds.add(note.noteId);
    w.change.noteIds.add(a.value);
  }
}
