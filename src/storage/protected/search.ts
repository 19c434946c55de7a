// Title and content search over protected notes while a session is unlocked: decrypted in memory, per query,
// never written to the FTS tables on disk.
import type { Connection } from '../db';
import { stripTags } from '../search';
import { decrypt } from './cipher';
import { shownTitle, UNREADABLE_TITLE } from './entities';

const CONTENT_TYPES = new Set(['text', 'code', 'mermaid', 'mindMap', 'canvas']);

export async function protectedTitles(c: Connection, key: Buffer): Promise<Array<{ noteId: string; title: string; type: string }>> {
  const rows = await c.all<{ noteId: string; title: string; type: string }>(
    "SELECT noteId, title, type FROM notes WHERE isProtected = 1 AND isDeleted = 0 AND noteId NOT LIKE '\\_%' ESCAPE '\\'");
  return rows.map((r) => ({ ...r, title: shownTitle(r.title, 1, key) })).filter((r) => r.title !== UNREADABLE_TITLE);
}

export async function searchProtectedTitles(c: Connection, key: Buffer, query: string, limit: number): Promise<Array<{ noteId: string; title: string; type: string }>> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return (await protectedTitles(c, key)).filter((r) => r.title.toLowerCase().includes(q)).slice(0, limit);
}

export async function searchProtectedContent(c: Connection, key: Buffer, query: string, limit: number): Promise<Array<{ noteId: string; title: string; snippet: string }>> {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return [];
  const rows = await c.all<{ noteId: string; title: string; type: string; content: string | Buffer | null }>(
    `SELECT n.noteId, n.title, n.type, b.content FROM notes n LEFT JOIN blobs b ON b.blobId = n.blobId
     WHERE n.isProtected = 1 AND n.isDeleted = 0`);
  const out: Array<{ noteId: string; title: string; snippet: string }> = [];
  for (const r of rows) {
    if (out.length >= limit) break;
    const title = shownTitle(r.title, 1, key);
    let text = '';
    if (CONTENT_TYPES.has(r.type) && r.content !== null && r.content.length > 0) {
      try { text = stripTags(decrypt(key, r.content).toString('utf8')); } catch { continue; }
    }
    const hay = `${title} ${text}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) continue;
    const at = Math.max(text.toLowerCase().indexOf(words[0]), 0);
    out.push({ noteId: r.noteId, title, snippet: (at > 40 ? '…' : '') + text.slice(Math.max(at - 40, 0), at + 80) });
  }
  return out;
}
