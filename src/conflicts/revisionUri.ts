// Paths of the read-only `trilium-revision:` documents. Pure: no vscode import.
//   /<noteId>/<revisionId>/<name>.<ext>          the revision's content (ext decides the presentation, as for notes)
//   /<noteId>/<revisionId>/<name>.title.txt      the revision's title
//   (revisionId 'current' stands for the note as it is now, deleted or not)
//   /<noteId>/conflict-<conflictId>/<side>.json  one side of a row-level conflict's recorded details
import { sanitizeTitle } from '../editor/noteUri';

export const REVISION_SCHEME = 'trilium-revision';
export const CURRENT = 'current';

export type RevisionDoc =
  | { kind: 'content'; noteId: string; revisionId: string; ext: string }
  | { kind: 'title'; noteId: string; revisionId: string }
  | { kind: 'details'; noteId: string; conflictId: number; side: 'local' | 'remote' };

export function revisionContentPath(noteId: string, revisionId: string, title: string, ext: string): string {
  return `/${noteId}/${revisionId}/${sanitizeTitle(title)}.${ext}`;
}

export function revisionTitlePath(noteId: string, revisionId: string, title: string): string {
  return `/${noteId}/${revisionId}/${sanitizeTitle(title)}.title.txt`;
}

export function conflictDetailsPath(noteId: string, conflictId: number, side: 'local' | 'remote'): string {
  return `/${noteId}/conflict-${conflictId}/${side}.json`;
}

export function parseRevisionPath(path: string): RevisionDoc | null {
  const m = /^\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return null;
  const noteId = decodeURIComponent(m[1]);
  const second = decodeURIComponent(m[2]);
  const name = decodeURIComponent(m[3]);
  const conflict = /^conflict-(\d+)$/.exec(second);
  if (conflict) {
    const side = name === 'local.json' ? 'local' : name === 'remote.json' ? 'remote' : null;
    return side ? { kind: 'details', noteId, conflictId: Number(conflict[1]), side } : null;
  }
  if (name.endsWith('.title.txt')) return { kind: 'title', noteId, revisionId: second };
  const dot = name.lastIndexOf('.');
  return { kind: 'content', noteId, revisionId: second, ext: dot > 0 ? name.slice(dot + 1).toLowerCase() : '' };
}
